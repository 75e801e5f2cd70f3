//! Secret detection for lambdasec.
//!
//! Detectors for credentials in environment variables (`scan_assignment`), code and layer
//! files (`scan_text`, `scan_reader`), with a reference filter (`is_reference`), a
//! sensitive-name test (`is_sensitive_name`) and redaction (`redact`).
//!
//! A prefilter (two Aho-Corasick automata: case-sensitive token prefixes and case-insensitive
//! sensitive-name keywords) finds the few places where a detector could match; everything else
//! is skipped without further work.

pub mod attach;
pub mod code;
mod detectors;
mod engine;
mod names;
mod placeholder;
mod reference;
mod stream;
mod util;

/// How sure a detection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// A known placeholder or documentation example: reported at `info` at most.
    Placeholder,
    /// Probably a credential (a weak literal under a sensitive name, a test-mode token, a
    /// high-entropy value under a sensitive name).
    Likely,
    /// The value has the exact shape of a credential.
    Certain,
}

/// One secret found in a value or a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Detection {
    /// Stable detector id, e.g. `aws-access-key-id`.
    pub detector: &'static str,
    /// What was found, e.g. `AWS access key ID`.
    pub description: &'static str,
    /// Byte offset of the secret's first byte in the scanned text.
    pub start: usize,
    /// Byte offset one past the secret's last byte in the scanned text.
    pub end: usize,
    pub confidence: Confidence,
}

impl Detection {
    /// The secret's bytes in the text that was scanned (empty if the range does not fit).
    pub fn secret<'a>(&self, scanned: &'a str) -> &'a str {
        scanned.get(self.start..self.end).unwrap_or("")
    }

    /// The secret, redacted (see [`redact`]).
    pub fn redacted(&self, scanned: &str) -> String {
        redact(self.secret(scanned))
    }
}

/// A value assigned to a name (environment variable, config key): name-gated detectors apply.
///
/// Offsets are byte offsets into `value`.
pub fn scan_assignment(name: &str, value: &str) -> Vec<Detection> {
    engine::scan_assignment(name, value)
}

/// The detector that reports a literal under a sensitive name (`DB_PASSWORD=hunter2`).
pub const NAME_LITERAL_DETECTOR: &str = "sensitive-name-literal";

/// The strongest finding in an assignment: the strongest detection by content, else the
/// literal-under-a-sensitive-name one; the flag says the name alone decided.
pub fn strongest_in_assignment(name: &str, value: &str) -> Option<(Detection, bool)> {
    let found = scan_assignment(name, value);
    let content = found
        .iter()
        .filter(|d| d.detector != NAME_LITERAL_DETECTOR)
        .max_by_key(|d| d.confidence);
    match content {
        Some(d) => Some((d.clone(), false)),
        None => found
            .into_iter()
            .find(|d| d.detector == NAME_LITERAL_DETECTOR)
            .map(|d| (d, true)),
    }
}

/// Free text (a code file): every detector that does not need a name; assignments like
/// `password = "x"` / `API_KEY: x` inside the text are recognised too.
pub fn scan_text(text: &str) -> Vec<Detection> {
    engine::scan_bytes(text.as_bytes())
}

/// Like [`scan_text`] for bytes that may not be UTF-8 (offsets are byte offsets).
pub fn scan_bytes(bytes: &[u8]) -> Vec<Detection> {
    engine::scan_bytes(bytes)
}

/// Streams a reader in chunks with overlap (bounded memory for 1 GB files), reporting byte
/// offsets into the whole stream and the 1-based line of each detection.
pub fn scan_reader(r: impl std::io::Read) -> std::io::Result<Vec<(Detection, u64)>> {
    stream::scan_reader(r)
}

/// References are not secrets: ARNs, SSM parameter names/paths, `{{resolve:...}}`,
/// `${ssm:...}`, `${env:...}`, Secrets Manager ids, KMS key ids/aliases, file paths, handler
/// names (`app.handler`), URLs without credentials.
pub fn is_reference(value: &str) -> bool {
    reference::is_reference(value)
}

/// The name says secret: PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, APIKEY, PRIVATE_KEY, JWT,
/// CREDENTIAL, AUTH, ACCESS_KEY, CLIENT_SECRET... Word-aware: `TOKEN_URL`, `SECRET_ARN`,
/// `PASSWORD_PARAM`, `AUTH_TYPE` are not secrets.
pub fn is_sensitive_name(name: &str) -> bool {
    names::is_sensitive_name(name)
}

/// Whether a value is a known placeholder (`changeme`, `<password>`, `${...}`, `xxx`,
/// `example`, `dummy`, `test`, `password`, one repeated character, AWS documentation keys).
pub fn is_placeholder(value: &str) -> bool {
    placeholder::is_placeholder(value.as_bytes())
}

/// A value never printed whole: first 4 characters, `…`, and the length, e.g.
/// `AKIA…(20 chars)`. Short values (< 8 characters) show no characters: `…(5 chars)`.
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    if n < 8 {
        format!("…({n} chars)")
    } else {
        let head: String = secret.chars().take(4).collect();
        format!("{head}…({n} chars)")
    }
}

/// Ids of every detector this crate can report.
pub const DETECTORS: &[&str] = detectors::ALL_IDS;
