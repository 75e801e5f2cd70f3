//! Slack: `X-Slack-Signature: v0=<hex>` over `v0:{timestamp}:{body}`, with the
//! timestamp in `X-Slack-Request-Timestamp` and a 5-minute window.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use super::common::{
    check_window, hmac_sha256, malformed, parse_timestamp, require_header, verify_single_hex,
};
use super::{Verifier, WebhookError, DEFAULT_TOLERANCE};

/// Signature header name (matched case-insensitively).
pub const SIGNATURE_HEADER: &str = "x-slack-signature";
/// Timestamp header name (matched case-insensitively).
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
const PREFIX: &str = "v0=";

/// The Slack scheme, with its replay window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slack {
    /// Maximum distance between the signed timestamp and `now`, in either
    /// direction. Default 300 s.
    pub tolerance: Duration,
}

impl Default for Slack {
    fn default() -> Self {
        Self {
            tolerance: DEFAULT_TOLERANCE,
        }
    }
}

impl Verifier for Slack {
    fn verify(
        &self,
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let ts_str = require_header(headers, TIMESTAMP_HEADER)?.trim();
        let value = require_header(headers, SIGNATURE_HEADER)?;
        let timestamp = parse_timestamp(ts_str, TIMESTAMP_HEADER)?;
        let hex_sig = value
            .trim()
            .strip_prefix(PREFIX)
            .ok_or_else(|| malformed(SIGNATURE_HEADER))?;
        check_window(timestamp, now, self.tolerance)?;
        let tag = hmac_sha256(secret, &[b"v0:", ts_str.as_bytes(), b":", body])?;
        verify_single_hex(&tag, hex_sig, SIGNATURE_HEADER)
    }
}

/// Verifies a Slack request with the default 5-minute window.
pub fn verify(
    secret: &[u8],
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), WebhookError> {
    Slack::default().verify(secret, headers, body, now)
}
