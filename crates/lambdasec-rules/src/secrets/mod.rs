//! LS2xx: secrets.

pub mod env_without_cmk;
