//! AWS access key ids (`AKIA`, `ASIA`, `ABIA`, `ACCA` + 16) and secret access keys (40 base64
//! characters, gated by a name or by a nearby access key id).

use super::push;
use crate::placeholder::{AWS_EXAMPLE_KEY_ID, AWS_EXAMPLE_SECRET};
use crate::util::{classes, is_alnum, is_b64, left_boundary, right_boundary, run_len, shannon};
use crate::{Confidence, Detection};

pub const KEY_ID: &str = "aws-access-key-id";
pub const SECRET_KEY: &str = "aws-secret-access-key";

/// How far from an access key id a secret key is paired.
const PAIR_WINDOW: usize = 1024;

pub fn check_key_id(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, is_alnum) {
        return;
    }
    let body = at + 4;
    let n = run_len(text, body, 17, |b| {
        b.is_ascii_uppercase() || b.is_ascii_digit()
    });
    if n != 16 || !right_boundary(text, body + 16, is_alnum) {
        return;
    }
    let key = &text[at..body + 16];
    let description = match &text[at..at + 4] {
        b"ASIA" => "AWS temporary (STS) access key ID",
        _ => "AWS access key ID",
    };
    let confidence = if key == AWS_EXAMPLE_KEY_ID.as_bytes()
        || crate::util::contains_ci(&key[4..], b"EXAMPLE")
        || crate::placeholder::is_placeholder_body(&key[4..])
    {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, KEY_ID, description, at, body + 16, confidence);
}

/// A value with the shape of a secret access key: Some(confidence) or None.
pub fn secret_key_shape(v: &[u8]) -> Option<Confidence> {
    if v.len() != 40 || !v.iter().all(|&b| is_b64(b)) {
        return None;
    }
    if v == AWS_EXAMPLE_SECRET.as_bytes() || crate::util::contains_ci(v, b"EXAMPLE") {
        return Some(Confidence::Placeholder);
    }
    let (lo, up, dg, _) = classes(v);
    if !(lo && up) && !(dg && (lo || up)) {
        return None;
    }
    if v.iter().all(|b| b.is_ascii_hexdigit()) || shannon(v) < 3.8 {
        return None;
    }
    if crate::placeholder::is_placeholder_body(v) {
        return Some(Confidence::Placeholder);
    }
    Some(Confidence::Certain)
}

/// Secret keys near access key ids already found in `text`.
pub fn pair_secret_keys(text: &[u8], found: &[Detection], out: &mut Vec<Detection>) {
    let mut searched_to = 0usize;
    for d in found.iter().filter(|d| d.detector == KEY_ID) {
        let from = d.start.saturating_sub(PAIR_WINDOW).max(searched_to);
        let to = (d.end + PAIR_WINDOW).min(text.len());
        let mut i = from;
        while i < to {
            if !is_b64(text[i]) {
                i += 1;
                continue;
            }
            let n = run_len(text, i, 41, is_b64);
            let boundary_ok = left_boundary(text, i, is_b64)
                && (i + n >= text.len() || (!is_b64(text[i + n]) && text[i + n] != b'='));
            if n == 40 && boundary_ok {
                if let Some(c) = secret_key_shape(&text[i..i + 40]) {
                    push(out, SECRET_KEY, "AWS secret access key", i, i + 40, c);
                }
            }
            i += n.max(1);
            while i < to && is_b64(text[i]) {
                i += 1;
            }
        }
        searched_to = to;
    }
}
