//! Packages inside AWS Lambda deployment packages and layers.
//!
//! - [`inventory`]: every package installed in a function's zip or directory, or a layer's,
//!   in every layout Lambda uses (Python, Node, Java, Ruby, Go and Rust binaries), read
//!   without extracting anything to disk and with limits against hostile archives.
//! - [`osv`]: an offline OSV database (directories of records or `all.zip` exports) and
//!   matching per the OSV schema, with per-ecosystem version ordering ([`version`]).
//! - [`binary`]: the modules recorded in Go and `cargo auditable` Rust binaries.
//! - [`attach`]: both, over the code locations of an inventory, with results recorded on it.
//! - [`sbom`]: a CycloneDX 1.6 SBOM of the inventory, or of one function.

pub mod attach;
pub mod binary;
pub mod inventory;
pub mod osv;
pub mod sbom;
pub mod version;
