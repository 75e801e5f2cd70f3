use super::NAME_LITERAL_DETECTOR;
use crate::{Context, Findings, Rule};
use lambdasec_model::{Severity, Value};
use lambdasec_secrets::Confidence;

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
            let Some(vars) = f.environment.get() else {
                continue;
            };
            for var in vars {
                let Value::Known { value, loc } = &var.value else {
                    continue;
                };
                let found = lambdasec_secrets::scan_assignment(&var.name, value);
                if found.iter().any(|d| d.detector != NAME_LITERAL_DETECTOR) {
                    continue; // LS201
                }
                let Some(d) = found.iter().find(|d| d.detector == NAME_LITERAL_DETECTOR) else {
                    continue;
                };
                let message = format!(
                    "environment variable {} of function {} is named like a secret and holds a literal value ({})",
                    var.name,
                    crate::function_label(f),
                    d.redacted(value)
                );
                match d.confidence {
                    Confidence::Placeholder => out.push_with(
                        Severity::Info,
                        format!("{message}, which looks like a placeholder"),
                        &f.id,
                        Some(fi),
                        loc,
                    ),
                    _ => out.push(message, &f.id, Some(fi), loc),
                }
            }
        }
    }
}
