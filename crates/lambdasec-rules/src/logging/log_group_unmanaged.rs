use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Checks that the function's log group (`/aws/lambda/<name>`, or the one named in its
    /// logging configuration) is managed in the inputs with a retention period, and — when
    /// `require_log_kms = true` in `.lambdasec.toml` — encrypted with a KMS key.
    ///
    /// ## Why is this bad?
    /// When the function creates its own log group, logs are kept forever: anything
    /// sensitive that ever reached them stays readable, and the bill grows. Without a KMS key
    /// under your control, you cannot revoke access to old logs.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function" "api" { function_name = "orders-api" }
    /// # no aws_cloudwatch_log_group "/aws/lambda/orders-api"
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "api" {
    ///   name              = "/aws/lambda/${aws_lambda_function.api.function_name}"
    ///   retention_in_days = 30
    ///   kms_key_id        = aws_kms_key.logs.arn
    /// }
    /// ```
    pub struct LogGroupUnmanaged {
        id: "LS702",
        name: "log-group-unmanaged",
        severity: Low,
        checklist: LoggingAndTracing,
        summary: "the function's log group has no retention (or no KMS key where required)",
        remediation: "manage the function's log group with a retention period (and a KMS key where required)",
    }
}

impl Rule for LogGroupUnmanaged {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            let label = crate::function_label(f);
            let Some(g) = f.log_group.map(|g| &cx.inv.log_groups[g]) else {
                // Only when we know which log group it would be.
                let name = match &f.log_group_name {
                    Some(n) => n.as_str().map(str::to_string),
                    None => match &f.name {
                        lambdasec_model::Value::Known { value, .. } => {
                            Some(format!("/aws/lambda/{value}"))
                        }
                        // A name generated at deployment: only a group naming the function by
                        // reference could be its group, and none does.
                        lambdasec_model::Value::Unknown { unknown, .. } if f.generated_name => {
                            Some(format!("/aws/lambda/{}", unknown.display()))
                        }
                        lambdasec_model::Value::Unknown { .. } => None,
                    },
                };
                if let Some(name) = name {
                    out.push(
                        format!(
                            "log group {name} of function {label} is not managed here: Lambda creates it with no retention"
                        ),
                        &f.id,
                        Some(fi),
                        &f.loc,
                    );
                }
                continue;
            };
            match &g.retention_days {
                None => out.push(
                    format!(
                        "log group {} of function {label} has no retention period",
                        g.id
                    ),
                    &g.id,
                    Some(fi),
                    &g.loc,
                ),
                Some(r) if r.get() == Some(&0) => out.push(
                    format!(
                        "log group {} of function {label} keeps logs forever (retention 0)",
                        g.id
                    ),
                    &g.id,
                    Some(fi),
                    r.loc(),
                ),
                Some(_) => {}
            }
            if cx.config.require_log_kms && g.kms_key.is_none() {
                out.push(
                    format!(
                        "log group {} of function {label} is not encrypted with a KMS key",
                        g.id
                    ),
                    &g.id,
                    Some(fi),
                    &g.loc,
                );
            }
        }
    }
}
