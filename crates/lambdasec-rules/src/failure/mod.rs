//! LS8xx: failure handling.

pub mod async_failure_unhandled;
pub mod concurrency_unreserved;
