use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Checks the `aws:SourceArn` of permissions granted to service principals: the ARN's
    /// service must be the principal's (`execute-api` for `apigateway.amazonaws.com`, `s3`
    /// for `s3.amazonaws.com`, ...), and neither its account nor its whole resource part may
    /// be a wildcard (e.g. `…:api-id/*/*` for every stage and method of an API), nor the
    /// whole value (`*`).
    ///
    /// ## Why is this bad?
    /// A SourceArn of the wrong service never matches, which usually means a copy-paste
    /// error hiding a policy nobody reviewed; a wildcard account or resource lets resources
    /// you do not own, or every route of an API, reach the function.
    ///
    /// ## Example
    /// ```hcl
    /// principal  = "apigateway.amazonaws.com"
    /// source_arn = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// source_arn = "${aws_api_gateway_rest_api.api.execution_arn}/prod/POST/orders"
    /// ```
    pub struct InvokeSourceMismatch {
        id: "LS505",
        name: "invoke-source-mismatch",
        severity: Medium,
        checklist: ResourcePolicy,
        summary: "the SourceArn's service does not match the principal, or its account or resource is a wildcard",
        remediation: "use the exact ARN of the calling resource (its stage, method and route for API Gateway)",
    }
}

/// The ARN service(s) that a service principal's SourceArn may name.
fn expected_services(principal_service: &str) -> &'static [&'static str] {
    match principal_service {
        "apigateway" => &["execute-api"],
        "s3" => &["s3"],
        "sns" => &["sns"],
        "sqs" => &["sqs"],
        "events" => &["events"],
        "scheduler" => &["scheduler"],
        "logs" => &["logs"],
        "cognito-idp" => &["cognito-idp"],
        "elasticloadbalancing" => &["elasticloadbalancing"],
        "iot" => &["iot"],
        "config" => &["config"],
        "secretsmanager" => &["secretsmanager"],
        "codecommit" => &["codecommit"],
        "cloudwatch" => &["cloudwatch"],
        "ses" => &["ses"],
        "states" => &["states"],
        "dynamodb" => &["dynamodb"],
        "kinesis" => &["kinesis"],
        "cloudformation" => &["cloudformation"],
        "bedrock" => &["bedrock"],
        _ => &[],
    }
}

impl Rule for InvokeSourceMismatch {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for p in super::allows(cx) {
            let Some(cond) = crate::condition(p, "aws:SourceArn") else {
                continue;
            };
            let Some(values) = cond.values.get() else {
                continue;
            };
            let services: Vec<&str> = super::principals(p)
                .into_iter()
                .filter_map(|(x, _)| crate::principal_service(x))
                .collect();
            for v in values {
                let Some(arn) = crate::arn_parts(v) else {
                    // Not an ARN: a known wildcard (`*`, `arn:aws:*`) matches any source.
                    if let Some(s) = v.as_str().filter(|s| crate::is_pattern(s)) {
                        out.push(
                            format!("source ARN {s} of {} matches any source", p.id),
                            &p.id,
                            p.function,
                            v.loc(),
                        );
                    }
                    continue;
                };
                let mut problems = Vec::new();
                if let Some(svc) = &arn.service {
                    for s in &services {
                        let expected = expected_services(s);
                        if !expected.is_empty() && !expected.contains(&svc.as_str()) {
                            problems.push(format!(
                                "names service {svc}, but the principal is {s} (expected {})",
                                expected.join(" or ")
                            ));
                        }
                    }
                }
                if arn.account.as_deref().is_some_and(crate::is_pattern) {
                    problems.push("matches any account".to_string());
                }
                let shape = &arn.resource_shape;
                let segments: Vec<&str> = shape.split('/').collect();
                if shape == "*" || (segments.len() > 1 && segments[1..].iter().all(|s| *s == "*")) {
                    problems.push("matches every resource of the service".to_string());
                }
                if problems.is_empty() {
                    continue;
                }
                // A partly known ARN is shown by what is known of it.
                let shown = match v.as_str() {
                    Some(arn) => arn.to_string(),
                    None => format!(
                        "arn:{}:{}:{}:{}:{}",
                        arn.partition.as_deref().unwrap_or("…"),
                        arn.service.as_deref().unwrap_or("…"),
                        arn.region.as_deref().unwrap_or("…"),
                        arn.account.as_deref().unwrap_or("…"),
                        arn.resource_shape.replace("${…}", "…")
                    ),
                };
                out.push(
                    format!("source ARN {shown} of {} {}", p.id, problems.join("; ")),
                    &p.id,
                    p.function,
                    v.loc(),
                );
            }
        }
    }
}
