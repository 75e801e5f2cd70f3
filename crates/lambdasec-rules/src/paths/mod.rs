//! LS9xx: attack paths across resources.

pub mod public_and_privileged;
pub mod public_with_secrets;
pub mod webhook_unverified;
