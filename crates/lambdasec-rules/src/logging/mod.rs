//! LS7xx: logging and tracing.

pub mod log_group_unmanaged;
pub mod tracing_not_active;
