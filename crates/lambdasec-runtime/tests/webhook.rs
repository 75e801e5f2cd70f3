//! Tests for `lambdasec_runtime::webhook`.
//!
//! Vector sources:
//! - GitHub: docs.github.com "Validating webhook deliveries" example.
//! - Slack: api.slack.com "Verifying requests from Slack" worked example.
//! - Standard Webhooks: the spec's / Svix's published example.
//! - Stripe publishes no test vector. The Stripe (and generic HMAC) vectors
//!   below were computed independently with Python's `hmac`/`hashlib`
//!   (`hmac.new(key, f"{t}.{body}".encode(), hashlib.sha256).hexdigest()`),
//!   not with this crate.
//!   The three documented vectors were also re-computed with Python and match.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lambda_events::event::lambda_function_urls::LambdaFunctionUrlRequest;
use http::{HeaderMap, HeaderName, HeaderValue};
use lambdasec_runtime::webhook::{
    github, slack, standard, stripe, verify_function_url_request, Encoding, GenericHmac, GitHub,
    Scheme, Slack, StandardWebhooks, Stripe, Verifier, WebhookError,
};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

/// The error's Display and Debug must not leak the secret or the expected signature.
fn assert_no_leak(err: &WebhookError, secrets: &[&str]) {
    let shown = format!("{err} / {err:?}");
    for s in secrets {
        assert!(!shown.contains(s), "error text {shown:?} leaks {s:?}");
    }
}

// ---------------------------------------------------------------- GitHub

const GH_SECRET: &str = "It's a Secret to Everybody";
const GH_BODY: &[u8] = b"Hello, World!";
const GH_SIG: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
const GH_NOW: u64 = 1_700_000_000;

fn gh(sig_header: &str) -> HeaderMap {
    headers(&[("X-Hub-Signature-256", sig_header)])
}

fn gh_verify(secret: &str, h: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
    github::verify(secret.as_bytes(), h, body, at(GH_NOW))
}

#[test]
fn github_documented_vector_accepted() {
    gh_verify(GH_SECRET, &gh(&format!("sha256={GH_SIG}")), GH_BODY).unwrap();
    // Upper-case hex and a differently-cased header name also verify.
    let h = headers(&[(
        "x-HUB-signature-256",
        &format!("sha256={}", GH_SIG.to_uppercase()),
    )]);
    gh_verify(GH_SECRET, &h, GH_BODY).unwrap();
}

#[test]
fn github_rejections() {
    let good = gh(&format!("sha256={GH_SIG}"));
    let leaks = [GH_SECRET, GH_SIG];
    let tampered = gh_verify(GH_SECRET, &good, b"Hello, World?").unwrap_err();
    assert_eq!(tampered, WebhookError::SignatureMismatch);
    assert_no_leak(&tampered, &leaks);
    let wrong = gh_verify("It's a Secret to Nobody", &good, GH_BODY).unwrap_err();
    assert_eq!(wrong, WebhookError::SignatureMismatch);
    assert_no_leak(&wrong, &leaks);
    let empty = gh_verify(GH_SECRET, &gh("sha256="), GH_BODY).unwrap_err();
    assert_eq!(empty, WebhookError::SignatureMismatch);
    assert_no_leak(&empty, &leaks);
    let truncated = gh_verify(
        GH_SECRET,
        &gh(&format!("sha256={}", &GH_SIG[..62])),
        GH_BODY,
    );
    assert_eq!(truncated, Err(WebhookError::SignatureMismatch));
    let one_byte = gh_verify(GH_SECRET, &gh("sha256=75"), GH_BODY);
    assert_eq!(one_byte, Err(WebhookError::SignatureMismatch));
    let longer = gh_verify(GH_SECRET, &gh(&format!("sha256={GH_SIG}00")), GH_BODY);
    assert_eq!(longer, Err(WebhookError::SignatureMismatch));
    let missing = gh_verify(GH_SECRET, &HeaderMap::new(), GH_BODY).unwrap_err();
    assert_eq!(
        missing,
        WebhookError::MissingHeader("x-hub-signature-256".into())
    );
    assert_no_leak(&missing, &leaks);
    let no_prefix = gh_verify(GH_SECRET, &gh(GH_SIG), GH_BODY).unwrap_err();
    assert!(matches!(no_prefix, WebhookError::MalformedHeader(_)));
    let not_hex = gh_verify(
        GH_SECRET,
        &gh(&format!("sha256={}zz", &GH_SIG[..62])),
        GH_BODY,
    );
    assert!(matches!(not_hex, Err(WebhookError::MalformedHeader(_))));
    let sig = format!("sha256={GH_SIG}");
    let repeated = headers(&[("x-hub-signature-256", &sig), ("x-hub-signature-256", &sig)]);
    assert!(matches!(
        gh_verify(GH_SECRET, &repeated, GH_BODY),
        Err(WebhookError::MalformedHeader(_))
    ));
    assert_eq!(
        gh_verify("", &good, GH_BODY),
        Err(WebhookError::InvalidSecret)
    );
}

