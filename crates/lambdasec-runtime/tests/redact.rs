//! Tests for `lambdasec_runtime::redact`.
//!
//! The registry is process-wide and tests run in parallel, so every test uses
//! its own secret values (none a substring of another test's values).

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use lambdasec_runtime::redact::{self, RedactingFields, RedactingWriter, REDACTED};
use tracing::{info, info_span, Dispatch};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

// === capture helpers ===

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = CaptureWriter;

    fn make_writer(&'a self) -> Self::Writer {
        CaptureWriter(self.0.clone())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Text subscriber using the crate's `fmt_layer_with_writer`.
fn text_dispatch() -> (Dispatch, Capture) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry()
        .with(redact::fmt_layer_with_writer(capture.clone()).with_ansi(false));
    (Dispatch::new(subscriber), capture)
}

fn capture_text(f: impl FnOnce()) -> String {
    let (dispatch, capture) = text_dispatch();
    tracing::dispatcher::with_default(&dispatch, f);
    capture.text()
}

// === registry / redact() ===

#[test]
fn redact_replaces_registered_values() {
    redact::register("plain-secret-Q1w2");
    assert_eq!(
        redact::redact("a plain-secret-Q1w2 b plain-secret-Q1w2"),
        "a [REDACTED] b [REDACTED]"
    );
    redact::unregister("plain-secret-Q1w2");
}

#[test]
fn redact_borrows_when_nothing_matches() {
    assert!(matches!(
        redact::redact("nothing sensitive here"),
        Cow::Borrowed(_)
    ));
}

#[test]
fn short_values_are_ignored() {
    redact::register("abc");
    redact::register("");
    assert_eq!(redact::redact("abc xyz"), "abc xyz");
    // Exactly the minimum length is masked.
    redact::register("Zk9#");
    assert_eq!(redact::redact("[Zk9#]"), "[[REDACTED]]");
    redact::unregister("Zk9#");
}

#[test]
fn is_sensitive_name_matches_listed_fragments() {
    for name in [
        "password",
        "db_password",
        "PASSWD",
        "client_secret",
        "access_token",
        "api_key",
        "x_apikey",
        "Authorization",
        "cookie",
        "set_cookie",
        "private_key",
        "credentials",
        "SessionId",
    ] {
        assert!(redact::is_sensitive_name(name), "{name}");
    }
    for name in ["user", "message", "key_id", "region", "status", "pass"] {
        assert!(!redact::is_sensitive_name(name), "{name}");
    }
}

#[test]
fn unregister_stops_masking() {
    let s = "rotated-old-secret-7Hk2";
    redact::register(s);
    let masked = capture_text(|| info!("value {}", s));
    assert!(!masked.contains(s), "{masked}");
    assert!(masked.contains(REDACTED), "{masked}");

    redact::unregister(s);
    let visible = capture_text(|| info!("value {}", s));
    assert!(visible.contains(s), "{visible}");
}

#[test]
fn registration_is_reference_counted() {
    let s = "shared-by-two-keys-9Xp";
    redact::register(s);
    redact::register(s);
    redact::unregister(s);
    assert_eq!(redact::redact(s), REDACTED);
    redact::unregister(s);
    assert_eq!(redact::redact(s), s);
    // Unregistering an unknown value is a no-op.
    redact::unregister(s);
}

#[test]
fn overlapping_and_nested_secrets_are_fully_masked() {
    let a = "ovXa-1111-2222";
    let b = "1111-2222-3333-ovXb";
    let outer = "nestOUTER-inner-zz9-OUTER";
    let inner = "inner-zz9";
    for s in [a, b, outer, inner] {
        redact::register(s);
    }
    let out = redact::redact("x ovXa-1111-2222-3333-ovXb y nestOUTER-inner-zz9-OUTER z inner-zz9");
    assert_eq!(out, "x [REDACTED] y [REDACTED] z [REDACTED]");
    for fragment in ["ovX", "1111", "2222", "3333", "OUTER", "inner", "zz9"] {
        assert!(!out.contains(fragment), "{out}");
    }
    let logged = capture_text(|| info!("{}", "ovXa-1111-2222-3333-ovXb"));
    assert!(!logged.contains("1111"), "{logged}");
    for s in [a, b, outer, inner] {
        redact::unregister(s);
    }
}

// === through tracing ===

#[test]
fn registered_secret_in_message_is_masked() {
    let s = "msg-secret-AAAA1111";
    redact::register(s);
    let out = capture_text(|| info!("connecting with {}", s));
    assert!(!out.contains(s), "{out}");
    assert!(out.contains("connecting with [REDACTED]"), "{out}");
    redact::unregister(s);
}

#[test]
fn registered_secret_in_field_values_is_masked() {
    let s = r#"field"secret\BBBB2222"#; // needs escaping in Debug output
    redact::register(s);
    let out = capture_text(|| {
        info!(db = %s, "display field");
        info!(db = ?s, "debug field");
        info!(db = s, "str field");
        let span = info_span!("request", conn = %s);
        let _enter = span.enter();
        info!("inside span");
    });
    assert!(!out.contains("BBBB2222"), "{out}");
    assert_eq!(out.matches(REDACTED).count(), 4, "{out}");
    assert!(out.contains("db=[REDACTED]"), "{out}");
    assert!(out.contains("db=\"[REDACTED]\""), "{out}");
    redact::unregister(s);
}

#[derive(Debug)]
#[allow(dead_code)] // fields are only read through Debug
struct DbConfig {
    host: String,
    pass: String,
}

