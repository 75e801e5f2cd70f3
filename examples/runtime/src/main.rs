//! A GitHub webhook on a public Lambda function URL (`AuthType: NONE`), done the way the
//! Lambda security checklist asks:
//! - the webhook secret and the downstream API key come from Secrets Manager, read once per
//!   container at cold start (outside the handler) and refreshed by `SecretCache`;
//! - every request's `X-Hub-Signature-256` is verified (constant time) before anything else;
//! - logs go through lambdasec's redacting layer: no secret value, and no field with a
//!   sensitive name, reaches CloudWatch.
//!
//! Environment: `WEBHOOK_SECRET_ID` and `API_KEY_SECRET_ID` (Secrets Manager ids).

use aws_lambda_events::event::lambda_function_urls::{
    LambdaFunctionUrlRequest, LambdaFunctionUrlResponse,
};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use lambdasec_runtime::cache::{SecretCache, SecretsManager};
use lambdasec_runtime::webhook::{verify_function_url_request, GitHub};
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::SystemTime;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

struct Config {
    secrets: SecretCache,
    webhook_secret_id: String,
    api_key_id: String,
}

fn response(status: i64, body: &str) -> LambdaFunctionUrlResponse {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    let mut r = LambdaFunctionUrlResponse::default();
    r.status_code = status;
    r.headers = headers;
    r.body = Some(body.to_string());
    r
}

/// The handler's decision for one request, given the webhook secret: 401 unless the
/// signature verifies, 400 unless the body is JSON, else 202.
fn handle(
    secret: &[u8],
    request: &LambdaFunctionUrlRequest,
    now: SystemTime,
) -> (i64, Option<serde_json::Value>) {
    if let Err(e) = verify_function_url_request(&GitHub, secret, request, now) {
        // The error names at most a header: safe to log.
        tracing::warn!(error = %e, "rejected an unsigned or badly signed delivery");
        return (401, None);
    }
    let body = request.body.as_deref().unwrap_or("");
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(v) => (202, Some(v)),
        Err(_) => (400, None),
    }
}

async fn handler(
    config: Arc<Config>,
    event: LambdaEvent<LambdaFunctionUrlRequest>,
) -> Result<LambdaFunctionUrlResponse, Error> {
    let secret = config.secrets.get(&config.webhook_secret_id).await?;
    let (status, payload) = handle(
        secret.expose_secret().as_bytes(),
        &event.payload,
        SystemTime::now(),
    );
    let Some(payload) = payload else {
        return Ok(response(status, r#"{"accepted":false}"#));
    };
    let api_key = config.secrets.get(&config.api_key_id).await?;
    // Even if someone logs the key, the redacting layer masks it.
    tracing::info!(
        event = payload.get("action").and_then(|a| a.as_str()).unwrap_or("?"),
        authorization = %api_key.expose_secret(),
        "forwarding the delivery"
    );
    Ok(response(202, r#"{"accepted":true}"#))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::registry()
        .with(lambdasec_runtime::redact::fmt_layer())
        .init();
    let config = Arc::new(Config {
        secrets: SecretCache::new(SecretsManager::from_env().await),
        webhook_secret_id: std::env::var("WEBHOOK_SECRET_ID")?,
        api_key_id: std::env::var("API_KEY_SECRET_ID")?,
    });
    // Cold start: both secrets are read before the first request.
    config
        .secrets
        .prefetch(&[&config.webhook_secret_id, &config.api_key_id])
        .await?;
    lambda_runtime::run(service_fn(|event| handler(config.clone(), event))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's documented example delivery.
    fn delivery(body: &str, signature: &str) -> LambdaFunctionUrlRequest {
        let mut r = LambdaFunctionUrlRequest::default();
        r.headers.insert(
            "x-hub-signature-256",
            http::HeaderValue::from_str(signature).unwrap(),
        );
        r.body = Some(body.to_string());
        r
    }

    const SECRET: &[u8] = b"It's a Secret to Everybody";
    const SIGNATURE: &str =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn signed_deliveries_only() {
        let now = SystemTime::now();
        // GitHub's example body is not JSON: verified, then refused as a bad request.
        assert_eq!(
            handle(SECRET, &delivery("Hello, World!", SIGNATURE), now).0,
            400
        );
        assert_eq!(
            handle(SECRET, &delivery("Hello, World?", SIGNATURE), now).0,
            401
        );
        assert_eq!(
            handle(b"wrong secret", &delivery("Hello, World!", SIGNATURE), now).0,
            401
        );
        assert_eq!(handle(SECRET, &delivery("Hello, World!", ""), now).0, 401);
    }
}
