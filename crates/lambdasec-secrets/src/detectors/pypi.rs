//! PyPI upload tokens (`pypi-` + a macaroon that starts `AgEIcHlwaS5vcmc`, "pypi.org").

use super::push;
use crate::util::{is_token_char, left_boundary, run_len};
use crate::{Confidence, Detection};

pub const ID: &str = "pypi-token";

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, is_token_char) {
        return;
    }
    let b = at + "pypi-AgEIcHlwaS5vcmc".len();
    let n = run_len(text, b, 1024, is_token_char);
    if n < 50 {
        return;
    }
    let c = if crate::placeholder::is_placeholder_body(&text[b..b + n]) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, ID, "PyPI API token", at, b + n, c);
}
