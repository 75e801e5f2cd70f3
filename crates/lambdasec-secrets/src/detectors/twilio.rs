//! Twilio API key SIDs (`SK` + 32 hex) and auth tokens (32 hex next to an account SID
//! `AC` + 32 hex, or under a Twilio auth-token name).

use super::push;
use crate::placeholder::is_placeholder_body;
use crate::util::{contains_ci, is_alnum, is_lower_hex, left_boundary, right_boundary, run_len};
use crate::{Confidence, Detection};

pub const API_KEY: &str = "twilio-api-key";
pub const AUTH_TOKEN: &str = "twilio-auth-token";
pub const ACCOUNT_SID: &str = "twilio-account-sid";

const WINDOW: usize = 512;

fn sid_at(text: &[u8], at: usize) -> bool {
    left_boundary(text, at, is_alnum)
        && run_len(text, at + 2, 33, is_lower_hex) == 32
        && right_boundary(text, at + 34, is_alnum)
}

/// 32 lowercase hex with both letters and digits.
pub fn is_auth_token(v: &[u8]) -> bool {
    v.len() == 32
        && v.iter().all(|&b| is_lower_hex(b))
        && v.iter().any(u8::is_ascii_digit)
        && v.iter().any(u8::is_ascii_lowercase)
}

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !sid_at(text, at) {
        return;
    }
    let body = &text[at + 2..at + 34];
    if text[at] == b'S' {
        let c = if is_placeholder_body(body) {
            Confidence::Placeholder
        } else {
            Confidence::Likely
        };
        push(out, API_KEY, "Twilio API key SID", at, at + 34, c);
        return;
    }
    // Account SID: look for its auth token nearby.
    let from = at.saturating_sub(WINDOW);
    let to = (at + 34 + WINDOW).min(text.len());
    let mut found = false;
    let mut i = from;
    while i < to {
        if !is_lower_hex(text[i]) {
            i += 1;
            continue;
        }
        let n = run_len(text, i, 33, is_lower_hex);
        if n == 32
            && left_boundary(text, i, is_alnum)
            && right_boundary(text, i + 32, is_alnum)
            && is_auth_token(&text[i..i + 32])
        {
            let c = if is_placeholder_body(&text[i..i + 32]) {
                Confidence::Placeholder
            } else {
                Confidence::Certain
            };
            push(out, AUTH_TOKEN, "Twilio auth token", i, i + 32, c);
            found = true;
        }
        i += n.max(1);
        while i < to && is_alnum(text[i]) {
            i += 1;
        }
    }
    if !found {
        let ctx = &text[from..to];
        if contains_ci(ctx, b"auth_token") || contains_ci(ctx, b"authtoken") {
            push(
                out,
                ACCOUNT_SID,
                "Twilio account SID with an auth token nearby",
                at,
                at + 34,
                Confidence::Likely,
            );
        }
    }
}
