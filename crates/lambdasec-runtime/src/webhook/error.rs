use std::fmt;

/// Why a webhook delivery was rejected.
///
/// The `Display` output is safe to log and to return to a caller: it names at
/// most a header, never a header value, the secret, the expected signature or
/// the position at which a comparison failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is absent. Holds the (lower-case) header name.
    MissingHeader(String),
    /// A header is present but cannot be parsed (not UTF-8, repeated, bad
    /// syntax, bad hex/base64, no signature of a supported version). Holds the
    /// header name.
    MalformedHeader(String),
    /// The signed timestamp is older than the tolerance allows (possible replay).
    StaleTimestamp,
    /// The signed timestamp is further in the future than the tolerance allows.
    FutureTimestamp,
    /// No presented signature matches the body.
    SignatureMismatch,
    /// The configured secret is unusable (empty, or a `whsec_` secret whose
    /// base64 part does not decode).
    InvalidSecret,
    /// The event body could not be decoded (e.g. bad base64 in a Lambda event).
    InvalidBody,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "missing webhook header `{name}`"),
            Self::MalformedHeader(name) => write!(f, "malformed webhook header `{name}`"),
            Self::StaleTimestamp => f.write_str("webhook timestamp is too old"),
            Self::FutureTimestamp => f.write_str("webhook timestamp is too far in the future"),
            Self::SignatureMismatch => f.write_str("webhook signature does not match"),
            Self::InvalidSecret => f.write_str("webhook secret is invalid"),
            Self::InvalidBody => f.write_str("webhook body could not be decoded"),
        }
    }
}

impl std::error::Error for WebhookError {}
