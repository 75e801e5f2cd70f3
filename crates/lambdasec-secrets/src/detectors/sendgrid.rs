//! SendGrid API keys (`SG.` + 22 `.` + 43).

use super::push;
use crate::placeholder::is_placeholder_body;
use crate::util::{is_token_char, left_boundary, right_boundary, run_len};
use crate::{Confidence, Detection};

pub const ID: &str = "sendgrid-api-key";

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, |c| is_token_char(c) || c == b'.') {
        return;
    }
    let a = at + 3;
    if run_len(text, a, 23, is_token_char) != 22 || text.get(a + 22) != Some(&b'.') {
        return;
    }
    let b = a + 23;
    if run_len(text, b, 44, is_token_char) != 43 || !right_boundary(text, b + 43, is_token_char) {
        return;
    }
    let c = if is_placeholder_body(&text[a..b + 43]) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, ID, "SendGrid API key", at, b + 43, c);
}
