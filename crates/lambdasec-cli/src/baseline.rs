//! Baselines: the findings accepted at one point in time, so that later scans report only
//! what is new (`--write-baseline FILE`, `--baseline FILE`).
//!
//! A baseline holds, per finding, its fingerprint (`lambdasec_report::fingerprint`: rule,
//! resource, function, file and advisory id, never line numbers) and, for humans reading a
//! diff, the rule id, resource and file. No message, no value: nothing a finding quotes from
//! the scanned configuration (a secret, say) ends up in the file.

use lambdasec_model::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The `schema` of a baseline file.
pub const SCHEMA: &str = "lambdasec-baseline/v1";

#[derive(Serialize, Deserialize)]
struct File {
    schema: String,
    #[serde(default)]
    tool: String,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    fingerprint: String,
    #[serde(default)]
    rule_id: String,
    #[serde(default)]
    resource: String,
    #[serde(default)]
    file: String,
}

/// The baseline text for every non-suppressed finding: sorted, one entry per occurrence.
pub fn render(findings: &[Finding], tool: &str) -> String {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| Entry {
            fingerprint: lambdasec_report::fingerprint(f),
            rule_id: f.rule_id.to_string(),
            resource: f.resource.clone(),
            file: f.loc.file.as_deref().unwrap_or("").to_string(),
        })
        .collect();
    entries.sort();
    let file = File {
        schema: SCHEMA.to_string(),
        tool: tool.to_string(),
        findings: entries,
    };
    serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
}

/// Writes the baseline of `findings` to `path`.
pub fn write(path: &Path, findings: &[Finding], tool: &str) -> Result<(), String> {
    std::fs::write(path, render(findings, tool))
        .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))
}

/// How many times each fingerprint occurs in a baseline.
pub type Counts = HashMap<String, usize>;

/// Parses a baseline; errors name the file and line.
pub fn parse(text: &str, path: &Path) -> Result<Counts, String> {
    let file: File = serde_json::from_str(text).map_err(|e| {
        format!(
            "{}:{}: not a valid lambdasec baseline: {e}",
            path.display(),
            e.line().max(1)
        )
    })?;
    if file.schema != SCHEMA {
        let line = text
            .lines()
            .position(|l| l.contains("\"schema\""))
            .map_or(1, |i| i + 1);
        return Err(format!(
            "{}:{line}: not a lambdasec baseline: schema \"{}\", expected \"{SCHEMA}\"",
            path.display(),
            file.schema
        ));
    }
    let mut counts = Counts::new();
    for e in file.findings {
        if e.fingerprint.is_empty() {
            return Err(format!(
                "{}:1: not a valid lambdasec baseline: empty fingerprint",
                path.display()
            ));
        }
        *counts.entry(e.fingerprint).or_default() += 1;
    }
    Ok(counts)
}

/// Reads a baseline file.
pub fn load(path: &Path) -> Result<Counts, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    parse(&text, path)
}

/// Removes the findings in the baseline, multiset-wise: a fingerprint present k times in the
/// baseline drops only its first k (non-suppressed) occurrences. Returns how many were dropped.
pub fn apply(findings: &mut Vec<Finding>, mut counts: Counts) -> usize {
    let before = findings.len();
    findings.retain(|f| {
        if f.suppressed.is_some() {
            return true;
        }
        match counts.get_mut(&lambdasec_report::fingerprint(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    before - findings.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_other_schemas_and_garbage() {
        let p = Path::new("b.json");
        let e = parse("{\n\"schema\": \"x\", \"findings\": []}", p).unwrap_err();
        assert!(e.starts_with("b.json:2:"), "{e}");
        let e = parse("{\n\n  oops", p).unwrap_err();
        assert!(e.starts_with("b.json:3:"), "{e}");
        let ok = parse(
            r#"{"schema":"lambdasec-baseline/v1","findings":[{"fingerprint":"a"},{"fingerprint":"a"}]}"#,
            p,
        )
        .unwrap();
        assert_eq!(ok.get("a"), Some(&2));
    }
}
