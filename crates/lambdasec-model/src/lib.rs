//! The data model every lambdasec source produces and every rule reads.
//!
//! A source (Terraform, CloudFormation, a live account, ...) turns its input into an
//! [`Inventory`] of functions and everything attached to them. Every value carries its
//! [`Location`] and may be [`Value::Unknown`] with a reason: sources never guess, and rules
//! never report an unknown value as a failure.

mod analysis;
mod finding;
mod inventory;
mod package;
mod suppress;
mod value;

pub use analysis::{
    CodeAnalysis, CodeLanguage, FetchCaching, FetchService, LeakKind, LogLeak, SecretFetch,
    Verification,
};
pub use finding::{Checklist, Finding, RuleMeta, Severity, VulnerabilityDetail};
pub use inventory::*;
pub use package::{Advisory, CodeLocation, CodePackages, Ecosystem, Package, PackageVuln};
pub use suppress::parse_suppressions;
pub use value::{name_index, name_key, Doc, Location, Piece, Unknown, Value, ValueList};

/// Lexical path normalisation (`a/./b/../c` → `a/c`), without touching the file system: how
/// every crate decides whether a path stays inside the scanned directory.
pub fn normalize_path(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
