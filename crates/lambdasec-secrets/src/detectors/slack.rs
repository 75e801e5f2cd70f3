//! Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`) and incoming webhook URLs.

use super::push;
use crate::placeholder::is_placeholder_body;
use crate::util::{is_alnum, is_token_char, left_boundary, run_len};
use crate::{Confidence, Detection};

pub const TOKEN: &str = "slack-token";
pub const WEBHOOK: &str = "slack-webhook-url";

pub fn check_token(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, is_token_char) {
        return;
    }
    let b = at + 5;
    let mut n = run_len(text, b, 256, |c| is_alnum(c) || c == b'-');
    while n > 0 && text[b + n - 1] == b'-' {
        n -= 1;
    }
    let body = &text[b..b + n];
    // Numeric team/user ids separated by dashes, then a random part.
    let dashes = body.iter().filter(|&&c| c == b'-').count();
    let first_numeric = body.first().is_some_and(u8::is_ascii_digit);
    if n < 20 || dashes < 2 || !first_numeric || text.get(b + n) == Some(&b'_') {
        return;
    }
    let description = match text[at + 3] {
        b'b' => "Slack bot token",
        b'p' => "Slack user token",
        b'a' => "Slack app token",
        _ => "Slack refresh token",
    };
    let c = if is_placeholder_body(body) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, TOKEN, description, at, b + n, c);
}

pub fn check_webhook(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    let s = at + "hooks.slack.com/services/".len();
    let upper = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    // T<team>/B<bot>/<secret>
    if text.get(s) != Some(&b'T') {
        return;
    }
    let t = run_len(text, s, 32, upper);
    if t < 9 || text.get(s + t) != Some(&b'/') || text.get(s + t + 1) != Some(&b'B') {
        return;
    }
    let b = s + t + 1;
    let bn = run_len(text, b, 32, upper);
    if bn < 9 || text.get(b + bn) != Some(&b'/') {
        return;
    }
    let k = b + bn + 1;
    let kn = run_len(text, k, 64, is_alnum);
    if kn < 24 {
        return;
    }
    let c = if is_placeholder_body(&text[k..k + kn]) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, WEBHOOK, "Slack incoming webhook URL", s, k + kn, c);
}
