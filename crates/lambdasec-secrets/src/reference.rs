//! Values that point at a secret (or at anything else) instead of being one.

use crate::util::{classes, is_uuid, shannon};

/// See [`crate::is_reference`].
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    let v = strip_quotes(v);
    if v.is_empty() {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    // ARNs (any partition), dynamic references and interpolations.
    if lower.starts_with("arn:") {
        return true;
    }
    if lower.starts_with("{{resolve:") {
        return true;
    }
    if is_interpolation(v) {
        return true;
    }
    // CloudFormation intrinsic functions rendered as text.
    for p in [
        "!ref ",
        "!getatt ",
        "!sub ",
        "!join ",
        "!importvalue ",
        "!findinmap ",
        "fn::",
        "{\"ref\"",
        "{\"fn::",
        "ref:",
    ] {
        if lower.starts_with(p) {
            return true;
        }
    }
    // Explicit SSM / Secrets Manager / KMS forms.
    for p in ["ssm:", "secretsmanager:", "resolve:", "alias/", "kms:"] {
        if lower.starts_with(p) {
            return true;
        }
    }
    if lower.starts_with("mrk-") && v.len() == 36 && v[4..].bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    // KMS key ids and other UUIDs.
    if is_uuid(v.as_bytes()) {
        return true;
    }
    // URLs without credentials.
    if let Some(idx) = v.find("://") {
        let scheme = &v[..idx];
        if !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        {
            let rest = &v[idx + 3..];
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let authority = &rest[..authority_end];
            let has_password = authority
                .rfind('@')
                .is_some_and(|at| authority[..at].contains(':'));
            return !has_password && !v.contains(char::is_whitespace);
        }
        return false;
    }
    // Windows paths.
    let b = v.as_bytes();
    if b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/')
    {
        return true;
    }
    // File paths, SSM parameter paths, Secrets Manager names, handler names: separated
    // segments that read like words, not like random data.
    is_path_or_dotted_name(v)
}

fn strip_quotes(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// `${...}`, `$(...)`, `#{...}`, `%{...}` covering the whole value, `$VAR`.
pub fn is_interpolation(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() >= 3 {
        let open = (b[0] == b'$' || b[0] == b'#' || b[0] == b'%') && (b[1] == b'{' || b[1] == b'(');
        let close = b[b.len() - 1] == b'}' || b[b.len() - 1] == b')';
        if open && close {
            return true;
        }
    }
    if b.len() >= 2
        && b[0] == b'$'
        && (b[1].is_ascii_alphabetic() || b[1] == b'_')
        && b[1..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_')
    {
        return true;
    }
    false
}

/// A segment of a path or dotted name reads like a word or an identifier, not random data.
fn segment_is_wordy(seg: &str) -> bool {
    if seg.is_empty() {
        return true;
    }
    let sb = seg.as_bytes();
    if !sb
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || b"_-.+@=~$:".contains(&c))
    {
        return false;
    }
    // A long run with all of lower, upper and digits and high entropy is random data.
    for piece in seg.split(['-', '_', '.', '+', '@', '=', '~', ':']) {
        let p = piece.as_bytes();
        if p.is_empty() {
            continue;
        }
        let (lo, up, dg, _) = classes(p);
        let camel_ok = is_camel_words(p);
        if p.len() >= 12 && !camel_ok && ((lo && up) || (dg && (lo || up))) && shannon(p) > 3.2 {
            return false;
        }
        if up && lo && dg && p.len() >= 8 && !camel_ok {
            return false;
        }
        if lo && up && !camel_ok && p.len() >= 6 {
            return false;
        }
        // Long digit/letter mixes (`K7MDENG`) look random unless they are lowercase identifiers.
        if up && dg && !lo && p.len() >= 6 && p.iter().filter(|c| c.is_ascii_digit()).count() > 1 {
            return false;
        }
    }
    true
}

/// `handleRequest`, `MyFunction`, `lambda`, `getHTTPClient`: case changes only at word starts.
fn is_camel_words(p: &[u8]) -> bool {
    // Count uppercase letters that follow a lowercase letter; random data has many.
    let mut transitions = 0usize;
    let mut digits_between = 0usize;
    for w in p.windows(2) {
        if w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase() {
            transitions += 1;
        }
        if w[0].is_ascii_digit() && w[1].is_ascii_alphabetic() {
            digits_between += 1;
        }
    }
    let upper = p.iter().filter(|c| c.is_ascii_uppercase()).count();
    // Words are at least ~3 letters on average.
    digits_between <= 1 && transitions * 3 <= p.len() && upper * 3 <= p.len() + 2
}

fn is_path_or_dotted_name(v: &str) -> bool {
    if v.contains(char::is_whitespace) {
        return false;
    }
    let has_sep = v.contains('/') || v.contains('\\') || v.contains('.') || v.contains("::");
    if !has_sep {
        return false;
    }
    // A JWT is three dotted base64url parts.
    if v.starts_with("eyJ") {
        return false;
    }
    let b = v.as_bytes();
    // Absolute or explicit-relative paths.
    let path_prefix = b[0] == b'/'
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.starts_with('\\');
    let segs: Vec<&str> = v
        .split(['/', '\\'])
        .flat_map(|s| s.split("::"))
        .flat_map(|s| s.split('.'))
        .collect();
    if segs.iter().all(|s| segment_is_wordy(s)) {
        return true;
    }
    // Absolute paths made of path characters are paths even with odd segments (hash dirs).
    path_prefix
        && v.len() > 1
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || b"/._-+@=~".contains(&c))
        && v.split('/').filter(|s| !s.is_empty()).count() >= 2
}
