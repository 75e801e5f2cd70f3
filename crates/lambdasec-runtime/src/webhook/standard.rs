//! Standard Webhooks and Svix: `webhook-id`, `webhook-timestamp`,
//! `webhook-signature` (or the `svix-` equivalents) over
//! `{id}.{timestamp}.{body}`.
//!
//! The secret is `whsec_<base64>`: the part after `whsec_` is base64-decoded
//! and the bytes are the HMAC key (a secret without the prefix is decoded as a
//! whole). The signature header holds space-separated `v1,<base64>` entries;
//! any one may match. Asymmetric `v1a` entries are ignored.

use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::HeaderMap;

use super::common::{any_matches, check_window, header, hmac_sha256, malformed};
use super::common::{parse_timestamp, require_header, TAG_LEN};
use super::{Verifier, WebhookError, DEFAULT_TOLERANCE};

/// The three header names of one header family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderNames {
    /// Message id header.
    pub id: &'static str,
    /// Timestamp header.
    pub timestamp: &'static str,
    /// Signature header.
    pub signature: &'static str,
}

/// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
pub const STANDARD_HEADERS: HeaderNames = HeaderNames {
    id: "webhook-id",
    timestamp: "webhook-timestamp",
    signature: "webhook-signature",
};

/// `svix-id`, `svix-timestamp`, `svix-signature`.
pub const SVIX_HEADERS: HeaderNames = HeaderNames {
    id: "svix-id",
    timestamp: "svix-timestamp",
    signature: "svix-signature",
};

const SECRET_PREFIX: &[u8] = b"whsec_";

/// The Standard Webhooks / Svix scheme, with its replay window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardWebhooks {
    /// Maximum distance between the timestamp and `now`, in either
    /// direction. Default 300 s.
    pub tolerance: Duration,
}

impl Default for StandardWebhooks {
    fn default() -> Self {
        Self {
            tolerance: DEFAULT_TOLERANCE,
        }
    }
}

/// Decodes a `whsec_<base64>` (or bare base64) secret into the HMAC key.
pub fn decode_secret(secret: &[u8]) -> Result<Vec<u8>, WebhookError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .map_err(|_| WebhookError::InvalidSecret)?;
    if key.is_empty() {
        return Err(WebhookError::InvalidSecret);
    }
    Ok(key)
}

impl Verifier for StandardWebhooks {
    fn verify(
        &self,
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        // Use the `webhook-` family when its signature header is present,
        // otherwise the `svix-` family; never mix the two.
        let names = if header(headers, STANDARD_HEADERS.signature)?.is_some() {
            STANDARD_HEADERS
        } else if header(headers, SVIX_HEADERS.signature)?.is_some() {
            SVIX_HEADERS
        } else {
            return Err(WebhookError::MissingHeader(
                STANDARD_HEADERS.signature.to_owned(),
            ));
        };
        let id = require_header(headers, names.id)?.trim();
        let ts_str = require_header(headers, names.timestamp)?.trim();
        let sig_value = require_header(headers, names.signature)?;
        if id.is_empty() || id.contains('.') {
            return Err(malformed(names.id));
        }
        let ts = parse_timestamp(ts_str, names.timestamp)?;
        check_window(ts, now, self.tolerance)?;

        let mut candidates: Vec<Vec<u8>> = Vec::new();
        let mut saw_v1 = false;
        for entry in sig_value.split(' ').filter(|e| !e.is_empty()) {
            let Some((version, sig)) = entry.split_once(',') else {
                continue;
            };
            if version != "v1" {
                continue;
            }
            saw_v1 = true;
            // Undecodable or wrong-length entries can never match; skip them.
            if let Ok(decoded) = STANDARD.decode(sig) {
                if decoded.len() == TAG_LEN {
                    candidates.push(decoded);
                }
            }
        }
        if !saw_v1 {
            return Err(malformed(names.signature));
        }
        let key = decode_secret(secret)?;
        let tag = hmac_sha256(&key, &[id.as_bytes(), b".", ts_str.as_bytes(), b".", body])?;
        any_matches(&tag, &candidates)
    }
}

/// Verifies a Standard Webhooks / Svix message with the default ±300 s window.
pub fn verify(
    secret: &[u8],
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), WebhookError> {
    StandardWebhooks::default().verify(secret, headers, body, now)
}
