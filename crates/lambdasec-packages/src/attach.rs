//! Runs the inventory over the code locations an [`Inventory`] names and matches what it
//! finds against a database, recording both on the inventory, so that rules (LS603) and the
//! SBOM writer read results from the model like everything else.

use crate::inventory::inventory;
use crate::osv::Database;
use lambdasec_archive::Limits;
use lambdasec_model::{CodePackages, Inventory, PackageVuln, SourceError};
use rayon::prelude::*;
use std::path::Path;

/// Inventories every distinct local code location of the functions and layers (in
/// parallel) into `inv.packages`. Locations outside `scan_root` are never read; locations
/// that do not exist are left to the caller's unscanned-code report. Problems reading an
/// archive become errors naming the code location and the entry. `scanned` is called once
/// per code location inventoried, from any thread (for progress displays).
pub fn attach_packages(
    inv: &mut Inventory,
    scan_root: &Path,
    limits: &Limits,
    scanned: &(dyn Fn() + Sync),
) {
    let locations: Vec<_> = inv
        .code_locations(scan_root)
        .into_iter()
        .filter(|l| l.path.exists())
        .collect();
    let results: Vec<_> = locations
        .par_iter()
        .map(|l| {
            let r = (inventory(&l.path, limits), l.path.is_dir());
            scanned();
            r
        })
        .collect();
    for (loc, (found, dir)) in locations.into_iter().zip(results) {
        for (entry, message) in found.problems {
            inv.errors.push(SourceError {
                file: loc.rel.clone(),
                line: None,
                message: if entry.is_empty() {
                    message
                } else {
                    format!("{entry}: {message}")
                },
            });
        }
        inv.packages.push(CodePackages {
            code: loc.rel,
            dir,
            functions: loc.functions,
            layers: loc.layers,
            packages: found.packages,
            notes: found.notes,
        });
    }
}

/// Matches every inventoried package against `db` into `inv.package_vulns`.
pub fn attach_vulns(inv: &mut Inventory, db: &Database) {
    let mut out = Vec::new();
    for (ci, code) in inv.packages.iter().enumerate() {
        for (pi, pkg) in code.packages.iter().enumerate() {
            for advisory in db.matches(pkg) {
                out.push(PackageVuln {
                    code: ci,
                    package: pi,
                    advisory,
                });
            }
        }
    }
    inv.package_vulns = out;
}