// ---------------------------------------------------------------- Stripe

const STRIPE_SECRET: &str = "whsec_lambdasec_test_secret";
const STRIPE_OLD_SECRET: &str = "whsec_lambdasec_old_secret";
const STRIPE_BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
const STRIPE_T: u64 = 1_700_000_000;
// Python: hmac.new(b"whsec_lambdasec_test_secret", b"1700000000." + body, sha256)
const STRIPE_SIG: &str = "022d9bf6e8073f74892666b6963588a9d5c5c9aa53a4831d6e5cd6d0484d7db9";
// Same payload under STRIPE_OLD_SECRET.
const STRIPE_OLD_SIG: &str = "e0d33199cd376feb1f62d311ed68af93cbf0575be141e21aa4f37556cb4211d7";

fn stripe_h(value: &str) -> HeaderMap {
    headers(&[("Stripe-Signature", value)])
}

fn stripe_at(secret: &str, h: &HeaderMap, body: &[u8], now: u64) -> Result<(), WebhookError> {
    stripe::verify(secret.as_bytes(), h, body, at(now))
}

#[test]
fn stripe_independent_vector_accepted() {
    let h = stripe_h(&format!("t={STRIPE_T},v1={STRIPE_SIG}"));
    stripe_at(STRIPE_SECRET, &h, STRIPE_BODY, STRIPE_T + 10).unwrap();
    // v0 entries are ignored; spaces after commas are tolerated.
    let h = stripe_h(&format!(
        "t={STRIPE_T}, v1={STRIPE_SIG}, v0={STRIPE_OLD_SIG}"
    ));
    stripe_at(STRIPE_SECRET, &h, STRIPE_BODY, STRIPE_T).unwrap();
}

#[test]
fn stripe_multiple_signatures_one_valid_accepted() {
    for value in [
        format!("t={STRIPE_T},v1={STRIPE_OLD_SIG},v1={STRIPE_SIG}"),
        format!("t={STRIPE_T},v1={STRIPE_SIG},v1={STRIPE_OLD_SIG}"),
        format!("t={STRIPE_T},v1=,v1=abcd,v1={STRIPE_SIG}"),
    ] {
        stripe_at(STRIPE_SECRET, &stripe_h(&value), STRIPE_BODY, STRIPE_T).unwrap();
    }
    // Both secrets of a roll verify the two-signature header.
    let h = stripe_h(&format!("t={STRIPE_T},v1={STRIPE_OLD_SIG},v1={STRIPE_SIG}"));
    stripe_at(STRIPE_OLD_SECRET, &h, STRIPE_BODY, STRIPE_T).unwrap();
}

