//! LS7xx: logging and tracing.

pub mod log_group_unmanaged;
pub mod logs_sensitive_data;
pub mod tracing_not_active;
