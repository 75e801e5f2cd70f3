//! Runtime helpers for Rust AWS Lambda functions.
//!
//! This crate is linked into the Lambda function itself (unlike the other
//! lambdasec crates, which analyse functions from the outside). It is meant to
//! hold small, dependency-light building blocks for handling secrets safely at
//! run time: cached secrets, webhook signature verification and log redaction.
//!
//! Currently available:
//!
//! - [`webhook`]: constant-time verification of signed webhook deliveries
//!   (GitHub, Stripe, Slack, Standard Webhooks / Svix and a configurable
//!   generic HMAC-SHA256 scheme), with replay windows on timestamps and an
//!   adapter for Lambda function URL events.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cache;
pub mod redact;
pub mod webhook;