#[test]
fn stripe_rejections() {
    let good = stripe_h(&format!("t={STRIPE_T},v1={STRIPE_SIG}"));
    let leaks = [STRIPE_SECRET, STRIPE_SIG];
    let check = |secret: &str, h: &HeaderMap, body: &[u8], now: u64| {
        let err = stripe_at(secret, h, body, now).unwrap_err();
        assert_no_leak(&err, &leaks);
        err
    };
    assert_eq!(
        check(STRIPE_SECRET, &good, b"{\"id\":\"evt_other\"}", STRIPE_T),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(STRIPE_OLD_SECRET, &good, STRIPE_BODY, STRIPE_T),
        WebhookError::SignatureMismatch
    );
    // Not base64-decoded: the secret without the prefix is a different key.
    assert_eq!(
        check("lambdasec_test_secret", &good, STRIPE_BODY, STRIPE_T),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(STRIPE_SECRET, &good, STRIPE_BODY, STRIPE_T + 301),
        WebhookError::StaleTimestamp
    );
    stripe_at(STRIPE_SECRET, &good, STRIPE_BODY, STRIPE_T + 300).unwrap();
    assert_eq!(
        check(STRIPE_SECRET, &good, STRIPE_BODY, STRIPE_T - 301),
        WebhookError::FutureTimestamp
    );
    // Configurable tolerance.
    let strict = Stripe {
        tolerance: Duration::from_secs(10),
    };
    assert_eq!(
        strict.verify(
            STRIPE_SECRET.as_bytes(),
            &good,
            STRIPE_BODY,
            at(STRIPE_T + 11)
        ),
        Err(WebhookError::StaleTimestamp)
    );
    let lax = Stripe {
        tolerance: Duration::from_secs(3600),
    };
    lax.verify(
        STRIPE_SECRET.as_bytes(),
        &good,
        STRIPE_BODY,
        at(STRIPE_T + 3000),
    )
    .unwrap();
    // Empty and truncated signatures.
    let empty = stripe_h(&format!("t={STRIPE_T},v1="));
    assert_eq!(
        check(STRIPE_SECRET, &empty, STRIPE_BODY, STRIPE_T),
        WebhookError::SignatureMismatch
    );
    let truncated = stripe_h(&format!("t={STRIPE_T},v1={}", &STRIPE_SIG[..63]));
    assert_eq!(
        check(STRIPE_SECRET, &truncated, STRIPE_BODY, STRIPE_T),
        WebhookError::SignatureMismatch
    );
    let short = stripe_h(&format!("t={STRIPE_T},v1={}", &STRIPE_SIG[..32]));
    assert_eq!(
        check(STRIPE_SECRET, &short, STRIPE_BODY, STRIPE_T),
        WebhookError::SignatureMismatch
    );
    // Only a v0 signature: not accepted.
    let only_v0 = stripe_h(&format!("t={STRIPE_T},v0={STRIPE_SIG}"));
    assert!(matches!(
        check(STRIPE_SECRET, &only_v0, STRIPE_BODY, STRIPE_T),
        WebhookError::MalformedHeader(_)
    ));
    // Missing header / missing or bad timestamp.
    assert_eq!(
        check(STRIPE_SECRET, &HeaderMap::new(), STRIPE_BODY, STRIPE_T),
        WebhookError::MissingHeader("stripe-signature".into())
    );
    for bad in [
        format!("v1={STRIPE_SIG}"),
        format!("t=,v1={STRIPE_SIG}"),
        format!("t=-5,v1={STRIPE_SIG}"),
        format!("t={STRIPE_T},t={STRIPE_T},v1={STRIPE_SIG}"),
        format!("t={STRIPE_T},{STRIPE_SIG}"),
    ] {
        assert!(matches!(
            check(STRIPE_SECRET, &stripe_h(&bad), STRIPE_BODY, STRIPE_T),
            WebhookError::MalformedHeader(_)
        ));
    }
}

// ---------------------------------------------------------------- Slack

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_TS: u64 = 1_531_420_618;
const SLACK_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SLACK_SIG: &str = "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

fn slack_h(sig: &str, ts: &str) -> HeaderMap {
    headers(&[
        ("X-Slack-Signature", sig),
        ("X-Slack-Request-Timestamp", ts),
    ])
}

fn slack_at(secret: &str, h: &HeaderMap, body: &[u8], now: u64) -> Result<(), WebhookError> {
    slack::verify(secret.as_bytes(), h, body, at(now))
}

#[test]
fn slack_documented_vector_accepted() {
    let h = slack_h(&format!("v0={SLACK_SIG}"), &SLACK_TS.to_string());
    slack_at(SLACK_SECRET, &h, SLACK_BODY, SLACK_TS).unwrap();
    slack_at(SLACK_SECRET, &h, SLACK_BODY, SLACK_TS + 300).unwrap();
    slack_at(SLACK_SECRET, &h, SLACK_BODY, SLACK_TS - 300).unwrap();
}

