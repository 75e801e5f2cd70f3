//! Scans the code the inventory's functions and layers point at, and records what it finds
//! on the inventory, so that rules (LS204) read results from the model like everything else.

use crate::code::{scan_code, Limits};
use lambdasec_model::{CodeLocation, CodeSecret, Inventory, Location, SourceError};
use std::path::Path;
use std::sync::Arc;

/// Scans every distinct local code path of the inventory once and adds a [`CodeSecret`] per
/// owner (function or layer) and hit. Paths outside `scan_root` are never read; a path that
/// does not exist is recorded in `code_unscanned`, never skipped silently. `scanned` is
/// called once per code location read (for progress displays).
pub fn attach_code_secrets(
    inv: &mut Inventory,
    scan_root: &Path,
    limits: &Limits,
    scanned: &dyn Fn(),
) {
    for loc in inv.code_locations(scan_root) {
        let CodeLocation {
            path,
            rel,
            functions,
            layers,
            ..
        } = &loc;
        if !path.exists() {
            // Usually a build artifact not built yet: recorded, and reported by the CLI.
            inv.code_unscanned.push(loc.describe());
            continue;
        }
        let (hits, messages) = scan_code(path, limits);
        scanned();
        for m in messages {
            inv.errors.push(SourceError {
                file: rel.clone(),
                line: None,
                message: m,
            });
        }
        let is_dir = path.is_dir();
        for h in hits {
            let file: Arc<str> = if is_dir {
                format!("{rel}/{}", h.file).into()
            } else if h.file.is_empty() || path.ends_with(&h.file) {
                rel.clone().into()
            } else {
                format!("{rel}!{}", h.file).into()
            };
            let at = Location::new(file, h.line.min(u64::from(u32::MAX)) as u32, 1);
            let make = |function: Option<usize>, layer: Option<usize>| CodeSecret {
                function,
                layer,
                loc: at.clone(),
                description: h.description.to_string(),
                redacted: h.redacted.clone(),
                placeholder: h.placeholder,
            };
            for &fi in functions {
                inv.code_secrets.push(make(Some(fi), None));
            }
            for &li in layers {
                inv.code_secrets.push(make(None, Some(li)));
            }
        }
    }
}
