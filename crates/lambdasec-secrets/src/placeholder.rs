//! Known placeholders: values that look like credentials but are documentation, templates or
//! test stand-ins. Detections on them are `Confidence::Placeholder`.

use crate::util::contains_ci;

/// AWS documentation example access key id and secret key.
pub const AWS_EXAMPLE_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const AWS_EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

const WHOLE: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "password",
    "passwd",
    "pass",
    "secret",
    "token",
    "test",
    "testing",
    "dummy",
    "example",
    "sample",
    "placeholder",
    "none",
    "null",
    "nil",
    "undefined",
    "todo",
    "tbd",
    "fixme",
    "redacted",
    "foo",
    "bar",
    "foobar",
    "mysecret",
    "mypassword",
    "secretkey",
    "apikey",
    "api_key",
    "your-api-key",
];

const CONTAINS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "example",
    "dummy",
    "placeholder",
    "xxxx",
    "test",
    "redacted",
    "replace_me",
    "replaceme",
    "replace-me",
    "your_",
    "your-",
    "yourpassword",
    "yoursecret",
    "insert_",
    "****",
    "....",
    "…",
    "${",
    "{{",
    "%(",
];

/// Whether a whole value is a known placeholder.
pub fn is_placeholder(v: &[u8]) -> bool {
    let v = trim_quotes(v);
    if v.is_empty() {
        return true;
    }
    if all_same(v) {
        return true;
    }
    if v == AWS_EXAMPLE_KEY_ID.as_bytes() || v == AWS_EXAMPLE_SECRET.as_bytes() {
        return true;
    }
    if WHOLE.iter().any(|w| v.eq_ignore_ascii_case(w.as_bytes())) {
        return true;
    }
    if v.len() >= 3 && v[..3].eq_ignore_ascii_case(b"xxx") {
        return true;
    }
    if v.first() == Some(&b'<') && v.last() == Some(&b'>') {
        return true;
    }
    if v.first() == Some(&b'$') && v.len() > 1 && (v[1] == b'{' || v[1] == b'(') {
        return true;
    }
    CONTAINS.iter().any(|w| contains_ci(v, w.as_bytes()))
}

/// Whether the random part of a structured token (after its fixed prefix) is a placeholder.
pub fn is_placeholder_body(body: &[u8]) -> bool {
    if body.is_empty() || all_same(body) {
        return true;
    }
    [
        "example",
        "xxxx",
        "dummy",
        "placeholder",
        "redacted",
        "changeme",
    ]
    .iter()
    .any(|w| contains_ci(body, w.as_bytes()))
        || contains_ci(body, b"0123456789")
        || contains_ci(body, b"abcdefgh")
}

fn all_same(v: &[u8]) -> bool {
    v.iter().all(|&b| b == v[0])
}

fn trim_quotes(v: &[u8]) -> &[u8] {
    let v = v.trim_ascii();
    if v.len() >= 2 && (v[0] == b'"' || v[0] == b'\'') && v[v.len() - 1] == v[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}