#[test]
fn slack_rejections() {
    let ts = SLACK_TS.to_string();
    let good = slack_h(&format!("v0={SLACK_SIG}"), &ts);
    let leaks = [SLACK_SECRET, SLACK_SIG];
    let check = |secret: &str, h: &HeaderMap, body: &[u8], now: u64| {
        let err = slack_at(secret, h, body, now).unwrap_err();
        assert_no_leak(&err, &leaks);
        err
    };
    let mut tampered = SLACK_BODY.to_vec();
    tampered[6] ^= 1;
    assert_eq!(
        check(SLACK_SECRET, &good, &tampered, SLACK_TS),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(
            "8f742231b10e8888abcd99yyyzzz85a6",
            &good,
            SLACK_BODY,
            SLACK_TS
        ),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(SLACK_SECRET, &good, SLACK_BODY, SLACK_TS + 301),
        WebhookError::StaleTimestamp
    );
    assert_eq!(
        check(SLACK_SECRET, &good, SLACK_BODY, SLACK_TS - 301),
        WebhookError::FutureTimestamp
    );
    // A timestamp changed in the header but not in the signature.
    let shifted = slack_h(&format!("v0={SLACK_SIG}"), &(SLACK_TS + 1).to_string());
    assert_eq!(
        check(SLACK_SECRET, &shifted, SLACK_BODY, SLACK_TS),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(SLACK_SECRET, &slack_h("v0=", &ts), SLACK_BODY, SLACK_TS),
        WebhookError::SignatureMismatch
    );
    let truncated = slack_h(&format!("v0={}", &SLACK_SIG[..60]), &ts);
    assert_eq!(
        check(SLACK_SECRET, &truncated, SLACK_BODY, SLACK_TS),
        WebhookError::SignatureMismatch
    );
    let no_prefix = slack_h(SLACK_SIG, &ts);
    assert!(matches!(
        check(SLACK_SECRET, &no_prefix, SLACK_BODY, SLACK_TS),
        WebhookError::MalformedHeader(_)
    ));
    let only_ts = headers(&[("x-slack-request-timestamp", &ts)]);
    assert_eq!(
        check(SLACK_SECRET, &only_ts, SLACK_BODY, SLACK_TS),
        WebhookError::MissingHeader("x-slack-signature".into())
    );
    let only_sig = headers(&[("x-slack-signature", &format!("v0={SLACK_SIG}"))]);
    assert_eq!(
        check(SLACK_SECRET, &only_sig, SLACK_BODY, SLACK_TS),
        WebhookError::MissingHeader("x-slack-request-timestamp".into())
    );
    let bad_ts = slack_h(&format!("v0={SLACK_SIG}"), "1531420618.5");
    assert!(matches!(
        check(SLACK_SECRET, &bad_ts, SLACK_BODY, SLACK_TS),
        WebhookError::MalformedHeader(_)
    ));
    let strict = Slack {
        tolerance: Duration::from_secs(60),
    };
    assert_eq!(
        strict.verify(
            SLACK_SECRET.as_bytes(),
            &good,
            SLACK_BODY,
            at(SLACK_TS + 61)
        ),
        Err(WebhookError::StaleTimestamp)
    );
}

// ------------------------------------------------------ Standard Webhooks / Svix

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_TS: u64 = 1_614_265_330;
const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SW_SIG: &str = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
/// A well-formed 32-byte base64 signature that is not the right one.
const SW_OTHER: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

fn sw_h(prefix: &str, id: &str, ts: &str, sig: &str) -> HeaderMap {
    headers(&[
        (&format!("{prefix}-id"), id),
        (&format!("{prefix}-timestamp"), ts),
        (&format!("{prefix}-signature"), sig),
    ])
}

fn sw_at(secret: &str, h: &HeaderMap, body: &[u8], now: u64) -> Result<(), WebhookError> {
    standard::verify(secret.as_bytes(), h, body, at(now))
}

