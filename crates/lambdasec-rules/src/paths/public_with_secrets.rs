use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds functions that anyone can invoke without authentication (a function URL with
    /// auth type `NONE`, or a resource policy letting `*` invoke without a restricting
    /// condition) and that carry a secret in their environment or code (LS201, LS202,
    /// LS204).
    ///
    /// ## Why is this bad?
    /// A public endpoint is the first thing attackers probe; a bug that echoes the
    /// environment, a debug route, or a dependency that reports errors with `os.environ`
    /// hands the secret to whoever asks.
    ///
    /// ## Example
    /// A function URL with `authorization_type = "NONE"` on a function whose environment has
    /// `STRIPE_KEY = "sk_live_…"`.
    ///
    /// ## Fix
    /// Move the secret to Secrets Manager or SSM Parameter Store (the first fix), and require
    /// authentication or verify request signatures on the public endpoint.
    pub struct PublicWithSecrets {
        id: "LS902",
        name: "public-with-secrets",
        severity: Critical,
        checklist: AttackPath,
        summary: "the function can be invoked without authentication and holds a secret",
        remediation: "move the secret out of the environment and require authentication for invocation",
    }
}

impl Rule for PublicWithSecrets {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            if !crate::publicly_invocable(cx.inv, &cx.index, fi) {
                continue;
            }
            let Some(what) = crate::secrets::secret_of(cx, fi) else {
                continue;
            };
            out.push(
                format!(
                    "function {} can be invoked without authentication and holds {what}",
                    crate::function_label(f)
                ),
                &f.id,
                Some(fi),
                &f.loc,
            );
        }
    }
}
