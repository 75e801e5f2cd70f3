//! Verification of signed webhook deliveries.
//!
//! Each scheme implements [`Verifier`]:
//! `verify(secret, headers, body, now) -> Result<(), WebhookError>`.
//!
//! | scheme | type | module function (defaults) |
//! |---|---|---|
//! | GitHub `X-Hub-Signature-256` | [`GitHub`] | [`github::verify`] |
//! | Stripe `Stripe-Signature` | [`Stripe`] | [`stripe::verify`] |
//! | Slack `X-Slack-Signature` | [`Slack`] | [`slack::verify`] |
//! | Standard Webhooks / Svix | [`StandardWebhooks`] | [`standard::verify`] |
//! | generic HMAC-SHA256 | [`GenericHmac`] | – |
//!
//! All schemes:
//! - verify the **raw** body bytes (never re-serialised JSON);
//! - check the presented signature's length, then compare it in constant time
//!   (`subtle`); where several signatures are presented every one is compared;
//! - look header names up case-insensitively (via [`http::HeaderMap`]) and
//!   reject a security header that is repeated;
//! - reject timestamps that are too old **or** too far in the future, where the
//!   scheme signs one;
//! - reject an empty secret;
//! - return a [`WebhookError`] whose `Display` never contains the secret, the
//!   expected signature or where a comparison differed.
//!
//! Secrets are taken as `&[u8]`: pass `secret.as_bytes()` for a string secret.
//!
//! ```
//! use std::time::SystemTime;
//! use http::HeaderMap;
//! use lambdasec_runtime::webhook::{github, WebhookError};
//!
//! let mut headers = HeaderMap::new();
//! headers.insert(
//!     "X-Hub-Signature-256",
//!     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
//!         .parse()
//!         .unwrap(),
//! );
//! let secret = "It's a Secret to Everybody";
//! github::verify(secret.as_bytes(), &headers, b"Hello, World!", SystemTime::now()).unwrap();
//! assert_eq!(
//!     github::verify(secret.as_bytes(), &headers, b"Hello, World?", SystemTime::now()),
//!     Err(WebhookError::SignatureMismatch)
//! );
//! ```

use std::time::{Duration, SystemTime};

use http::HeaderMap;

mod common;
mod error;
pub mod generic;
pub mod github;
mod lambda;
pub mod slack;
pub mod standard;
pub mod stripe;

pub use error::WebhookError;
pub use generic::{Encoding, GenericHmac};
pub use github::GitHub;
pub use lambda::verify_function_url_request;
pub use slack::Slack;
pub use standard::StandardWebhooks;
pub use stripe::Stripe;

/// Default replay window (both directions) for timestamped schemes: 300 s.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// A webhook signature scheme.
pub trait Verifier {
    /// Checks that `body`, with `headers`, was signed with `secret`, and (for
    /// timestamped schemes) that the signed timestamp is within the window
    /// around `now`.
    fn verify(
        &self,
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError>;
}

/// Any supported scheme, chosen at run time (for example from configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// GitHub `X-Hub-Signature-256`.
    GitHub(GitHub),
    /// Stripe `Stripe-Signature`.
    Stripe(Stripe),
    /// Slack `X-Slack-Signature`.
    Slack(Slack),
    /// Standard Webhooks / Svix.
    StandardWebhooks(StandardWebhooks),
    /// Generic HMAC-SHA256.
    Generic(GenericHmac),
}

impl Verifier for Scheme {
    fn verify(
        &self,
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        match self {
            Self::GitHub(s) => s.verify(secret, headers, body, now),
            Self::Stripe(s) => s.verify(secret, headers, body, now),
            Self::Slack(s) => s.verify(secret, headers, body, now),
            Self::StandardWebhooks(s) => s.verify(secret, headers, body, now),
            Self::Generic(s) => s.verify(secret, headers, body, now),
        }
    }
}

impl From<GitHub> for Scheme {
    fn from(s: GitHub) -> Self {
        Self::GitHub(s)
    }
}
impl From<Stripe> for Scheme {
    fn from(s: Stripe) -> Self {
        Self::Stripe(s)
    }
}
impl From<Slack> for Scheme {
    fn from(s: Slack) -> Self {
        Self::Slack(s)
    }
}
impl From<StandardWebhooks> for Scheme {
    fn from(s: StandardWebhooks) -> Self {
        Self::StandardWebhooks(s)
    }
}
impl From<GenericHmac> for Scheme {
    fn from(s: GenericHmac) -> Self {
        Self::Generic(s)
    }
}
