//! Terraform source for lambdasec.
//!
//! Reads Terraform configurations (HCL, with variables, tfvars, locals, references between
//! resources, `count`/`for_each`, dynamic blocks, local modules and the common built-in
//! functions) and `terraform show -json` plan files, and turns them into a
//! [`lambdasec_model::Inventory`]. Whatever cannot be resolved becomes an unknown value;
//! nothing is guessed.

pub mod build;
pub mod computed;
pub mod eval;
pub mod funcs;
pub mod hcl;
pub mod module;
pub mod plan;
pub mod policydoc;
pub mod value;

use lambdasec_model::{Inventory, SourceError, SourceKind};
use module::{ModuleCtx, ModuleDir, RootCtx};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use value::{ResourceObj, TfValue, UnknownVal};

/// Is this a Terraform input file (configuration or variables) by name?
pub fn is_terraform_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tf") || is_auto_tfvars(name)
}

fn is_auto_tfvars(name: &str) -> bool {
    matches!(name, "terraform.tfvars" | "terraform.tfvars.json")
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Path of `path` relative to `root`, with forward slashes.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        s
    }
}

enum Loaded {
    Tf(hcl::ParsedFile),
    Tfvars(hcl::ParsedFile),
    TfvarsJson(String, String),
}

/// Scans Terraform files (absolute paths under `scan_root`): every directory is a module;
/// directories that another scanned directory calls as a local module are evaluated only
/// through their callers, with the callers' inputs.
pub fn scan_hcl(scan_root: &Path, files: &[PathBuf]) -> Inventory {
    let loaded: Vec<(PathBuf, Result<Loaded, SourceError>)> = files
        .par_iter()
        .map(|p| {
            let rel = relative(scan_root, p);
            let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let res = hcl::read_text(p, &rel).and_then(|text| {
                if name.ends_with(".json") {
                    Ok(Loaded::TfvarsJson(rel.clone(), text))
                } else {
                    let parsed = hcl::parse(Arc::from(rel.as_str()), text)?;
                    Ok(if name.ends_with(".tf") {
                        Loaded::Tf(parsed)
                    } else {
                        Loaded::Tfvars(parsed)
                    })
                }
            });
            (dir, res)
        })
        .collect();

    let mut inv = Inventory {
        files: files.len(),
        ..Default::default()
    };
    let mut dirs: HashMap<PathBuf, ModuleDir> = HashMap::new();
    let mut vars: Vec<(PathBuf, Loaded)> = Vec::new();
    for (dir, res) in loaded {
        match res {
            Ok(Loaded::Tf(f)) => dirs
                .entry(dir.clone())
                .or_insert_with(|| ModuleDir::new(dir))
                .add_file(f),
            Ok(other) => vars.push((dir, other)),
            Err(e) => inv.errors.push(e),
        }
    }
    for (dir, v) in vars {
        let Some(m) = dirs.get_mut(&dir) else {
            continue;
        };
        match v {
            Loaded::Tfvars(f) => m.add_tfvars(f),
            Loaded::TfvarsJson(rel, text) => m.add_tfvars_json(&rel, &text),
            Loaded::Tf(_) => {}
        }
    }
    for m in dirs.values_mut() {
        inv.errors.append(&mut m.errors);
        inv.suppressions.append(&mut m.suppressions);
    }
    let called: HashSet<PathBuf> = dirs
        .iter()
        .flat_map(|(d, m)| m.local_module_dirs().into_iter().filter(move |c| c != d))
        .collect();
    let mut roots: Vec<&PathBuf> = dirs.keys().filter(|d| !called.contains(*d)).collect();
    if roots.is_empty() {
        // Every directory calls another in a loop: evaluate each on its own.
        roots = dirs.keys().collect();
    }
    roots.sort();
    let root_abs = module::normalize(scan_root);
    let parts: Vec<Inventory> = roots
        .par_iter()
        .map(|d| evaluate_root(&dirs, &root_abs, &dirs[*d]))
        .collect();
    for p in parts {
        inv.merge(p);
    }
    inv
}

fn evaluate_root(
    dirs: &HashMap<PathBuf, ModuleDir>,
    scan_root: &Path,
    dir: &ModuleDir,
) -> Inventory {
    let root = RootCtx {
        dirs,
        scan_root: scan_root.to_path_buf(),
        errors: RefCell::new(Vec::new()),
        instances: RefCell::new(Vec::new()),
    };
    let ctx = ModuleCtx::root(&root, dir);
    ctx.collect();
    drop(ctx);
    let instances = root.instances.into_inner();
    let mut inv = build::Builder::new(&instances, SourceKind::Terraform).build();
    inv.errors.extend(root.errors.into_inner());
    inv
}
