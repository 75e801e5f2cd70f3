use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds functions that anyone can invoke without authentication — a function URL with
    /// auth type `NONE`, or a resource policy letting `*` invoke without a restricting
    /// condition — whose handler code shows no request-signature verification. The handler
    /// (Python, JavaScript or TypeScript, from the local directory or zip the configuration
    /// names) counts as verifying when a verification is reachable from it:
    /// `hmac.compare_digest` / `crypto.timingSafeEqual` over an HMAC of the request body,
    /// or a known verifier — Stripe `Webhook.construct_event` / `webhooks.constructEvent`,
    /// Octokit `Webhooks.verify`, Svix / Standard Webhooks `Webhook.verify`, Slack's
    /// signature verifier. The finding points at the handler.
    ///
    /// ## Why is this bad?
    /// A public endpoint receives requests from anyone on the internet, not only from the
    /// payment provider, the source-code host or the chat platform that is meant to call it.
    /// Without checking the request's signature, anyone who learns the URL can forge
    /// "payment succeeded" or "deploy this commit" events, and replay real ones.
    ///
    /// ## Example
    /// ```python
    /// def handler(event, context):          # behind a function URL with auth type NONE
    ///     body = json.loads(event["body"])
    ///     if body["type"] == "payment_intent.succeeded":
    ///         fulfil(body["data"]["object"])
    /// ```
    ///
    /// ## Fix
    /// Verify the signature over the raw body with the provider's secret before trusting
    /// anything in the request, with the provider's library or a constant-time comparison:
    /// ```python
    /// event = stripe.Webhook.construct_event(
    ///     raw_body, headers["stripe-signature"], endpoint_secret)
    /// ```
    /// ```python
    /// expected = hmac.new(secret, raw_body, hashlib.sha256).hexdigest()
    /// if not hmac.compare_digest(expected, headers.get("x-signature", "")):
    ///     return {"statusCode": 401}
    /// ```
    /// Or require `AWS_IAM` authentication and put an authenticating front (API Gateway
    /// with an authorizer) before the function.
    ///
    /// ## Limits
    /// The analysis is intra-procedural with calls by name into the functions of the
    /// handler's own package (the local modules it imports); a verification done in a
    /// dependency, a layer, a framework middleware the code does not call by name, or in
    /// front of the function (an API Gateway authorizer, CloudFront) is not seen, and
    /// whether the verification's result is acted on is not checked. No finding is
    /// reported when the handler or its code cannot be resolved (code in S3 or an image,
    /// inline code, an unknown handler, a runtime other than Python and Node.js): an
    /// unresolved handler is never reported as unverified.
    pub struct WebhookUnverified {
        id: "LS903",
        name: "webhook-unverified",
        severity: High,
        checklist: AttackPath,
        summary: "the function can be invoked without authentication and its code shows no request-signature verification",
        remediation: "verify the request signature (provider SDK or HMAC with a constant-time comparison) or require authentication for invocation",
    }
}

impl Rule for WebhookUnverified {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for a in &cx.inv.code_analyses {
            if a.verification.is_some() {
                continue;
            }
            let Some(f) = cx.inv.functions.get(a.function) else {
                continue;
            };
            let Some(how) = crate::public_access(cx.inv, &cx.index, a.function) else {
                continue;
            };
            let handler = f
                .handler
                .as_ref()
                .and_then(|h| h.as_str())
                .map(|h| format!("its handler {h}"))
                .unwrap_or_else(|| "its handler".to_string());
            out.push(
                format!(
                    "function {} can be invoked without authentication ({how}) and no request-signature verification is reachable from {handler}",
                    crate::function_label(f),
                ),
                &f.id,
                Some(a.function),
                &a.handler,
            );
        }
    }
}
