//! Name-gated detectors: a value under a sensitive name. High-entropy values are
//! `generic-high-entropy`; other literals (`DB_PASSWORD=hunter2`) are `sensitive-name-literal`.
//! References (ARNs, SSM paths, dynamic references...) are never reported.

use super::{aws, push, twilio};
use crate::names::{is_sensitive_name, squash};
use crate::placeholder::is_placeholder;
use crate::reference::is_reference;
use crate::util::{classes, is_uuid, shannon};
use crate::{Confidence, Detection};

pub const HIGH_ENTROPY: &str = "generic-high-entropy";
pub const LITERAL: &str = "sensitive-name-literal";

/// How the value was written, which decides whether a weak literal counts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueKind {
    /// An environment variable or config value: a literal by construction.
    Env,
    /// A quoted string literal in code.
    Quoted,
    /// `NAME=value` at the start of a line (dotenv, shell).
    DotEnv,
    /// Anything else unquoted in code: could be an expression, so only high entropy counts.
    Unquoted,
}

/// Name-gated detection for `value` (at `offset` in the scanned text) assigned to `name`.
/// `covered` says a content detector already reported something inside the value.
pub fn assignment(
    name: &str,
    value: &[u8],
    offset: usize,
    covered: bool,
    kind: ValueKind,
    out: &mut Vec<Detection>,
) {
    // Trim whitespace, keeping offsets.
    let lead = value.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let value = value[lead..].trim_ascii_end();
    let offset = offset + lead;
    if value.is_empty() {
        return;
    }
    let sq = squash(name);
    if !covered && (sq.contains("secretaccesskey") || (sq.contains("aws") && sq.contains("secret")))
    {
        if let Some(c) = aws::secret_key_shape(value) {
            let end = offset + value.len();
            push(
                out,
                aws::SECRET_KEY,
                "AWS secret access key",
                offset,
                end,
                c,
            );
            return;
        }
    }
    if !covered
        && sq.contains("twilio")
        && (sq.contains("token") || sq.contains("auth"))
        && twilio::is_auth_token(value)
    {
        let end = offset + value.len();
        let description = "Twilio auth token";
        push(
            out,
            twilio::AUTH_TOKEN,
            description,
            offset,
            end,
            Confidence::Certain,
        );
        return;
    }
    if covered || !is_sensitive_name(name) {
        return;
    }
    let Ok(s) = std::str::from_utf8(value) else {
        return;
    };
    if is_reference(s) || is_not_a_secret(s) {
        return;
    }
    let placeholder = is_placeholder(value);
    let conf = if placeholder {
        Confidence::Placeholder
    } else {
        Confidence::Likely
    };
    let end = offset + value.len();
    if high_entropy(value) {
        let description = "High-entropy value under a sensitive name";
        push(out, HIGH_ENTROPY, description, offset, end, conf);
    } else if kind != ValueKind::Unquoted {
        let description = "Literal value under a sensitive name";
        push(out, LITERAL, description, offset, end, conf);
    }
}

/// Values that are settings, not secrets: booleans, hashes with an algorithm prefix, image
/// data URLs, prose.
fn is_not_a_secret(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    if matches!(
        l.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "enabled" | "disabled" | "0" | "1"
    ) {
        return true;
    }
    if l.starts_with("data:image/") || l.starts_with("data:font/") {
        return true;
    }
    for p in [
        "sha1-", "sha256-", "sha384-", "sha512-", "sha1:", "sha256:", "sha512:", "md5:",
    ] {
        if l.starts_with(p) {
            return true;
        }
    }
    // Prose: three or more words of letters.
    let words: Vec<&str> = s.split_whitespace().collect();
    words.len() >= 3
        && words.iter().all(|w| {
            w.trim_matches(|c: char| c.is_ascii_punctuation())
                .chars()
                .all(char::is_alphabetic)
        })
}

/// Shannon entropy, length and charset test for random-looking values.
pub fn high_entropy(v: &[u8]) -> bool {
    let v = strip_scheme_word(v);
    if v.len() < 16 || v.len() > 4096 {
        return false;
    }
    if v.iter()
        .any(|b| b.is_ascii_whitespace() || !b.is_ascii_graphic())
    {
        return false;
    }
    if is_uuid(v) {
        return false;
    }
    let e = shannon(v);
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    if hex {
        return v.len() >= 20 && e >= 3.0;
    }
    let (lo, up, dg, _) = classes(v);
    let kinds = lo as u8 + up as u8 + dg as u8;
    if kinds < 2 {
        return false;
    }
    let threshold = ((v.len() as f64).log2() - 0.7).min(3.5);
    e >= threshold
}

fn strip_scheme_word(v: &[u8]) -> &[u8] {
    for p in [&b"Bearer "[..], b"Basic ", b"Token ", b"token "] {
        if v.len() > p.len() && v[..p.len()].eq_ignore_ascii_case(p) {
            return &v[p.len()..];
        }
    }
    v
}
