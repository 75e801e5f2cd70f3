//! Helpers shared by the schemes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use http::HeaderMap;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

use super::WebhookError;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// Looks a header up by name (case-insensitively: `http` stores names in
/// lower case and lower-cases the name looked up). Absent → `Ok(None)`;
/// repeated or not visible ASCII/UTF-8 → `MalformedHeader`.
pub(crate) fn header<'a>(
    headers: &'a HeaderMap,
    name: &str,
) -> Result<Option<&'a str>, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(malformed(name));
    }
    first.to_str().map(Some).map_err(|_| malformed(name))
}

/// Like [`header`] but absent → `MissingHeader`.
pub(crate) fn require_header<'a>(
    headers: &'a HeaderMap,
    name: &str,
) -> Result<&'a str, WebhookError> {
    header(headers, name)?.ok_or_else(|| WebhookError::MissingHeader(name.to_ascii_lowercase()))
}

pub(crate) fn malformed(name: &str) -> WebhookError {
    WebhookError::MalformedHeader(name.to_ascii_lowercase())
}

/// Parses a Unix timestamp in seconds: ASCII digits only (no sign, no
/// whitespace, no fraction), at most 12 digits.
pub(crate) fn parse_timestamp(value: &str, header_name: &str) -> Result<i64, WebhookError> {
    if value.is_empty() || value.len() > 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(header_name));
    }
    value.parse::<i64>().map_err(|_| malformed(header_name))
}

/// Rejects `timestamp` when it is more than `tolerance` before or after `now`.
pub(crate) fn check_window(
    timestamp: i64,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    let now = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    let age = i128::from(now) - i128::from(timestamp);
    if age > i128::from(tolerance) {
        Err(WebhookError::StaleTimestamp)
    } else if -age > i128::from(tolerance) {
        Err(WebhookError::FutureTimestamp)
    } else {
        Ok(())
    }
}

/// HMAC-SHA256 of the concatenation of `parts` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Result<[u8; TAG_LEN], WebhookError> {
    if key.is_empty() {
        return Err(WebhookError::InvalidSecret);
    }
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| WebhookError::InvalidSecret)?;
    for part in parts {
        mac.update(part);
    }
    Ok(mac.finalize().into_bytes().into())
}

/// Constant-time comparison of a computed tag against one candidate; a
/// candidate of the wrong length never matches (checked before comparing).
pub(crate) fn tag_matches(tag: &[u8; TAG_LEN], candidate: &[u8]) -> Choice {
    if candidate.len() != TAG_LEN {
        return Choice::from(0);
    }
    tag.as_slice().ct_eq(candidate)
}

/// `Ok` if any candidate matches, else `SignatureMismatch`. Every candidate is compared (no
/// early exit).
pub(crate) fn any_matches<I>(tag: &[u8; TAG_LEN], candidates: I) -> Result<(), WebhookError>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut found = Choice::from(0);
    for candidate in candidates {
        found |= tag_matches(tag, candidate.as_ref());
    }
    if bool::from(found) {
        Ok(())
    } else {
        Err(WebhookError::SignatureMismatch)
    }
}

/// Verifies a single hex-encoded signature: bad hex → `MalformedHeader`,
/// wrong length or different tag → `SignatureMismatch`.
pub(crate) fn verify_single_hex(
    tag: &[u8; TAG_LEN],
    hex_sig: &str,
    header_name: &str,
) -> Result<(), WebhookError> {
    let candidate = hex::decode(hex_sig).map_err(|_| malformed(header_name))?;
    if bool::from(tag_matches(tag, &candidate)) {
        Ok(())
    } else {
        Err(WebhookError::SignatureMismatch)
    }
}
