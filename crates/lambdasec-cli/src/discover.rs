//! Finding the inputs under a path: by content where names are not enough.

use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;
use lambdasec_model::SourceError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The inputs found under one scanned path.
#[derive(Default)]
pub struct Inputs {
    /// Absolute directory that reported paths are relative to.
    pub root: PathBuf,
    pub terraform: Vec<PathBuf>,
    pub plans: Vec<PathBuf>,
    /// CloudFormation, SAM, CDK output and Serverless Framework templates.
    pub templates: Vec<PathBuf>,
    /// Account snapshots written by `lambdasec collect`.
    pub snapshots: Vec<PathBuf>,
    pub errors: Vec<SourceError>,
}

/// Directories never descended into.
fn skipped_dir(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if matches!(name, ".git" | "node_modules" | ".terraform") {
        return true;
    }
    name.starts_with("asset.")
        && path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|p| p == "cdk.out")
}

/// How much of a JSON file is read to recognise a plan.
const SNIFF_BYTES: u64 = 64 * 1024;

fn classify(path: &Path, inputs: &mut Inputs) {
    if lambdasec_terraform::is_terraform_file(path) {
        inputs.terraform.push(path.to_path_buf());
        return;
    }
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let is_template = lambdasec_cloudformation::scan::is_candidate(path);
    if !is_json && !is_template {
        return;
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(SNIFF_BYTES).read_to_end(&mut head));
    if read.is_err() {
        return;
    }
    let head = String::from_utf8_lossy(&head);
    // A plan that is broken further down is still a plan: scanning it reports the error.
    let looks_like_plan = head.contains("\"format_version\"")
        && (head.contains("\"planned_values\"") || head.contains("\"terraform_version\""));
    if is_json && lambdasec_aws::snapshot::Snapshot::is_snapshot(&head) {
        inputs.snapshots.push(path.to_path_buf());
    } else if is_json && (looks_like_plan || lambdasec_terraform::plan::is_plan_json(&head)) {
        inputs.plans.push(path.to_path_buf());
    } else if is_template && lambdasec_cloudformation::scan::sniff(&head) {
        inputs.templates.push(path.to_path_buf());
    }
}

/// Walks `path` (a file or directory), honouring `.gitignore` and the exclude patterns.
pub fn discover(path: &Path, exclude: &[String]) -> Result<Inputs, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let abs = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let abs = lambdasec_terraform::module::normalize(&abs);
    let mut inputs = Inputs::default();
    if meta.is_file() {
        inputs.root = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        classify(&abs, &mut inputs);
        return Ok(inputs);
    }
    inputs.root = abs.clone();
    let mut overrides = OverrideBuilder::new(&abs);
    for pattern in exclude {
        overrides
            .add(&format!("!{pattern}"))
            .map_err(|e| format!("invalid exclude pattern \"{pattern}\": {e}"))?;
    }
    let overrides = overrides.build().map_err(|e| e.to_string())?;
    let walker = WalkBuilder::new(&abs)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .overrides(overrides)
        .filter_entry(|e| !(e.file_type().is_some_and(|t| t.is_dir()) && skipped_dir(e.path())))
        .build();
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => files.push(e.into_path()),
            Ok(_) => {}
            Err(err) => inputs.errors.push(SourceError {
                file: ".".into(),
                line: None,
                message: format!("cannot read part of the tree: {err}"),
            }),
        }
    }
    files.sort();
    for f in files {
        classify(&f, &mut inputs);
    }
    Ok(inputs)
}
