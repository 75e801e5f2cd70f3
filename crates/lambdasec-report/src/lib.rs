//! Report formats for lambdasec findings: text for terminals, the stable `lambdasec/v1` JSON,
//! SARIF 2.1.0, JUnit XML, ASFF and a self-contained HTML page; plus the per-function score.
//!
//! Reports only format: they never filter findings (suppressed ones are counted, and listed
//! as suppressed where the format allows) and never decide the exit code.

use lambdasec_model::{Finding, Location, RuleMeta, Severity, SourceError, SourceKind};
use std::cmp::Ordering;

mod asff;
mod html;
mod json;
mod junit;
mod sarif;
mod score;
mod text;

pub use asff::render_asff;
pub use html::{render_html, OVERALL_SCORE_DOC};
pub use json::render_json;
pub use junit::render_junit;
pub use sarif::{fingerprint, render_sarif};
pub use score::{grade, penalty, score_functions, FunctionScore, SCORE_DOC};
pub use text::render_text;

/// A function that was scanned, whether or not it has findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionEntry {
    /// The function's id: resource address, logical id or ARN (what `Finding::function` holds).
    pub id: String,
    /// Where the function is defined.
    pub loc: Location,
    /// The input format the function was read from (the HTML report's "source" filter).
    pub kind: SourceKind,
}

/// Everything a report shows about one scan.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub tool_version: &'a str,
    /// All findings, suppressed ones included, in any order.
    pub findings: &'a [Finding],
    /// Every function scanned, in scan order.
    pub functions: &'a [FunctionEntry],
    /// Every rule known (rule metadata for SARIF).
    pub rules: &'a [RuleMeta],
    /// Inputs that could not be read or parsed.
    pub errors: &'a [SourceError],
    /// Number of files read.
    pub files: usize,
}

/// Index of a severity in `[critical, high, medium, low, info]` order.
pub(crate) fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

/// The canonical order of findings: by file (findings without a file last), line, column,
/// rule id, then resource, function and message so that the order is total.
pub(crate) fn cmp_findings(a: &Finding, b: &Finding) -> Ordering {
    (a.loc.file.is_none(), &a.loc.file)
        .cmp(&(b.loc.file.is_none(), &b.loc.file))
        .then(a.loc.line.cmp(&b.loc.line))
        .then(a.loc.column.cmp(&b.loc.column))
        .then(a.rule_id.cmp(b.rule_id))
        .then_with(|| a.resource.cmp(&b.resource))
        .then_with(|| a.function.cmp(&b.function))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.suppressed.cmp(&b.suppressed))
}

/// All findings of the report in canonical order.
pub(crate) fn sorted_findings<'a>(r: &Report<'a>) -> Vec<&'a Finding> {
    let mut v: Vec<&Finding> = r.findings.iter().collect();
    v.sort_by(|a, b| cmp_findings(a, b));
    v
}

/// Errors in a deterministic order (sources may report them in any order).
pub(crate) fn sorted_errors<'a>(r: &Report<'a>) -> Vec<&'a SourceError> {
    let mut v: Vec<&SourceError> = r.errors.iter().collect();
    v.sort();
    v
}

/// Counts of non-suppressed findings by severity (critical..info) and of suppressed findings.
pub(crate) fn totals(r: &Report) -> ([usize; 5], usize) {
    let mut counts = [0usize; 5];
    let mut suppressed = 0;
    for f in r.findings {
        if f.suppressed.is_some() {
            suppressed += 1;
        } else {
            counts[severity_index(f.severity)] += 1;
        }
    }
    (counts, suppressed)
}
