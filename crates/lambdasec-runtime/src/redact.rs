//! Log redaction: mask secret values and sensitive fields in `tracing` output.
//!
//! There are two complementary mechanisms:
//!
//! 1. A **process-wide registry of secret values** ([`register`] /
//!    [`unregister`]). Every registered value is replaced by
//!    [`REDACTED`] by [`redact`], by the [`RedactingWriter`] (which sees every
//!    byte the `fmt` subscriber writes, whatever the format) and by
//!    [`RedactingFields`]. Secret caches call [`register`] when they fetch a
//!    value and [`unregister`] when a rotated value is dropped.
//! 2. **Name-based masking** ([`is_sensitive_name`]): the value of a field
//!    whose name looks sensitive (`password`, `token`, …) is always masked by
//!    [`RedactingFields`], even if the value was never registered.
//!
//! ```no_run
//! use tracing_subscriber::prelude::*;
//!
//! tracing_subscriber::registry()
//!     .with(lambdasec_runtime::redact::fmt_layer())
//!     .init();
//!
//! lambdasec_runtime::redact::register("s3cr3t-value");
//! tracing::info!(password = "hunter2", "using {}", "s3cr3t-value");
//! // INFO ... using [REDACTED] password=[REDACTED]
//! ```
//!
//! # How matching works
//!
//! All occurrences of all registered values are found (including
//! overlapping and nested ones, with an Aho-Corasick automaton) and the
//! union of the matched byte ranges is replaced, so a value that contains,
//! overlaps or is adjacent to another is fully masked (adjacent or
//! overlapping matches collapse into a single [`REDACTED`]). Besides the raw
//! value, its Rust `Debug`-escaped form (as printed by `{:?}`) and its JSON
//! string-escaped form are matched too, so a value containing `"` or `\` is
//! still masked inside `Debug` output and JSON log lines.
//!
//! # Limitations
//!
//! - Values shorter than [`MIN_SECRET_LEN`] (4) bytes are ignored: masking
//!   every `"abc"` in every log line would destroy the logs and hide nothing.
//! - Only exact byte occurrences are masked: a secret that is transformed
//!   before being logged (base64, URL-encoding, truncation, case change,
//!   split by the formatter, …) is not detected.
//! - Registered values are kept in [`zeroize::Zeroizing`] strings and wiped
//!   when unregistered, but the matching automaton also holds a copy of the
//!   pattern bytes, which is freed (not wiped) when it is rebuilt.
//! - Name-based masking is done by [`RedactingFields`], which only applies to
//!   the text formatters (full, compact, pretty). The JSON formatter
//!   serialises fields itself; with it, only registered values are masked
//!   (by the [`RedactingWriter`]).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use aho_corasick::AhoCorasick;
use tracing::field::{Field, Visit};
use tracing_subscriber::field::{MakeVisitor, VisitFmt, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};
use tracing_subscriber::fmt::MakeWriter;
use zeroize::{Zeroize, Zeroizing};

/// The text that replaces every masked value.
pub const REDACTED: &str = "[REDACTED]";

/// Values shorter than this many bytes are ignored by [`register`].
pub const MIN_SECRET_LEN: usize = 4;

/// A [`RedactingWriter`] line longer than this (without a newline) is
/// emitted in pieces, so that the buffer stays bounded.
const MAX_LINE_BUFFER: usize = 64 * 1024;

/// Field-name fragments whose values are always masked.
const SENSITIVE_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "cookie",
    "private_key",
    "credential",
    "session",
];

// === registry ===

struct Entry {
    value: Zeroizing<String>,
    /// How many times the value was registered; it stays masked until it
    /// has been unregistered as many times.
    refs: usize,
}

#[derive(Default)]
struct Registry {
    entries: Vec<Entry>,
    /// Automaton over all patterns (values and their escaped forms);
    /// `None` when there is nothing to match.
    automaton: Option<AhoCorasick>,
    /// Length of the longest pattern in bytes.
    max_len: usize,
}

static REGISTRY: RwLock<Registry> = RwLock::new(Registry {
    entries: Vec::new(),
    automaton: None,
    max_len: 0,
});

