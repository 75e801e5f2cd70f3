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

/// Reads and parses one `.tf` file.
fn load_tf(scan_root: &Path, path: &Path) -> Result<hcl::ParsedFile, SourceError> {
    let rel = relative(scan_root, path);
    let text = hcl::read_text(path, &rel)?;
    hcl::parse(Arc::from(rel.as_str()), text)
}

/// The directories of the local modules a directory calls. Only files that mention
/// `module` are parsed; errors are left for the full load to report.
fn module_calls(scan_root: &Path, dir: &Path, files: &[PathBuf]) -> Vec<PathBuf> {
    let mut m = ModuleDir::new(dir.to_path_buf());
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "tf"))
    {
        let rel = relative(scan_root, f);
        let Ok(text) = hcl::read_text(f, &rel) else {
            continue;
        };
        if !text.contains("module") {
            continue;
        }
        if let Ok(parsed) = hcl::parse(Arc::from(rel.as_str()), text) {
            m.add_file(parsed);
        }
    }
    m.local_module_dirs()
        .into_iter()
        .filter(|c| c != dir)
        .collect()
}

/// Loads one directory completely: configuration, tfvars, errors, suppressions.
fn load_dir(scan_root: &Path, dir: &Path, files: &[PathBuf]) -> ModuleDir {
    let mut m = ModuleDir::new(dir.to_path_buf());
    let mut vars = Vec::new();
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".tf") {
            match load_tf(scan_root, f) {
                Ok(parsed) => m.add_file(parsed),
                Err(e) => m.errors.push(e),
            }
        } else {
            vars.push(f);
        }
    }
    for f in vars {
        let rel = relative(scan_root, f);
        match hcl::read_text(f, &rel) {
            Ok(text) if rel.ends_with(".json") => m.add_tfvars_json(&rel, &text),
            Ok(text) => match hcl::parse(Arc::from(rel.as_str()), text) {
                Ok(parsed) => m.add_tfvars(parsed),
                Err(e) => m.errors.push(e),
            },
            Err(e) => m.errors.push(e),
        }
    }
    m
}

/// Scans Terraform files (absolute paths under `scan_root`): every directory is a module;
/// directories that another scanned directory calls as a local module are evaluated only
/// through their callers, with the callers' inputs.
///
/// Memory stays bounded by the largest module tree, not the repository: a first pass finds
/// the module calls, then each root module is parsed, evaluated and dropped on its own.
pub fn scan_hcl(scan_root: &Path, files: &[PathBuf]) -> Inventory {
    let scan_root = module::normalize(scan_root);
    let mut by_dir: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    // Only configuration and auto-loaded variable files; `prod.tfvars` and friends apply
    // only when named on Terraform's command line.
    for f in files.iter().filter(|f| is_terraform_file(f)) {
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        by_dir.entry(dir).or_default().push(f.clone());
    }
    let mut dirs: Vec<&PathBuf> = by_dir
        .iter()
        .filter(|(_, fs)| fs.iter().any(|f| f.extension().is_some_and(|e| e == "tf")))
        .map(|(d, _)| d)
        .collect();
    dirs.sort();
    let calls: HashMap<&PathBuf, Vec<PathBuf>> = dirs
        .par_iter()
        .map(|d| (*d, module_calls(&scan_root, d, &by_dir[*d])))
        .collect();
    let called: HashSet<&PathBuf> = calls.values().flatten().collect();
    let mut roots: Vec<&PathBuf> = dirs
        .iter()
        .copied()
        .filter(|d| !called.contains(d))
        .collect();
    // Directories reachable only through a cycle of module calls are evaluated on their own.
    let mut reached: HashSet<&PathBuf> = HashSet::new();
    let mut stack: Vec<&PathBuf> = roots.clone();
    while let Some(d) = stack.pop() {
        if reached.insert(d) {
            if let Some(cs) = calls.get(d) {
                stack.extend(
                    cs.iter()
                        .filter_map(|c| by_dir.get_key_value(c).map(|(k, _)| k)),
                );
            }
        }
    }
    roots.extend(dirs.iter().copied().filter(|d| !reached.contains(d)));

    let parts: Vec<Inventory> = roots
        .par_iter()
        .map(|root| {
            // The root and every local module it reaches, parsed for this root only.
            let mut tree: HashMap<PathBuf, ModuleDir> = HashMap::new();
            let mut todo = vec![(*root).clone()];
            while let Some(d) = todo.pop() {
                if tree.contains_key(&d) {
                    continue;
                }
                let Some(fs) = by_dir.get(&d) else { continue };
                let m = load_dir(&scan_root, &d, fs);
                todo.extend(m.local_module_dirs());
                tree.insert(d, m);
            }
            let mut inv = Inventory::default();
            for m in tree.values_mut() {
                inv.errors.append(&mut m.errors);
                inv.suppressions.append(&mut m.suppressions);
            }
            inv.merge(evaluate_root(&tree, &scan_root, &tree[*root]));
            inv
        })
        .collect();
    let mut inv = Inventory {
        files: by_dir.values().map(Vec::len).sum(),
        ..Default::default()
    };
    for p in parts {
        inv.merge(p);
    }
    // A module shared by several roots reports its errors and suppressions once.
    inv.errors.sort();
    inv.errors.dedup();
    inv.suppressions
        .sort_by(|a, b| (&a.file, a.start_line).cmp(&(&b.file, b.start_line)));
    inv.suppressions.dedup();
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
        policy_locs: RefCell::new(HashMap::new()),
        depth: std::cell::Cell::new(0),
    };
    let ctx = ModuleCtx::root(&root, dir);
    ctx.collect();
    drop(ctx);
    let instances = root.instances.into_inner();
    let mut inv = build::Builder::new(&instances, SourceKind::Terraform).build();
    inv.errors.extend(root.errors.into_inner());
    // Addresses are unique only within a root module: name the root when it is not the
    // scanned directory itself.
    let rel_dir = relative(scan_root, &dir.dir);
    if dir.dir != scan_root && !rel_dir.is_empty() {
        inv.prefix_ids(&format!("{rel_dir}/"));
    }
    inv
}
