//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...][,v0=...]` over
//! `{t}.{body}`.
//!
//! The `whsec_...` secret is used verbatim as the key (it is **not** base64
//! decoded, unlike Standard Webhooks). Only `v1` entries count; any one of
//! them may match (Stripe sends several while a secret is being rolled).

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use super::common::{any_matches, check_window, hmac_sha256, malformed, parse_timestamp};
use super::common::{require_header, TAG_LEN};
use super::{Verifier, WebhookError, DEFAULT_TOLERANCE};

/// Signature header name (matched case-insensitively).
pub const SIGNATURE_HEADER: &str = "stripe-signature";

/// The Stripe scheme, with its replay window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stripe {
    /// Maximum distance between `t` and `now`, in either direction.
    /// Default 300 s (Stripe's libraries' default).
    pub tolerance: Duration,
}

impl Default for Stripe {
    fn default() -> Self {
        Self {
            tolerance: DEFAULT_TOLERANCE,
        }
    }
}

impl Verifier for Stripe {
    fn verify(
        &self,
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let value = require_header(headers, SIGNATURE_HEADER)?;
        let mut timestamp: Option<&str> = None;
        let mut candidates: Vec<[u8; TAG_LEN]> = Vec::new();
        let mut saw_v1 = false;
        for item in value.split(',') {
            let Some((key, val)) = item.trim().split_once('=') else {
                return Err(malformed(SIGNATURE_HEADER));
            };
            match key {
                "t" if timestamp.is_some() => return Err(malformed(SIGNATURE_HEADER)),
                "t" => timestamp = Some(val),
                "v1" => {
                    saw_v1 = true;
                    // An entry that is not a 32-byte hex tag can never match;
                    // skip it rather than fail, as Stripe's libraries do.
                    let mut tag = [0u8; TAG_LEN];
                    if hex::decode_to_slice(val, &mut tag).is_ok() {
                        candidates.push(tag);
                    }
                }
                // v0 (test-mode legacy) and unknown schemes are ignored.
                _ => {}
            }
        }
        let ts_str = timestamp.ok_or_else(|| malformed(SIGNATURE_HEADER))?;
        let ts = parse_timestamp(ts_str, SIGNATURE_HEADER)?;
        if !saw_v1 {
            return Err(malformed(SIGNATURE_HEADER));
        }
        check_window(ts, now, self.tolerance)?;
        let tag = hmac_sha256(secret, &[ts_str.as_bytes(), b".", body])?;
        any_matches(&tag, &candidates)
    }
}

/// Verifies a Stripe event with the default 300 s tolerance.
pub fn verify(
    secret: &[u8],
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), WebhookError> {
    Stripe::default().verify(secret, headers, body, now)
}