#[test]
fn registered_secret_in_debug_of_struct_is_masked() {
    let s = "struct-secret-CCCC3333";
    redact::register(s);
    let cfg = DbConfig {
        host: "db.internal".into(),
        pass: s.into(),
    };
    let out = capture_text(|| {
        info!(?cfg, "config");
        info!("config {:?}", cfg);
        info!("config {:#?}", cfg);
    });
    assert!(!out.contains(s), "{out}");
    assert!(out.contains("db.internal"), "{out}");
    assert_eq!(out.matches(REDACTED).count(), 3, "{out}");
    redact::unregister(s);
}

#[test]
fn sensitive_field_names_are_masked_even_unregistered() {
    let out = capture_text(|| {
        info!(password = "hunter2", user = "alice", "login");
        info!(api_key = %"k-unregistered-1", "call");
        info!(token = 123456789_u64, "numeric");
        let span = info_span!("req", session_id = "sess-unregistered-2");
        let _enter = span.enter();
        info!("in span");
    });
    assert!(out.contains("password=[REDACTED]"), "{out}");
    assert!(out.contains("user=\"alice\""), "{out}");
    assert!(out.contains("api_key=[REDACTED]"), "{out}");
    assert!(out.contains("token=[REDACTED]"), "{out}");
    assert!(out.contains("session_id=[REDACTED]"), "{out}");
    for leaked in [
        "hunter2",
        "k-unregistered-1",
        "123456789",
        "sess-unregistered-2",
    ] {
        assert!(!out.contains(leaked), "{leaked} in {out}");
    }
}

#[test]
fn registered_secret_in_json_line_is_masked() {
    let s = r#"json"secret\DDDD4444"#; // JSON-escaped in the output
    redact::register(s);
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(RedactingWriter::new(capture.clone()))
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        info!(db = %s, "json message {}", s);
    });
    let out = capture.text();
    assert!(!out.contains("DDDD4444"), "{out}");
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("still valid JSON");
    assert_eq!(line["fields"]["db"], REDACTED);
    assert_eq!(line["fields"]["message"], "json message [REDACTED]");
    redact::unregister(s);
}

#[test]
fn fields_formatter_alone_masks_registered_values() {
    // Without RedactingWriter, RedactingFields still masks field values.
    let s = "fields-only-EEEE5555";
    redact::register(s);
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .fmt_fields(RedactingFields)
        .with_writer(capture.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        info!(value = %s, password = "pw-FFFF", "msg {}", s);
    });
    let out = capture.text();
    assert!(!out.contains(s), "{out}");
    assert!(!out.contains("pw-FFFF"), "{out}");
    redact::unregister(s);
}

// === writer ===

#[test]
fn secret_split_across_writes_is_masked() {
    let s = "split-secret-GGGG6666";
    redact::register(s);
    let capture = Capture::default();
    let make = RedactingWriter::new(capture.clone());
    {
        let mut w = make.make_writer();
        w.write_all(b"first line split-sec").unwrap();
        w.write_all(b"ret-GGGG6666 end\nsecond ").unwrap();
        w.flush().unwrap(); // flush must not emit the incomplete line
        w.write_all(b"split-secret-GG").unwrap();
        w.write_all(b"GG6666").unwrap();
        // no trailing newline: emitted on drop
    }
    let out = capture.text();
    assert_eq!(out, "first line [REDACTED] end\nsecond [REDACTED]");
    redact::unregister(s);
}

#[test]
fn long_line_without_newline_is_bounded_and_masked() {
    let s = "long-line-secret-HHHH7777";
    redact::register(s);
    let capture = Capture::default();
    let make = RedactingWriter::new(capture.clone());
    let mut expected = String::new();
    {
        let mut w = make.make_writer();
        // Write > 64 KiB in small chunks with secrets spread through it,
        // split at every possible offset.
        for i in 0..4000 {
            let piece = format!("{i:05}-{s}|");
            expected.push_str(&format!("{i:05}-{REDACTED}|"));
            let (a, b) = piece.split_at(i % piece.len());
            w.write_all(a.as_bytes()).unwrap();
            w.write_all(b.as_bytes()).unwrap();
        }
        assert!(!capture.text().is_empty(), "long line partly emitted");
    }
    assert_eq!(capture.text(), expected);
    redact::unregister(s);
}

#[test]
fn concurrent_registration_while_logging() {
    let (dispatch, capture) = text_dispatch();
    let (done_tx, done_rx) = mpsc::channel();
    let mut handles = Vec::new();
    for t in 0..8 {
        let dispatch = dispatch.clone();
        let done_tx = done_tx.clone();
        handles.push(thread::spawn(move || {
            tracing::dispatcher::with_default(&dispatch, || {
                for i in 0..200 {
                    let s = format!("concurrent-{t}-{i}-IIII8888");
                    redact::register(&s);
                    info!(value = %s, "thread {} logs {}", t, s);
                    assert_eq!(redact::redact(&s), REDACTED);
                    redact::unregister(&s);
                }
            });
            done_tx.send(()).unwrap();
        }));
    }
    drop(done_tx);
    for _ in 0..8 {
        done_rx
            .recv_timeout(Duration::from_secs(120))
            .expect("threads finished without deadlock");
    }
    for h in handles {
        h.join().expect("no panic");
    }
    let out = capture.text();
    assert_eq!(out.lines().count(), 8 * 200);
    assert!(!out.contains("IIII8888"), "a secret leaked");
}
