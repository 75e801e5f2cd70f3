//! The live AWS account source of lambdasec.
//!
//! - [`snapshot`]: what was collected from an account, as stable JSON
//!   (`lambdasec-snapshot/v1`), with environment values withheld unless asked for;
//! - [`build`]: a snapshot into the model, so rules run on live accounts exactly as on code;
//! - `collect` (feature `live`, on by default): the collector on the AWS SDK for Rust.
//!
//! The AWS SDK is compiled into this crate only.

pub mod build;
#[cfg(feature = "live")]
pub mod code;
#[cfg(feature = "live")]
pub mod collect;
pub mod snapshot;
