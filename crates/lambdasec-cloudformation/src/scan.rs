//! One template file → Inventory: read (with limits), parse, recognise the format, transform
//! SAM and Serverless into plain CloudFormation, and build the model.

use crate::load::{self, DocKind};
use lambdasec_model::{Inventory, SourceError};
use std::collections::HashMap;
use std::path::Path;

/// Template files larger than this are reported, not parsed.
pub const MAX_TEMPLATE_BYTES: u64 = 8 * 1024 * 1024;

/// Names a template may have; content decides whether it is one.
pub fn is_candidate(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    [".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// True when the text looks like a template of a format this crate reads.
pub fn sniff(text: &str) -> bool {
    load::maybe_template(text)
}

/// Scans one template. `parameters` override CloudFormation parameter defaults
/// (`--parameter KEY=VALUE`); `env` feeds Serverless `${env:…}` variables.
pub fn scan_text(
    rel: &str,
    text: &str,
    parameters: &HashMap<String, String>,
    env: &HashMap<String, String>,
) -> Inventory {
    let mut inv = Inventory {
        files: 1,
        ..Default::default()
    };
    let (root, warnings) = load::load_with_warnings(rel, text);
    inv.errors.extend(warnings);
    let Some(root) = root else {
        return inv;
    };
    let doc_kind = load::kind(&root);
    let (template, notes) = match doc_kind {
        DocKind::CloudFormation => (root, Vec::new()),
        DocKind::Sam => crate::sam::expand(&root),
        DocKind::Serverless => crate::serverless::to_cloudformation(&root, env),
        DocKind::Other => return Inventory::default(),
    };
    inv.errors
        .extend(notes.into_iter().map(|message| SourceError {
            file: rel.to_string(),
            line: None,
            message,
        }));
    let mut built = crate::build::build(rel, &template, parameters);
    if doc_kind == DocKind::Serverless {
        for f in &mut built.functions {
            f.kind = lambdasec_model::SourceKind::Serverless;
        }
    }
    // Logical ids are unique only within a template: name the template too.
    built.prefix_ids(&format!("{rel}#"));
    inv.merge(built);
    inv.suppressions
        .extend(crate::build::comment_suppressions(rel, text, &template));
    inv.files = 1;
    inv
}

/// Reads and scans one template file (absolute path under `scan_root`).
pub fn scan_file(
    scan_root: &Path,
    path: &Path,
    parameters: &HashMap<String, String>,
    env: &HashMap<String, String>,
) -> Inventory {
    let rel = path
        .strip_prefix(scan_root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let err = |line: Option<u32>, message: String| Inventory {
        files: 1,
        errors: vec![SourceError {
            file: rel.clone(),
            line,
            message,
        }],
        ..Default::default()
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_TEMPLATE_BYTES => {
            return err(
                None,
                format!(
                    "file is {} bytes, over the {} MiB limit for templates; skipped",
                    m.len(),
                    MAX_TEMPLATE_BYTES / (1024 * 1024)
                ),
            )
        }
        Ok(_) => {}
        Err(e) => return err(None, format!("cannot read: {e}")),
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return err(None, format!("cannot read: {e}")),
    };
    match String::from_utf8(bytes) {
        Ok(text) => scan_text(&rel, &text, parameters, env),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..good].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            err(Some(line), format!("invalid UTF-8 at byte {good}"))
        }
    }
}
