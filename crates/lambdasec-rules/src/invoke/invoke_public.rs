use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds resource-based policy statements that let everyone (`*`) invoke the function
    /// without a restricting condition: a fixed `aws:SourceArn`, `aws:SourceAccount` or
    /// `aws:PrincipalOrgID`. Wildcards and policy variables in those conditions do not
    /// restrict. Permissions scoped to function URL calls are judged by LS401.
    ///
    /// ## Why is this bad?
    /// Any AWS account — and through some integrations anyone at all — can call the
    /// function. This is Security Hub control Lambda.1.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_permission" "any" {
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = aws_lambda_function.api.function_name
    ///   principal     = "*"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name the caller (a service principal or an account) and restrict the source:
    /// ```hcl
    /// principal  = "apigateway.amazonaws.com"
    /// source_arn = "${aws_api_gateway_rest_api.api.execution_arn}/prod/POST/orders"
    /// ```
    pub struct InvokePublic {
        id: "LS501",
        name: "invoke-public",
        severity: Critical,
        checklist: ResourcePolicy,
        summary: "a permission lets anyone invoke the function without a restricting condition",
        remediation: "name the calling principal and add a fixed source ARN, source account or organization ID",
    }
}

impl Rule for InvokePublic {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for p in super::allows(cx) {
            if crate::is_url_scoped(p) || crate::is_restricted(p) {
                continue;
            }
            if let Some((_, loc)) = super::principals(p)
                .into_iter()
                .find(|(x, _)| crate::is_everyone(x))
            {
                out.push(
                    format!(
                        "{} lets anyone invoke {} (principal \"*\" with no source condition)",
                        p.id,
                        crate::permission_target(cx.inv, p)
                    ),
                    &p.id,
                    p.function,
                    loc,
                );
            }
        }
    }
}