fn read_registry() -> RwLockReadGuard<'static, Registry> {
    // A panic while holding the lock cannot leave the registry inconsistent
    // in a way that matters more than losing log output, so ignore poisoning.
    REGISTRY.read().unwrap_or_else(|e| e.into_inner())
}

fn write_registry() -> RwLockWriteGuard<'static, Registry> {
    REGISTRY.write().unwrap_or_else(|e| e.into_inner())
}

/// JSON string escaping, as done by `serde_json` (without the quotes).
fn json_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

impl Registry {
    fn rebuild(&mut self) {
        let mut patterns: Vec<Zeroizing<String>> = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            let raw: &str = &entry.value;
            patterns.push(Zeroizing::new(raw.to_owned()));
            for escaped in [raw.escape_debug().to_string(), json_escape(raw)] {
                if escaped != raw && !patterns.iter().any(|p| **p == escaped) {
                    patterns.push(Zeroizing::new(escaped));
                } else {
                    let mut escaped = escaped;
                    escaped.zeroize();
                }
            }
        }
        self.max_len = patterns.iter().map(|p| p.len()).max().unwrap_or(0);
        // Dropping the old automaton frees (but cannot wipe) its copy.
        self.automaton = None;
        if !patterns.is_empty() {
            // Building only fails if the automaton would exceed internal size
            // limits; the patterns are then matched naively (see `spans`).
            self.automaton = AhoCorasick::new(patterns.iter().map(|p| p.as_bytes())).ok();
        }
        if self.automaton.is_none() && !patterns.is_empty() {
            self.max_len = usize::MAX; // forces the slow path below
        }
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Merged, sorted byte ranges of `text` covered by registered values.
    fn spans(&self, text: &[u8]) -> Vec<(usize, usize)> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        match &self.automaton {
            Some(ac) => {
                for m in ac.find_overlapping_iter(text) {
                    spans.push((m.start(), m.end()));
                }
            }
            None => {
                // Fallback if the automaton could not be built.
                for entry in &self.entries {
                    let needle = entry.value.as_bytes();
                    if needle.is_empty() || needle.len() > text.len() {
                        continue;
                    }
                    for start in 0..=text.len() - needle.len() {
                        if &text[start..start + needle.len()] == needle {
                            spans.push((start, start + needle.len()));
                        }
                    }
                }
            }
        }
        merge(spans)
    }
}

/// Sorts and merges overlapping or adjacent ranges.
fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

fn apply_spans(text: &[u8], spans: &[(usize, usize)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut pos = 0;
    for &(start, end) in spans {
        out.extend_from_slice(&text[pos..start]);
        out.extend_from_slice(REDACTED.as_bytes());
        pos = end;
    }
    out.extend_from_slice(&text[pos..]);
    out
}

/// Registers a secret value to be masked in logs, process-wide.
///
/// Values shorter than [`MIN_SECRET_LEN`] (4) bytes are ignored. Registering
/// the same value several times is allowed; it stays masked until
/// [`unregister`] has been called as many times.
pub fn register(value: &str) {
    if value.len() < MIN_SECRET_LEN {
        return;
    }
    let mut registry = write_registry();
    if let Some(entry) = registry.entries.iter_mut().find(|e| *e.value == value) {
        entry.refs += 1;
        return;
    }
    registry.entries.push(Entry {
        value: Zeroizing::new(value.to_owned()),
        refs: 1,
    });
    registry.rebuild();
}

/// Unregisters a value previously passed to [`register`] (for example when
/// a rotated secret is dropped from a cache). The stored copy is wiped once
/// the last registration is removed. Unknown values are ignored.
pub fn unregister(value: &str) {
    let mut registry = write_registry();
    let Some(index) = registry.entries.iter().position(|e| *e.value == value) else {
        return;
    };
    registry.entries[index].refs -= 1;
    if registry.entries[index].refs == 0 {
        // Dropping the `Zeroizing<String>` wipes the value.
        drop(registry.entries.swap_remove(index));
        registry.rebuild();
    }
}

/// Number of distinct values currently registered.
pub fn registered_count() -> usize {
    read_registry().entries.len()
}

/// Replaces every occurrence of every registered value in `text` with
/// [`REDACTED`]. Returns the input unchanged (borrowed) when nothing matched.
pub fn redact(text: &str) -> Cow<'_, str> {
    match redact_bytes(text.as_bytes()) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        // Matches of valid UTF-8 patterns in valid UTF-8 text start and end
        // on character boundaries, so this is always valid UTF-8.
        Cow::Owned(bytes) => Cow::Owned(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

/// Byte version of [`redact`], for output that may not be UTF-8.
pub fn redact_bytes(text: &[u8]) -> Cow<'_, [u8]> {
    let registry = read_registry();
    if registry.is_empty() {
        return Cow::Borrowed(text);
    }
    let spans = registry.spans(text);
    drop(registry);
    if spans.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(apply_spans(text, &spans))
    }
}

