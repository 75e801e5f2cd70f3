//! GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body.
//!
//! GitHub sends no signed timestamp, so there is no replay window; deduplicate
//! on the `X-GitHub-Delivery` id if replays matter.

use std::time::SystemTime;

use http::HeaderMap;

use super::common::{hmac_sha256, malformed, require_header, verify_single_hex};
use super::{Verifier, WebhookError};

/// Signature header name (matched case-insensitively).
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
const PREFIX: &str = "sha256=";

/// The GitHub scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GitHub;

impl Verifier for GitHub {
    fn verify(
        &self,
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
        _now: SystemTime,
    ) -> Result<(), WebhookError> {
        let value = require_header(headers, SIGNATURE_HEADER)?;
        let hex_sig = value
            .trim()
            .strip_prefix(PREFIX)
            .ok_or_else(|| malformed(SIGNATURE_HEADER))?;
        let tag = hmac_sha256(secret, &[body])?;
        verify_single_hex(&tag, hex_sig, SIGNATURE_HEADER)
    }
}

/// Verifies a GitHub delivery. `now` is accepted for a uniform signature and
/// is unused (GitHub signs no timestamp).
pub fn verify(
    secret: &[u8],
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), WebhookError> {
    GitHub.verify(secret, headers, body, now)
}
