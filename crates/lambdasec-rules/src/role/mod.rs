//! LS1xx: the execution role.

pub mod execution_role_shared;