/// Whether a field with this name always has its value masked: a
/// case-insensitive substring match on `password`, `passwd`, `secret`,
/// `token`, `api_key`, `apikey`, `authorization`, `cookie`, `private_key`,
/// `credential` and `session` (so `db_password`, `X-Api-Key`-style
/// `x_api_key`, `SessionId` and `access_token` all match).
pub fn is_sensitive_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SENSITIVE_NAMES.iter().any(|s| name.contains(s))
}

// === writer ===

/// A [`MakeWriter`] wrapper that redacts registered values from everything
/// written through it.
///
/// Output is buffered per line: a line is redacted and forwarded when its
/// `\n` is written, and any incomplete last line is forwarded when the
/// writer is dropped. A secret split across several `write` calls of the
/// same line is therefore still masked. `flush` forwards complete lines
/// only. Lines longer than 64 KiB are forwarded in pieces, cut so that no
/// registered value can straddle a cut.
#[derive(Debug, Clone, Default)]
pub struct RedactingWriter<M> {
    inner: M,
}

impl<M> RedactingWriter<M> {
    /// Wraps `inner`.
    pub fn new(inner: M) -> Self {
        Self { inner }
    }

    /// The wrapped `MakeWriter`.
    pub fn inner(&self) -> &M {
        &self.inner
    }
}

impl<'a, M> MakeWriter<'a> for RedactingWriter<M>
where
    M: MakeWriter<'a>,
{
    type Writer = RedactingLineWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingLineWriter::new(self.inner.make_writer())
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        RedactingLineWriter::new(self.inner.make_writer_for(meta))
    }
}

/// The [`io::Write`] returned by [`RedactingWriter`]; also usable on its own
/// around any writer.
pub struct RedactingLineWriter<W: Write> {
    inner: W,
    /// Bytes of the current, incomplete line. Wiped after use.
    buf: Zeroizing<Vec<u8>>,
}

impl<W: Write> fmt::Debug for RedactingLineWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactingLineWriter")
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl<W: Write> RedactingLineWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            buf: Zeroizing::new(Vec::new()),
        }
    }

    /// Redacts and forwards `len` leading bytes of the buffer.
    fn emit(&mut self, len: usize) -> io::Result<()> {
        let result = {
            let chunk = &self.buf[..len];
            let redacted = redact_bytes(chunk);
            self.inner.write_all(&redacted)
        };
        self.buf.drain(..len);
        result
    }

    /// Forwards every complete line, and part of an over-long line.
    fn emit_ready(&mut self) -> io::Result<()> {
        if let Some(last_nl) = self.buf.iter().rposition(|&b| b == b'\n') {
            self.emit(last_nl + 1)?;
        }
        if self.buf.len() > MAX_LINE_BUFFER {
            let cut = self.safe_cut();
            if cut > 0 {
                self.emit(cut)?;
            }
        }
        Ok(())
    }

    /// A cut point in the buffer such that no registered value (complete or
    /// still being written) straddles it.
    fn safe_cut(&self) -> usize {
        let registry = read_registry();
        if registry.is_empty() {
            return self.buf.len();
        }
        // A value not yet complete must start in the last `max_len - 1`
        // bytes; complete values straddling the cut move it to their start.
        let mut cut = self
            .buf
            .len()
            .saturating_sub(registry.max_len.saturating_sub(1));
        for (start, end) in registry.spans(&self.buf) {
            if start < cut && cut < end {
                cut = start;
            }
        }
        cut
    }
}

