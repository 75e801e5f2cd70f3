//! A configurable HMAC-SHA256 scheme: one header carrying an (optionally
//! prefixed) hex or base64 HMAC-SHA256 of the raw body. No timestamp.

use std::time::SystemTime;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::HeaderMap;

use super::common::{hmac_sha256, malformed, require_header, tag_matches, verify_single_hex};
use super::{Verifier, WebhookError};

/// How the signature is encoded in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hexadecimal (either case).
    Hex,
    /// Standard base64 with padding.
    Base64,
}

/// A generic HMAC-SHA256 scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericHmac {
    /// Header carrying the signature (matched case-insensitively).
    pub header: String,
    /// Encoding of the signature.
    pub encoding: Encoding,
    /// Prefix before the encoded signature, e.g. `sha256=`; required when set.
    pub prefix: Option<String>,
}

impl GenericHmac {
    /// A scheme reading `header`, encoded with `encoding`, with no prefix.
    pub fn new(header: impl Into<String>, encoding: Encoding) -> Self {
        Self {
            header: header.into(),
            encoding,
            prefix: None,
        }
    }

    /// Requires `prefix` (e.g. `sha256=`) before the encoded signature.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }
}

impl Verifier for GenericHmac {
    fn verify(
        &self,
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
        _now: SystemTime,
    ) -> Result<(), WebhookError> {
        let name = self.header.as_str();
        let value = require_header(headers, name)?.trim();
        let encoded = match &self.prefix {
            Some(prefix) => value
                .strip_prefix(prefix.as_str())
                .ok_or_else(|| malformed(name))?,
            None => value,
        };
        let tag = hmac_sha256(secret, &[body])?;
        match self.encoding {
            Encoding::Hex => verify_single_hex(&tag, encoded, name),
            Encoding::Base64 => {
                let candidate = STANDARD.decode(encoded).map_err(|_| malformed(name))?;
                if bool::from(tag_matches(&tag, &candidate)) {
                    Ok(())
                } else {
                    Err(WebhookError::SignatureMismatch)
                }
            }
        }
    }
}