#[test]
fn standard_webhooks_documented_vector_accepted() {
    let ts = SW_TS.to_string();
    let sig = format!("v1,{SW_SIG}");
    for prefix in ["webhook", "svix", "Webhook", "SVIX"] {
        let h = sw_h(prefix, SW_ID, &ts, &sig);
        sw_at(SW_SECRET, &h, SW_BODY, SW_TS).unwrap();
    }
    // A secret pasted without its `whsec_` prefix is the same key.
    let h = sw_h("webhook", SW_ID, &ts, &sig);
    sw_at("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &h, SW_BODY, SW_TS + 299).unwrap();
    sw_at(SW_SECRET, &h, SW_BODY, SW_TS - 299).unwrap();
}

#[test]
fn standard_webhooks_multiple_signatures_one_valid_accepted() {
    let ts = SW_TS.to_string();
    for sig in [
        format!("v1,{SW_OTHER} v1,{SW_SIG}"),
        format!("v1,{SW_SIG} v1,{SW_OTHER}"),
        format!("v1a,{SW_OTHER} v2,{SW_OTHER} v1, v1,AAAA v1,{SW_SIG}"),
        format!("  v1,{SW_OTHER}   v1,{SW_SIG}  "),
    ] {
        let h = sw_h("webhook", SW_ID, &ts, &sig);
        sw_at(SW_SECRET, &h, SW_BODY, SW_TS).unwrap();
    }
}

#[test]
fn standard_webhooks_rejections() {
    let ts = SW_TS.to_string();
    let good = sw_h("webhook", SW_ID, &ts, &format!("v1,{SW_SIG}"));
    let leaks = [SW_SECRET, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SW_SIG];
    let check = |secret: &str, h: &HeaderMap, body: &[u8], now: u64| {
        let err = sw_at(secret, h, body, now).unwrap_err();
        assert_no_leak(&err, &leaks);
        err
    };
    assert_eq!(
        check(SW_SECRET, &good, br#"{"test": 2432232315}"#, SW_TS),
        WebhookError::SignatureMismatch
    );
    // Another valid whsec_ secret.
    assert_eq!(
        check(
            "whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA==",
            &good,
            SW_BODY,
            SW_TS
        ),
        WebhookError::SignatureMismatch
    );
    // A secret whose base64 does not decode.
    assert_eq!(
        check("whsec_not base64!", &good, SW_BODY, SW_TS),
        WebhookError::InvalidSecret
    );
    assert_eq!(
        check(SW_SECRET, &good, SW_BODY, SW_TS + 301),
        WebhookError::StaleTimestamp
    );
    assert_eq!(
        check(SW_SECRET, &good, SW_BODY, SW_TS - 301),
        WebhookError::FutureTimestamp
    );
    // Changed id.
    let other_id = sw_h("webhook", "msg_other", &ts, &format!("v1,{SW_SIG}"));
    assert_eq!(
        check(SW_SECRET, &other_id, SW_BODY, SW_TS),
        WebhookError::SignatureMismatch
    );
    // Empty signatures: the `v1,` bypass (svix-webhooks#1190) must not verify.
    for sig in ["v1,", "v1, ", "v1,AAAA", ""] {
        let h = sw_h("webhook", SW_ID, &ts, sig);
        let err = check(SW_SECRET, &h, SW_BODY, SW_TS);
        assert!(
            matches!(
                err,
                WebhookError::SignatureMismatch | WebhookError::MalformedHeader(_)
            ),
            "{sig:?} gave {err:?}"
        );
    }
    // Truncated and over-long signatures.
    let truncated = sw_h("webhook", SW_ID, &ts, &format!("v1,{}", &SW_SIG[..40]));
    assert_eq!(
        check(SW_SECRET, &truncated, SW_BODY, SW_TS),
        WebhookError::SignatureMismatch
    );
    let long = sw_h(
        "webhook",
        SW_ID,
        &ts,
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OEAAAA=",
    );
    assert_eq!(
        check(SW_SECRET, &long, SW_BODY, SW_TS),
        WebhookError::SignatureMismatch
    );
    // Only non-v1 signatures.
    let v1a = sw_h("webhook", SW_ID, &ts, &format!("v1a,{SW_SIG}"));
    assert!(matches!(
        check(SW_SECRET, &v1a, SW_BODY, SW_TS),
        WebhookError::MalformedHeader(_)
    ));
    // Missing headers.
    assert_eq!(
        check(SW_SECRET, &HeaderMap::new(), SW_BODY, SW_TS),
        WebhookError::MissingHeader("webhook-signature".into())
    );
    let no_id = headers(&[
        ("webhook-timestamp", &ts),
        ("webhook-signature", &format!("v1,{SW_SIG}")),
    ]);
    assert_eq!(
        check(SW_SECRET, &no_id, SW_BODY, SW_TS),
        WebhookError::MissingHeader("webhook-id".into())
    );
    let no_ts = headers(&[
        ("svix-id", SW_ID),
        ("svix-signature", &format!("v1,{SW_SIG}")),
    ]);
    assert_eq!(
        check(SW_SECRET, &no_ts, SW_BODY, SW_TS),
        WebhookError::MissingHeader("svix-timestamp".into())
    );
    // Families are not mixed.
    let mixed = headers(&[
        ("svix-id", SW_ID),
        ("webhook-timestamp", &ts),
        ("webhook-signature", &format!("v1,{SW_SIG}")),
    ]);
    assert_eq!(
        check(SW_SECRET, &mixed, SW_BODY, SW_TS),
        WebhookError::MissingHeader("webhook-id".into())
    );
    // Ids and timestamps must not contain `.`.
    let dotted = sw_h("webhook", "msg.1", &ts, &format!("v1,{SW_SIG}"));
    assert!(matches!(
        check(SW_SECRET, &dotted, SW_BODY, SW_TS),
        WebhookError::MalformedHeader(_)
    ));
    let dotted_ts = sw_h("webhook", SW_ID, "1614265330.0", &format!("v1,{SW_SIG}"));
    assert!(matches!(
        check(SW_SECRET, &dotted_ts, SW_BODY, SW_TS),
        WebhookError::MalformedHeader(_)
    ));
}

// ---------------------------------------------------------------- Generic

const GEN_SECRET: &str = "generic-secret";
const GEN_BODY: &[u8] = br#"{"event":"ping"}"#;
// Python: hmac.new(b"generic-secret", body, sha256)
const GEN_HEX: &str = "adbb938347115a1b87cab58c7bc6980054aec92d3d79c686a74f97cd58a14cfd";
const GEN_B64: &str = "rbuTg0cRWhuHyrWMe8aYAFSuyS09ecaGp0+XzVihTP0=";

#[test]
fn generic_hex_and_base64_accepted() {
    let hex_scheme = GenericHmac::new("X-Signature", Encoding::Hex);
    let h = headers(&[("x-signature", GEN_HEX)]);
    hex_scheme
        .verify(GEN_SECRET.as_bytes(), &h, GEN_BODY, at(0))
        .unwrap();

    let prefixed = GenericHmac::new("X-Signature", Encoding::Hex).with_prefix("sha256=");
    let h = headers(&[("X-SIGNATURE", &format!("sha256={GEN_HEX}"))]);
    prefixed
        .verify(GEN_SECRET.as_bytes(), &h, GEN_BODY, at(0))
        .unwrap();

    let b64 = GenericHmac::new("X-Shopify-Hmac-Sha256", Encoding::Base64);
    let h = headers(&[("x-shopify-hmac-sha256", GEN_B64)]);
    b64.verify(GEN_SECRET.as_bytes(), &h, GEN_BODY, at(0))
        .unwrap();
}

#[test]
fn generic_rejections() {
    let hex_scheme = GenericHmac::new("X-Signature", Encoding::Hex).with_prefix("sha256=");
    let b64 = GenericHmac::new("X-Signature", Encoding::Base64);
    let leaks = [GEN_SECRET, GEN_HEX, GEN_B64];
    let check = |scheme: &GenericHmac, secret: &str, value: Option<&str>, body: &[u8]| {
        let h = match value {
            Some(v) => headers(&[("x-signature", v)]),
            None => HeaderMap::new(),
        };
        let err = scheme
            .verify(secret.as_bytes(), &h, body, at(0))
            .unwrap_err();
        assert_no_leak(&err, &leaks);
        err
    };
    let hex_good = format!("sha256={GEN_HEX}");
    assert_eq!(
        check(&hex_scheme, GEN_SECRET, Some(&hex_good), b"{}"),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(&b64, GEN_SECRET, Some(GEN_B64), b"{}"),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(&hex_scheme, "other", Some(&hex_good), GEN_BODY),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(&b64, "other", Some(GEN_B64), GEN_BODY),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(&hex_scheme, GEN_SECRET, Some("sha256="), GEN_BODY),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(&b64, GEN_SECRET, Some(""), GEN_BODY),
        WebhookError::SignatureMismatch
    );
    let truncated_hex = format!("sha256={}", &GEN_HEX[..40]);
    assert_eq!(
        check(&hex_scheme, GEN_SECRET, Some(&truncated_hex), GEN_BODY),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(&b64, GEN_SECRET, Some(&GEN_B64[..40]), GEN_BODY),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        check(&hex_scheme, GEN_SECRET, None, GEN_BODY),
        WebhookError::MissingHeader("x-signature".into())
    );
    assert!(matches!(
        check(&hex_scheme, GEN_SECRET, Some(GEN_HEX), GEN_BODY),
        WebhookError::MalformedHeader(_)
    ));
    assert!(matches!(
        check(&b64, GEN_SECRET, Some("not base64!"), GEN_BODY),
        WebhookError::MalformedHeader(_)
    ));
}

// ------------------------------------------------------- Scheme / Lambda adapter

#[test]
fn scheme_enum_dispatches() {
    let h = gh(&format!("sha256={GH_SIG}"));
    let scheme = Scheme::from(GitHub);
    scheme
        .verify(GH_SECRET.as_bytes(), &h, GH_BODY, at(GH_NOW))
        .unwrap();
    let scheme = Scheme::from(StandardWebhooks::default());
    let h = sw_h("svix", SW_ID, &SW_TS.to_string(), &format!("v1,{SW_SIG}"));
    scheme
        .verify(SW_SECRET.as_bytes(), &h, SW_BODY, at(SW_TS))
        .unwrap();
}

fn url_request(h: HeaderMap, body: Option<&str>, b64: bool) -> LambdaFunctionUrlRequest {
    let mut req = LambdaFunctionUrlRequest::default();
    req.headers = h;
    req.body = body.map(str::to_owned);
    req.is_base64_encoded = b64;
    req
}

#[test]
fn function_url_plain_body() {
    let h = gh(&format!("sha256={GH_SIG}"));
    let req = url_request(h.clone(), Some("Hello, World!"), false);
    verify_function_url_request(&GitHub, GH_SECRET.as_bytes(), &req, at(GH_NOW)).unwrap();
    let req = url_request(h, Some("Hello, World?"), false);
    assert_eq!(
        verify_function_url_request(&GitHub, GH_SECRET.as_bytes(), &req, at(GH_NOW)),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn function_url_base64_body_is_decoded() {
    // base64("Hello, World!")
    let h = gh(&format!("sha256={GH_SIG}"));
    let req = url_request(h.clone(), Some("SGVsbG8sIFdvcmxkIQ=="), true);
    let scheme = Scheme::GitHub(GitHub);
    verify_function_url_request(&scheme, GH_SECRET.as_bytes(), &req, at(GH_NOW)).unwrap();
    // The same text not flagged as base64 is verified as-is and fails.
    let req = url_request(h.clone(), Some("SGVsbG8sIFdvcmxkIQ=="), false);
    assert_eq!(
        verify_function_url_request(&scheme, GH_SECRET.as_bytes(), &req, at(GH_NOW)),
        Err(WebhookError::SignatureMismatch)
    );
    let req = url_request(h, Some("%%%not base64"), true);
    assert_eq!(
        verify_function_url_request(&scheme, GH_SECRET.as_bytes(), &req, at(GH_NOW)),
        Err(WebhookError::InvalidBody)
    );
}

#[test]
fn function_url_event_from_json() {
    // A function URL event as Lambda delivers it (lower-cased headers,
    // base64 body), parsed with the aws_lambda_events type.
    let event = serde_json::json!({
        "version": "2.0",
        "rawPath": "/",
        "rawQueryString": "",
        "headers": {
            "webhook-id": SW_ID,
            "webhook-timestamp": SW_TS.to_string(),
            "webhook-signature": format!("v1,{SW_OTHER} v1,{SW_SIG}"),
            "content-type": "application/json"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": "abc.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abc",
            "http": {
                "method": "POST", "path": "/", "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1", "userAgent": "test"
            },
            "requestId": "r", "routeKey": "$default", "stage": "$default",
            "time": "01/Jan/2021:00:00:00 +0000", "timeEpoch": 1609459200000u64
        },
        "body": "eyJ0ZXN0IjogMjQzMjIzMjMxNH0=",
        "isBase64Encoded": true
    });
    let req: LambdaFunctionUrlRequest = serde_json::from_value(event).unwrap();
    verify_function_url_request(
        &StandardWebhooks::default(),
        SW_SECRET.as_bytes(),
        &req,
        at(SW_TS + 1),
    )
    .unwrap();
    assert_eq!(
        verify_function_url_request(
            &StandardWebhooks::default(),
            SW_SECRET.as_bytes(),
            &req,
            at(SW_TS + 1000),
        ),
        Err(WebhookError::StaleTimestamp)
    );
}

#[test]
fn display_names_only_the_header() {
    let err = WebhookError::MissingHeader("stripe-signature".into());
    assert_eq!(err.to_string(), "missing webhook header `stripe-signature`");
    assert_eq!(
        WebhookError::SignatureMismatch.to_string(),
        "webhook signature does not match"
    );
}
