//! `.lambdasec.toml`.

use lambdasec_model::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration file. Unknown keys are errors, so a typo never silently disables a check.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub fail_on: Option<String>,
    pub min_severity: Option<String>,
    #[serde(default)]
    pub only: Vec<String>,
    #[serde(default)]
    pub skip: Vec<String>,
    /// Your own AWS account ids.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Accounts whose Lambda layers you trust.
    #[serde(default)]
    pub allowed_layer_accounts: Vec<String>,
    #[serde(default)]
    pub require_log_kms: bool,
    /// Glob patterns (gitignore syntax) of paths not to scan.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Severity overrides by rule ID or name.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// OSV database path(s) for LS603, relative to this file's directory.
    #[serde(default)]
    pub osv_db: OneOrMany,
    /// Baseline file (see `--baseline`), relative to this file's directory.
    pub baseline: Option<String>,
    /// The directory of the configuration file.
    #[serde(skip)]
    pub base: PathBuf,
}

/// A string or a list of strings.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Config {
    /// The OSV database paths, resolved against the configuration file's directory.
    pub fn osv_db_paths(&self) -> Vec<PathBuf> {
        let list: Vec<&String> = match &self.osv_db {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v.iter().collect(),
        };
        list.into_iter().map(|s| self.base.join(s)).collect()
    }
}

impl Config {
    /// The baseline path, resolved against the configuration file's directory.
    pub fn baseline_path(&self) -> Option<PathBuf> {
        self.baseline.as_ref().map(|s| self.base.join(s))
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut cfg: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(l) => format!("{}:{l}: {}", path.display(), e.message()),
                None => format!("{}: {}", path.display(), e.message()),
            }
        })?;
        for (rule, sev) in &cfg.severity {
            sev.parse::<Severity>()
                .map_err(|e| format!("{}: [severity] {rule}: {e}", path.display()))?;
        }
        for a in cfg.accounts.iter().chain(&cfg.allowed_layer_accounts) {
            if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "{}: \"{a}\" is not a 12-digit AWS account id",
                    path.display()
                ));
            }
        }
        cfg.base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(cfg)
    }
}
