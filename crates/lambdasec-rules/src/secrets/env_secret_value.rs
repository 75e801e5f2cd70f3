use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds environment variables whose value is a credential by its content: AWS access
    /// keys, private key blocks, JWTs, GitHub/GitLab/Slack/Stripe/Twilio/SendGrid/Google/npm/
    /// PyPI tokens, database and broker URLs with an embedded password, basic-auth URLs, and
    /// high-entropy values under a sensitive name. References (ARNs, SSM parameter paths,
    /// `{{resolve:…}}`, `${ssm:…}`) are never secrets; known placeholders and AWS's
    /// documentation example keys are reported at `info`. The value is never printed whole:
    /// findings show its first four characters and its length.
    ///
    /// ## Why is this bad?
    /// Environment variables are visible to anyone who can read the function's configuration
    /// (`lambda:GetFunctionConfiguration`, the console, CloudFormation and Terraform state),
    /// end up in logs and crash reports, and cannot be rotated without a deployment.
    ///
    /// ## Example
    /// ```hcl
    /// environment {
    ///   variables = { STRIPE_KEY = "sk_live_…" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Store the secret in Secrets Manager or SSM Parameter Store (SecureString), pass its ARN
    /// or name in the environment, and read it at run time (lambdasec-runtime caches it).
    pub struct EnvSecretValue {
        id: "LS201",
        name: "env-secret-value",
        severity: Critical,
        checklist: SecretsNotInEnv,
        summary: "an environment variable's value is a credential",
        remediation: "move the secret to Secrets Manager or SSM Parameter Store and pass only its ARN or name",
    }
}

impl Rule for EnvSecretValue {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            for hit in super::env_hits(f).iter().filter(|h| !h.by_name) {
                let message = format!(
                    "environment variable {} of function {} holds {} ({})",
                    hit.var.name,
                    crate::function_label(f),
                    hit.description,
                    hit.redacted
                );
                super::report(out, fi, f, hit, message);
            }
        }
    }
}
