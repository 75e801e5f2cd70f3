use crate::{Context, Findings, Rule};
use lambdasec_model::Severity;

rule! {
    /// ## What it does
    /// Finds functions with neither a dead-letter queue nor an on-failure destination (an
    /// event invoke configuration). Reported at `low`, or `medium` when a permission shows the
    /// function is invoked asynchronously (S3, SNS, EventBridge, CloudWatch Logs, SES, IoT,
    /// CodeCommit, AWS Config, CloudFormation, CloudWatch alarms).
    ///
    /// ## Why is this bad?
    /// Lambda retries a failed asynchronous event twice, then drops it. Without a DLQ or
    /// destination, the event — an upload to process, an alert, an audit record — is lost
    /// silently, and so is the evidence of an attack that made the function fail.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_permission" "s3" { principal = "s3.amazonaws.com" ... }
    /// resource "aws_lambda_function" "ingest" {
    ///   # no dead_letter_config, no aws_lambda_function_event_invoke_config
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_lambda_function_event_invoke_config" "ingest" {
    ///   function_name = aws_lambda_function.ingest.function_name
    ///   destination_config {
    ///     on_failure { destination = aws_sqs_queue.ingest_failures.arn }
    ///   }
    /// }
    /// ```
    pub struct AsyncFailureUnhandled {
        id: "LS801",
        name: "async-failure-unhandled",
        severity: Low,
        checklist: FailureHandling,
        summary: "neither a dead-letter queue nor an on-failure destination is configured",
        remediation: "configure an on-failure destination (event invoke configuration) or a dead-letter queue",
    }
}

/// Services that invoke Lambda asynchronously.
const ASYNC_SERVICES: [&str; 11] = [
    "s3",
    "sns",
    "events",
    "logs",
    "ses",
    "iot",
    "codecommit",
    "config",
    "cloudformation",
    "cloudwatch",
    "scheduler",
];

impl Rule for AsyncFailureUnhandled {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            if f.dead_letter_target.is_some() {
                continue;
            }
            let has_destination = cx.index.event_invoke_configs[fi]
                .iter()
                .any(|&c| cx.inv.event_invoke_configs[c].on_failure.is_some());
            if has_destination {
                continue;
            }
            let async_caller = cx.index.permissions[fi].iter().find_map(|&p| {
                crate::known_items(&cx.inv.permissions[p].principals)?
                    .find(|x| {
                        crate::principal_service(x).is_some_and(|s| ASYNC_SERVICES.contains(&s))
                    })
                    .cloned()
            });
            let label = crate::function_label(f);
            match async_caller {
                Some(caller) => out.push_with(
                    Severity::Medium,
                    format!(
                        "function {label} is invoked asynchronously by {caller} but has no dead-letter queue or on-failure destination"
                    ),
                    &f.id,
                    Some(fi),
                    &f.loc,
                ),
                None => out.push(
                    format!("function {label} has no dead-letter queue or on-failure destination"),
                    &f.id,
                    Some(fi),
                    &f.loc,
                ),
            }
        }
    }
}
