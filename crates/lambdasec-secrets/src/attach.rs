//! Scans the code the inventory's functions and layers point at, and records what it finds
//! on the inventory, so that rules (LS204) read results from the model like everything else.

use crate::code::{scan_code, Limits};
use lambdasec_model::{normalize_path, CodeRef, CodeSecret, Inventory, Location, SourceError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The absolute path a code reference names, when it is known and inside the scan root.
fn resolve(scan_root: &Path, code: &CodeRef) -> Option<PathBuf> {
    let p = Path::new(code.path.as_str()?);
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        scan_root.join(&code.base).join(p)
    };
    let full = normalize_path(&full);
    full.starts_with(scan_root).then_some(full)
}

fn relative(scan_root: &Path, p: &Path) -> String {
    p.strip_prefix(scan_root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Scans every distinct local code path of the inventory once and adds a [`CodeSecret`] per
/// owner (function or layer) and hit. Paths outside `scan_root` are never read; a path that
/// does not exist is recorded in `code_unscanned`, never skipped silently.
pub fn attach_code_secrets(inv: &mut Inventory, scan_root: &Path, limits: &Limits) {
    let scan_root = normalize_path(scan_root);
    // Each distinct path once, with the functions and layers it belongs to.
    let mut owners: BTreeMap<PathBuf, (Vec<usize>, Vec<usize>, Location)> = BTreeMap::new();
    let mut add = |code: &Option<CodeRef>, function: Option<usize>, layer: Option<usize>| {
        let Some(code) = code else { return };
        let Some(p) = resolve(&scan_root, code) else {
            return;
        };
        let entry = owners
            .entry(p)
            .or_insert_with(|| (Vec::new(), Vec::new(), code.path.loc().clone()));
        entry.0.extend(function);
        entry.1.extend(layer);
    };
    for (i, f) in inv.functions.iter().enumerate() {
        add(&f.code, Some(i), None);
    }
    for (i, l) in inv.layers.iter().enumerate() {
        add(&l.code, None, Some(i));
    }
    for (path, (functions, layers, declared)) in owners {
        let rel = relative(&scan_root, &path);
        if !path.exists() {
            // Usually a build artifact not built yet: recorded, and reported by the CLI.
            let at = declared.file.as_deref().map_or(String::new(), |f| {
                format!(" (named at {f}:{})", declared.line)
            });
            inv.code_unscanned.push(format!("{rel}{at}"));
            continue;
        }
        let (hits, messages) = scan_code(&path, limits);
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
            let loc = Location::new(file, h.line.min(u64::from(u32::MAX)) as u32, 1);
            let make = |function: Option<usize>, layer: Option<usize>| CodeSecret {
                function,
                layer,
                loc: loc.clone(),
                description: h.description.to_string(),
                redacted: h.redacted.clone(),
                placeholder: h.placeholder,
            };
            for &fi in &functions {
                inv.code_secrets.push(make(Some(fi), None));
            }
            for &li in &layers {
                inv.code_secrets.push(make(None, Some(li)));
            }
        }
    }
}
