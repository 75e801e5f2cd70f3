//! Small byte helpers shared by the detectors.

#[inline]
pub fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Characters that continue a token (letters, digits, `_`, `-`).
#[inline]
pub fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[inline]
pub fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

#[inline]
pub fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[inline]
pub fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// Number of bytes from `start` satisfying `f`, at most `max`.
#[inline]
pub fn run_len(text: &[u8], start: usize, max: usize, f: impl Fn(u8) -> bool) -> usize {
    let end = text.len().min(start.saturating_add(max));
    let mut i = start;
    while i < end && f(text[i]) {
        i += 1;
    }
    i - start
}

/// The byte before `at` does not satisfy `f` (or `at` is the start).
#[inline]
pub fn left_boundary(text: &[u8], at: usize, f: impl Fn(u8) -> bool) -> bool {
    at == 0 || !f(text[at - 1])
}

/// The byte at `at` does not satisfy `f` (or `at` is the end).
#[inline]
pub fn right_boundary(text: &[u8], at: usize, f: impl Fn(u8) -> bool) -> bool {
    at >= text.len() || !f(text[at])
}

/// Shannon entropy in bits per byte.
pub fn shannon(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// (has lowercase, has uppercase, has digit, has other)
pub fn classes(s: &[u8]) -> (bool, bool, bool, bool) {
    let mut r = (false, false, false, false);
    for &b in s {
        if b.is_ascii_lowercase() {
            r.0 = true
        } else if b.is_ascii_uppercase() {
            r.1 = true
        } else if b.is_ascii_digit() {
            r.2 = true
        } else {
            r.3 = true
        }
    }
    r
}

pub fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    if needle.len() > hay.len() {
        return false;
    }
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Standard UUID shape 8-4-4-4-12 hex.
pub fn is_uuid(s: &[u8]) -> bool {
    if s.len() != 36 {
        return false;
    }
    s.iter().enumerate().all(|(i, &b)| match i {
        8 | 13 | 18 | 23 => b == b'-',
        _ => b.is_ascii_hexdigit(),
    })
}

/// Decodes base64url (or standard base64), padding optional. None on invalid input.
pub fn b64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Start of the line containing `at`.
pub fn line_start(text: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &text[..at]).map_or(0, |p| p + 1)
}

/// End of the line containing `at` (index of the `\n` or text end).
pub fn line_end(text: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |p| at + p)
}
