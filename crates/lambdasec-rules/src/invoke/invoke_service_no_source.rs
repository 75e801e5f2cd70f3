use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds permissions that let an AWS service principal (`*.amazonaws.com`) invoke the
    /// function without `aws:SourceArn`. For S3, whose bucket ARNs carry no account id,
    /// `aws:SourceAccount` is required as well (Security Hub Lambda.1 fails it otherwise).
    ///
    /// ## Why is this bad?
    /// This is the confused-deputy problem: without a source, any resource of that service in
    /// any AWS account — someone else's bucket, topic or API — can trigger your function.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_permission" "s3" {
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = aws_lambda_function.ingest.function_name
    ///   principal     = "s3.amazonaws.com"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// source_arn     = aws_s3_bucket.uploads.arn
    /// source_account = data.aws_caller_identity.current.account_id
    /// ```
    pub struct InvokeServiceNoSource {
        id: "LS502",
        name: "invoke-service-no-source",
        severity: High,
        checklist: ResourcePolicy,
        summary: "a service principal may invoke without SourceArn (S3: without SourceAccount too)",
        remediation: "restrict the permission to the exact calling resource with a source ARN (and the source account for S3)",
    }
}

impl Rule for InvokeServiceNoSource {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for p in super::allows(cx) {
            for (principal, loc) in super::principals(p) {
                let Some(service) = crate::principal_service(principal) else {
                    continue;
                };
                let has = |key: &str| crate::condition(p, key).is_some();
                let mut missing = Vec::new();
                if !has("aws:SourceArn") {
                    missing.push("source ARN");
                }
                if service == "s3" && !has("aws:SourceAccount") {
                    missing.push("source account");
                }
                if missing.is_empty() {
                    continue;
                }
                out.push(
                    format!(
                        "{principal} may invoke {} without a {} (confused deputy)",
                        crate::permission_target(cx.inv, p),
                        missing.join(" or ")
                    ),
                    &p.id,
                    p.function,
                    loc,
                );
            }
        }
    }
}
