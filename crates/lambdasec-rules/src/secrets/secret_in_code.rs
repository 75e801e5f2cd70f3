use crate::{Context, Findings, Rule};
use lambdasec_model::Severity;

rule! {
    /// ## What it does
    /// Finds credentials in a function's code or in the content of a layer it uses, by
    /// following the code location its configuration names (Terraform `filename` or the
    /// `source_dir` of the `archive_file` that builds it, SAM `CodeUri`/`ContentUri`, CDK's
    /// and the Serverless Framework's asset path) and scanning the directory or zip with the
    /// same detectors as LS201. Binary files are skipped, large files are streamed, archives
    /// are read with size, ratio and entry limits. A layer's findings are reported for every
    /// function that uses it. Placeholders are `info`; secrets are never printed whole.
    ///
    /// ## Why is this bad?
    /// Everyone who can download the function's code (`lambda:GetFunction`, the deployment
    /// bucket, the repository, every build artifact) has the credential, and rotating it
    /// means redeploying the code.
    ///
    /// ## Example
    /// ```python
    /// STRIPE_KEY = "sk_live_…"   # in src/app.py
    /// ```
    ///
    /// ## Fix
    /// Remove the credential from the code (and rotate it: it is in the history), store it in
    /// Secrets Manager or SSM Parameter Store, and read it at run time.
    pub struct SecretInCode {
        id: "LS204",
        name: "secret-in-code",
        severity: Critical,
        checklist: SecretsNotInEnv,
        summary: "a credential is found in the function's code or a layer's content",
        remediation: "remove and rotate the credential; read it from Secrets Manager or SSM Parameter Store at run time",
    }
}

impl Rule for SecretInCode {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for s in &cx.inv.code_secrets {
            let (resource, whose, functions): (&str, String, Vec<usize>) =
                match (s.function, s.layer) {
                    (Some(fi), _) => {
                        let f = &cx.inv.functions[fi];
                        (
                            &f.id,
                            format!("function {}", crate::function_label(f)),
                            vec![fi],
                        )
                    }
                    (None, Some(li)) => {
                        let l = &cx.inv.layers[li];
                        (
                            &l.id,
                            format!("layer {}", l.name.display()),
                            crate::layers::users_of_layer(cx, li),
                        )
                    }
                    (None, None) => continue,
                };
            let message = format!("{} in the code of {whose} ({})", s.description, s.redacted);
            let severity = if s.placeholder {
                Severity::Info
            } else {
                Severity::Critical
            };
            if functions.is_empty() {
                out.push_with(severity, message.clone(), resource, None, &s.loc);
            }
            for fi in functions {
                out.push_with(severity, message.clone(), resource, Some(fi), &s.loc);
            }
        }
    }
}
