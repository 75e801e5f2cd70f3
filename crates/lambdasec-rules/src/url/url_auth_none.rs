use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds function URLs whose authorization type is `NONE`.
    ///
    /// ## Why is this bad?
    /// Anyone on the internet who learns the URL can invoke the function: scrape data, run up
    /// the bill, or exploit a bug in the handler. `AWS_IAM` requires SigV4-signed requests
    /// from principals you allow. Public webhooks need `NONE`, and must then verify the
    /// sender's signature in code.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function_url" "api" {
    ///   function_name      = aws_lambda_function.api.function_name
    ///   authorization_type = "NONE"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// authorization_type = "AWS_IAM"
    /// ```
    /// or, for a webhook, keep `NONE` and verify the request signature in the handler
    /// (lambdasec-runtime does it in constant time), then suppress with a reason:
    /// `# lambdasec:ignore LS401 Stripe webhook, signature verified`.
    pub struct UrlAuthNone {
        id: "LS401",
        name: "url-auth-none",
        severity: High,
        checklist: FunctionUrlAuth,
        summary: "a function URL has authorization type NONE",
        remediation: "use the AWS_IAM auth type for the function URL, or verify request signatures in the handler",
    }
}

impl Rule for UrlAuthNone {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for u in &cx.inv.urls {
            if u.auth_type.is("NONE") {
                let target = match u.function {
                    Some(f) => crate::function_label(&cx.inv.functions[f]),
                    None => u.function_ref.display(),
                };
                out.push(
                    format!("function URL of {target} allows unauthenticated calls"),
                    &u.id,
                    u.function,
                    u.auth_type.loc(),
                );
            }
        }
    }
}
