//! GitLab personal access tokens (`glpat-`).

use super::push;
use crate::placeholder::is_placeholder_body;
use crate::util::{is_token_char, left_boundary, run_len};
use crate::{Confidence, Detection};

pub const ID: &str = "gitlab-pat";

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, is_token_char) {
        return;
    }
    let b = at + 6;
    // Classic tokens are 20 characters; newer ones are longer and may carry `.xx.yyyy` parts.
    let mut n = run_len(text, b, 129, |c| is_token_char(c) || c == b'.');
    while n > 0 && text[b + n - 1] == b'.' {
        n -= 1;
    }
    if !(20..=128).contains(&n) {
        return;
    }
    let body = &text[b..b + n];
    let c = if is_placeholder_body(body) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, ID, "GitLab personal access token", at, b + n, c);
}
