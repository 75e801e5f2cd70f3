//! Terraform source for lambdasec.
//!
//! Reads Terraform configurations (HCL, with variables, tfvars, locals, references between
//! resources, `count`/`for_each`, local modules and the common built-in functions) and
//! `terraform show -json` plan files, and turns them into a [`lambdasec_model::Inventory`].
//! Whatever cannot be resolved becomes an unknown value; nothing is guessed.

pub mod computed;
pub mod eval;
pub mod value;

pub use value::{ResourceObj, TfValue, UnknownVal};
