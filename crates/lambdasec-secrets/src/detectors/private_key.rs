//! PEM/OpenSSH/PGP private key blocks.

use super::push;
use crate::util::is_b64;
use crate::{Confidence, Detection};

pub const RSA: &str = "private-key-rsa";
pub const EC: &str = "private-key-ec";
pub const OPENSSH: &str = "private-key-openssh";
pub const DSA: &str = "private-key-dsa";
pub const PGP: &str = "private-key-pgp";
pub const PKCS8: &str = "private-key-pkcs8";

/// Longest block searched for its END line.
const MAX_BLOCK: usize = 16 * 1024;
/// Fewest base64 characters in a real key body.
const MIN_BODY: usize = 64;

const LABELS: &[(&[u8], &str, &str)] = &[
    (b"RSA PRIVATE KEY-----", RSA, "RSA private key"),
    (b"EC PRIVATE KEY-----", EC, "EC private key"),
    (b"OPENSSH PRIVATE KEY-----", OPENSSH, "OpenSSH private key"),
    (b"DSA PRIVATE KEY-----", DSA, "DSA private key"),
    (b"PGP PRIVATE KEY BLOCK-----", PGP, "PGP private key block"),
    (b"PRIVATE KEY-----", PKCS8, "PKCS#8 private key"),
    (
        b"ENCRYPTED PRIVATE KEY-----",
        PKCS8,
        "PKCS#8 private key (encrypted)",
    ),
];

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    let label_at = at + "-----BEGIN ".len();
    let rest = &text[label_at..];
    let Some(&(label, id, description)) = LABELS.iter().find(|(l, _, _)| rest.starts_with(l))
    else {
        return;
    };
    let body_start = label_at + label.len();
    let limit = text.len().min(body_start + MAX_BLOCK);
    let window = &text[body_start..limit];
    let end_marker = memchr::memmem::find(window, b"-----END ");
    let body = &window[..end_marker.unwrap_or(window.len())];
    // Count base64 characters, ignoring header lines like `Proc-Type:` and escaped newlines.
    let b64 = body.iter().filter(|&&b| is_b64(b)).count();
    if b64 < MIN_BODY {
        return;
    }
    let end = match end_marker {
        Some(e) => {
            let after = body_start + e + "-----END ".len();
            match memchr::memmem::find(&text[after..limit], b"-----") {
                Some(p) => after + p + 5,
                None => after,
            }
        }
        None => {
            // Unterminated: up to the last base64 character seen.
            let last = body.iter().rposition(|&b| is_b64(b)).unwrap_or(0);
            body_start + last + 1
        }
    };
    let placeholder = crate::util::contains_ci(body, b"EXAMPLE")
        || crate::util::contains_ci(body, b"xxxx")
        || crate::util::contains_ci(body, b"...")
        || crate::util::contains_ci(body, b"\xe2\x80\xa6");
    let confidence = if placeholder {
        Confidence::Placeholder
    } else if end_marker.is_some() {
        Confidence::Certain
    } else {
        Confidence::Likely
    };
    push(out, id, description, at, end, confidence);
}
