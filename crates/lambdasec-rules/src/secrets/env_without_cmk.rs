use crate::{Context, Findings, Rule};
use lambdasec_model::Value;

rule! {
    /// ## What it does
    /// Finds functions that set environment variables without a customer-managed KMS key to
    /// encrypt them (`kms_key_arn` in Terraform, `KmsKeyArn` in CloudFormation and SAM,
    /// `kmsKeyArn` in the Serverless Framework).
    ///
    /// ## Why is this bad?
    /// Lambda encrypts environment variables with an AWS managed key that every principal
    /// allowed `lambda:GetFunctionConfiguration` can use implicitly, so anyone who can read the
    /// function's configuration reads its variables. With your own key, reading them also
    /// needs `kms:Decrypt` on that key, which you control and audit.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   environment {
    ///     variables = { TABLE_NAME = "orders" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// kms_key_arn = aws_kms_key.lambda_env.arn
    /// ```
    /// Better still, keep secrets out of environment variables entirely: read them from
    /// Secrets Manager or SSM Parameter Store at run time.
    pub struct EnvWithoutCmk {
        id: "LS203",
        name: "env-without-cmk",
        severity: Low,
        checklist: SecretsNotInEnv,
        summary: "environment variables are set and no customer-managed KMS key encrypts them",
        remediation: "encrypt the function's environment with a customer-managed KMS key",
    }
}

impl Rule for EnvWithoutCmk {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            // An unknown list of variables may be empty: nothing to prove.
            let Value::Known { value: vars, loc } = &f.environment else {
                continue;
            };
            if vars.is_empty() || f.env_kms_key.is_some() {
                continue;
            }
            out.push(
                format!(
                    "function {} sets {} environment variable(s) without a customer-managed KMS key",
                    crate::function_label(f),
                    vars.len()
                ),
                &f.id,
                Some(fi),
                loc,
            );
        }
    }
}
