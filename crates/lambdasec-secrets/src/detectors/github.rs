//! GitHub tokens: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36, `github_pat_` + 22 `_` 59.

use super::push;
use crate::placeholder::is_placeholder_body;
use crate::util::{is_alnum, is_token_char, left_boundary, right_boundary, run_len};
use crate::{Confidence, Detection};

pub const PAT: &str = "github-pat";
pub const OAUTH: &str = "github-oauth-token";
pub const APP: &str = "github-app-token";
pub const REFRESH: &str = "github-refresh-token";
pub const FINE_GRAINED: &str = "github-fine-grained-pat";

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    if !left_boundary(text, at, is_token_char) {
        return;
    }
    if text[at..].starts_with(b"github_pat_") {
        let b = at + 11;
        let ok = run_len(text, b, 23, is_alnum) == 22
            && text.get(b + 22) == Some(&b'_')
            && run_len(text, b + 23, 60, is_alnum) == 59
            && right_boundary(text, b + 82, is_token_char);
        if ok {
            let c = conf(&text[b..b + 82]);
            push(
                out,
                FINE_GRAINED,
                "GitHub fine-grained personal access token",
                at,
                b + 82,
                c,
            );
        }
        return;
    }
    let b = at + 4;
    if run_len(text, b, 37, is_alnum) != 36 || !right_boundary(text, b + 36, is_token_char) {
        return;
    }
    let (id, description) = match text[at + 2] {
        b'p' => (PAT, "GitHub personal access token"),
        b'o' => (OAUTH, "GitHub OAuth access token"),
        b'u' => (APP, "GitHub App user-to-server token"),
        b's' => (APP, "GitHub App server-to-server token"),
        _ => (REFRESH, "GitHub refresh token"),
    };
    push(out, id, description, at, b + 36, conf(&text[b..b + 36]));
}

fn conf(body: &[u8]) -> Confidence {
    if is_placeholder_body(body) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    }
}
