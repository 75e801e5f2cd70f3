//! JSON Web Tokens: three base64url parts whose header decodes to a JSON object with `alg`.

use super::push;
use crate::util::{b64_decode, is_b64url, run_len};
use crate::{Confidence, Detection};

pub const ID: &str = "jwt";

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if at > 0 && (is_b64url(text[at - 1]) || text[at - 1] == b'.') {
        return;
    }
    let h = run_len(text, at, 4096, is_b64url);
    if h < 10 || text.get(at + h) != Some(&b'.') {
        return;
    }
    let p_at = at + h + 1;
    let p = run_len(text, p_at, 16384, is_b64url);
    if p < 2 || text.get(p_at + p) != Some(&b'.') {
        return;
    }
    let s_at = p_at + p + 1;
    let s = run_len(text, s_at, 4096, is_b64url);
    let end = s_at + s;
    if end < text.len() && (is_b64url(text[end]) || text[end] == b'.') {
        // Longer dotted base64url (JWE or something else): not a plain JWT.
        return;
    }
    let Some(alg) = header_alg(&text[at..at + h]) else {
        return;
    };
    let payload = b64_decode(&text[p_at..p_at + p]).unwrap_or_default();
    let confidence = if is_example_payload(&payload) {
        Confidence::Placeholder
    } else if s == 0 || alg.eq_ignore_ascii_case("none") {
        Confidence::Likely
    } else {
        Confidence::Certain
    };
    push(out, ID, "JSON Web Token", at, end, confidence);
}

/// The `alg` of a base64url JWT header, if it decodes to a JSON object that has one.
pub fn header_alg(header: &[u8]) -> Option<String> {
    let bytes = b64_decode(header)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.as_object()?.get("alg")?.as_str().map(str::to_owned)
}

/// The jwt.io sample token and similar documentation payloads.
fn is_example_payload(payload: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(payload) else {
        return false;
    };
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    s("name") == "John Doe" || s("sub") == "1234567890" && s("name").is_empty()
}
