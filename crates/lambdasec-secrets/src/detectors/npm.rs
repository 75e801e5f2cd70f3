//! npm access tokens (`npm_` + 36).

use super::push;
use crate::placeholder::is_placeholder_body;
use crate::util::{is_alnum, is_token_char, left_boundary, right_boundary, run_len};
use crate::{Confidence, Detection};

pub const ID: &str = "npm-token";

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, is_token_char) {
        return;
    }
    let b = at + 4;
    if run_len(text, b, 37, is_alnum) != 36 || !right_boundary(text, b + 36, is_token_char) {
        return;
    }
    let c = if is_placeholder_body(&text[b..b + 36]) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, ID, "npm access token", at, b + 36, c);
}
