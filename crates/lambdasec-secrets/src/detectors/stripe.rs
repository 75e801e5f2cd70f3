//! Stripe secret (`sk_live_`) and restricted (`rk_live_`) keys; test-mode keys are `Likely`.

use super::push;
use crate::placeholder::is_placeholder_body;
use crate::util::{is_alnum, is_token_char, left_boundary, right_boundary, run_len};
use crate::{Confidence, Detection};

pub const SECRET: &str = "stripe-secret-key";
pub const RESTRICTED: &str = "stripe-restricted-key";

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, is_token_char) {
        return;
    }
    let live = &text[at + 3..at + 7] == b"live";
    let b = at + 8;
    let n = run_len(text, b, 248, is_alnum);
    if !(24..=247).contains(&n) || !right_boundary(text, b + n, is_token_char) {
        return;
    }
    let restricted = text[at] == b'r';
    let (id, description) = match (restricted, live) {
        (false, true) => (SECRET, "Stripe live secret key"),
        (false, false) => (SECRET, "Stripe test-mode secret key"),
        (true, true) => (RESTRICTED, "Stripe live restricted key"),
        (true, false) => (RESTRICTED, "Stripe test-mode restricted key"),
    };
    let c = if is_placeholder_body(&text[b..b + n]) {
        Confidence::Placeholder
    } else if live {
        Confidence::Certain
    } else {
        Confidence::Likely
    };
    push(out, id, description, at, b + n, c);
}
