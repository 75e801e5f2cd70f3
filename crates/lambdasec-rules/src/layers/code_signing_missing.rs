use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds zip-packaged functions with no code-signing configuration.
    ///
    /// ## Why is this bad?
    /// Without code signing, anyone who can call `UpdateFunctionCode` — a leaked CI key, an
    /// over-privileged role — can deploy arbitrary code. Code signing makes Lambda reject
    /// packages not signed by your signing profiles.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   # no code_signing_config_arn
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// code_signing_config_arn = aws_lambda_code_signing_config.release.arn
    /// ```
    pub struct CodeSigningMissing {
        id: "LS606",
        name: "code-signing-missing",
        severity: Low,
        checklist: LayersAndRuntime,
        summary: "no code-signing configuration",
        remediation: "attach a code-signing configuration that enforces your signing profiles",
    }
}

impl Rule for CodeSigningMissing {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            if f.code_signing_config.is_none() && !super::is_image(f) {
                out.push(
                    format!(
                        "function {} has no code-signing configuration",
                        crate::function_label(f)
                    ),
                    &f.id,
                    Some(fi),
                    &f.loc,
                );
            }
        }
    }
}