impl<W: Write> Write for RedactingLineWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        self.emit_ready()?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit_ready()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingLineWriter<W> {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            let len = self.buf.len();
            let _ = self.emit(len);
        }
        let _ = self.inner.flush();
    }
}

// === fields ===

/// A `tracing_subscriber` field formatter (it implements
/// [`FormatFields`](tracing_subscriber::fmt::FormatFields) through
/// [`MakeVisitor`]) that formats like the default one, except that:
///
/// - the value of a field whose name [`is_sensitive_name`] is printed as
///   `[REDACTED]` (so `info!(password = %x)` prints `password=[REDACTED]`);
/// - registered values are masked in every other field value.
///
/// Use it with `.fmt_fields(RedactingFields)` on a text (full, compact or
/// pretty) `fmt` layer or subscriber; see [`fmt_layer`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingFields;

impl<'a> MakeVisitor<Writer<'a>> for RedactingFields {
    type Visitor = RedactingVisitor<'a>;

    fn make_visitor(&self, target: Writer<'a>) -> Self::Visitor {
        RedactingVisitor {
            inner: DefaultVisitor::new(target, true),
        }
    }
}

/// The field visitor made by [`RedactingFields`].
#[derive(Debug)]
pub struct RedactingVisitor<'a> {
    inner: DefaultVisitor<'a>,
}

struct AsDisplay<'s>(&'s str);

impl fmt::Debug for AsDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl RedactingVisitor<'_> {
    fn masked(&mut self, field: &Field) {
        self.inner.record_debug(field, &AsDisplay(REDACTED));
    }
}

impl Visit for RedactingVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if is_sensitive_name(field.name()) {
            self.masked(field);
        } else {
            self.inner.record_str(field, &redact(value));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if is_sensitive_name(field.name()) {
            self.masked(field);
        } else {
            // Registered values in the error text are masked by
            // `RedactingWriter`.
            self.inner.record_error(field, value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if is_sensitive_name(field.name()) {
            self.masked(field);
        } else if read_registry().is_empty() {
            self.inner.record_debug(field, value);
        } else {
            let formatted = Zeroizing::new(format!("{value:?}"));
            let redacted = redact(&formatted);
            self.inner.record_debug(field, &AsDisplay(&redacted));
        }
    }
}

impl VisitOutput<fmt::Result> for RedactingVisitor<'_> {
    fn finish(self) -> fmt::Result {
        self.inner.finish()
    }
}

impl VisitFmt for RedactingVisitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        self.inner.writer()
    }
}

/// The layer type returned by [`fmt_layer`] and [`fmt_layer_with_writer`].
pub type RedactingFmtLayer<S, M> = tracing_subscriber::fmt::Layer<
    S,
    RedactingFields,
    tracing_subscriber::fmt::format::Format,
    RedactingWriter<M>,
>;

/// A `fmt` layer writing to stdout (CloudWatch Logs in Lambda) that masks
/// sensitive field names ([`RedactingFields`]) and registered values
/// ([`RedactingWriter`]). It can be configured further like any
/// `tracing_subscriber::fmt::Layer` (but see the module docs about JSON).
pub fn fmt_layer<S>() -> RedactingFmtLayer<S, fn() -> io::Stdout>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fmt_layer_with_writer(io::stdout as fn() -> io::Stdout)
}

/// Like [`fmt_layer`], writing through `make_writer`.
pub fn fmt_layer_with_writer<S, M>(make_writer: M) -> RedactingFmtLayer<S, M>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    M: for<'a> MakeWriter<'a> + 'static,
{
    tracing_subscriber::fmt::layer()
        .fmt_fields(RedactingFields)
        .with_writer(RedactingWriter::new(make_writer))
}
