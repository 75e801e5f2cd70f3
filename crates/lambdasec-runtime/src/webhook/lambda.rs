//! Adapter for Lambda function URL events.

use std::borrow::Cow;
use std::time::SystemTime;

use aws_lambda_events::event::lambda_function_urls::LambdaFunctionUrlRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::{Verifier, WebhookError};

/// Verifies a webhook delivered to a Lambda function URL.
///
/// Headers come from the event (function URLs lower-case them; lookup is
/// case-insensitive anyway). The body is base64-decoded first when
/// `is_base64_encoded` is set, so the signature is checked over the raw bytes
/// the sender signed. A missing body is treated as empty.
pub fn verify_function_url_request<V: Verifier + ?Sized>(
    scheme: &V,
    secret: &[u8],
    request: &LambdaFunctionUrlRequest,
    now: SystemTime,
) -> Result<(), WebhookError> {
    let raw = request.body.as_deref().unwrap_or("");
    let body: Cow<'_, [u8]> = if request.is_base64_encoded {
        Cow::Owned(
            STANDARD
                .decode(raw)
                .map_err(|_| WebhookError::InvalidBody)?,
        )
    } else {
        Cow::Borrowed(raw.as_bytes())
    };
    scheme.verify(secret, &request.headers, &body, now)
}
