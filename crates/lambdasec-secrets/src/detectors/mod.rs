//! Detector families. Each family exposes `check`-style functions called at the position of a
//! prefilter anchor (a fixed prefix such as `AKIA` or `://`).

pub mod aws;
pub mod generic;
pub mod github;
pub mod gitlab;
pub mod google;
pub mod jwt;
pub mod npm;
pub mod private_key;
pub mod pypi;
pub mod sendgrid;
pub mod slack;
pub mod stripe;
pub mod twilio;
pub mod url;

use crate::Detection;

/// Called with the scanned text and the byte offset where the anchor starts.
pub type CheckFn = fn(&[u8], usize, &mut Vec<Detection>);

/// Case-sensitive anchors and the detector that verifies each. Longer anchors that share a
/// prefix come first (the automaton prefers the first listed pattern).
pub const ANCHORS: &[(&str, CheckFn)] = &[
    ("AKIA", aws::check_key_id),
    ("ASIA", aws::check_key_id),
    ("ABIA", aws::check_key_id),
    ("ACCA", aws::check_key_id),
    ("-----BEGIN ", private_key::check),
    ("eyJ", jwt::check),
    ("ghp_", github::check),
    ("gho_", github::check),
    ("ghu_", github::check),
    ("ghs_", github::check),
    ("ghr_", github::check),
    ("github_pat_", github::check),
    ("glpat-", gitlab::check),
    ("xoxb-", slack::check_token),
    ("xoxp-", slack::check_token),
    ("xoxa-", slack::check_token),
    ("xoxr-", slack::check_token),
    ("hooks.slack.com/services/", slack::check_webhook),
    ("sk_live_", stripe::check),
    ("rk_live_", stripe::check),
    ("sk_test_", stripe::check),
    ("rk_test_", stripe::check),
    ("SK", twilio::check),
    ("AC", twilio::check),
    ("SG.", sendgrid::check),
    ("AIza", google::check),
    ("npm_", npm::check),
    ("pypi-AgEIcHlwaS5vcmc", pypi::check),
    ("://", url::check),
];

/// Case-insensitive keywords that start the search for `name = value` assignments.
pub const NAME_KEYWORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "_pass",
    "_pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "private_key",
    "privatekey",
    "jwt",
    "credential",
    "auth",
    "access_key",
    "accesskey",
    "bearer",
];

pub const ALL_IDS: &[&str] = &[
    aws::KEY_ID,
    aws::SECRET_KEY,
    private_key::RSA,
    private_key::EC,
    private_key::OPENSSH,
    private_key::DSA,
    private_key::PGP,
    private_key::PKCS8,
    jwt::ID,
    github::PAT,
    github::OAUTH,
    github::APP,
    github::REFRESH,
    github::FINE_GRAINED,
    gitlab::ID,
    slack::TOKEN,
    slack::WEBHOOK,
    stripe::SECRET,
    stripe::RESTRICTED,
    twilio::API_KEY,
    twilio::AUTH_TOKEN,
    twilio::ACCOUNT_SID,
    sendgrid::ID,
    google::ID,
    npm::ID,
    pypi::ID,
    url::POSTGRES,
    url::MYSQL,
    url::MONGODB,
    url::REDIS,
    url::AMQP,
    url::DATABASE,
    url::BASIC_AUTH,
    generic::HIGH_ENTROPY,
    generic::LITERAL,
];

/// Push a detection for `[start, end)`.
pub fn push(
    out: &mut Vec<Detection>,
    detector: &'static str,
    description: &'static str,
    start: usize,
    end: usize,
    confidence: crate::Confidence,
) {
    out.push(Detection {
        detector,
        description,
        start,
        end,
        confidence,
    });
}
