use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds environment variables whose name says secret (`PASSWORD`, `SECRET`, `TOKEN`,
    /// `API_KEY`, `PRIVATE_KEY`, `JWT`, `CREDENTIAL`…) and that hold a literal value rather
    /// than a reference (an ARN, an SSM parameter path, `{{resolve:…}}`, `${ssm:…}`). Names
    /// such as `SECRET_ARN` or `TOKEN_URL` hold references by convention and are not reported.
    /// Values that are credentials by content are LS201's; placeholders are `info`.
    ///
    /// ## Why is this bad?
    /// `DB_PASSWORD=hunter2` is still a password: short or low-entropy secrets slip past
    /// content detectors, but the name says what the value is.
    ///
    /// ## Example
    /// ```hcl
    /// environment {
    ///   variables = { DB_PASSWORD = "hunter2" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Put the value in Secrets Manager or SSM Parameter Store and pass its ARN or name, e.g.
    /// `DB_PASSWORD_SECRET_ARN = aws_secretsmanager_secret.db.arn`.
    pub struct EnvSecretName {
        id: "LS202",
        name: "env-secret-name",
        severity: High,
        checklist: SecretsNotInEnv,
        summary: "an environment variable named like a secret holds a literal value",
        remediation: "pass a reference (secret ARN, parameter name) instead of the value, and read it at run time",
    }
}

impl Rule for EnvSecretName {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            for hit in super::env_hits(f).iter().filter(|h| h.by_name) {
                let message = format!(
                    "environment variable {} of function {} is named like a secret and holds a literal value ({})",
                    hit.var.name,
                    crate::function_label(f),
                    hit.redacted
                );
                super::report(out, fi, f, hit, message);
            }
        }
    }
}
