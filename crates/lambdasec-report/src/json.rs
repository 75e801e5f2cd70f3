//! The stable JSON report, schema `lambdasec/v1` (see DESIGN.md, "The JSON report").

use crate::{score_functions, sorted_errors, sorted_findings, totals, Report};
use lambdasec_model::{Finding, VulnerabilityDetail};
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    schema: &'static str,
    tool: Tool<'a>,
    findings: Vec<JsonFinding<'a>>,
    functions: Vec<JsonFunction>,
    errors: Vec<JsonError<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    resource: &'a str,
    function: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: u32,
    column: u32,
    remediation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Suppressed<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vulnerability: Option<&'a VulnerabilityDetail>,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonFunction {
    function: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    line: u32,
    score: u8,
    grade: String,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
    suppressed: usize,
    files: usize,
    functions: usize,
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule_id: f.rule_id,
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        resource: &f.resource,
        function: f.function.as_deref(),
        file: f.loc.file.as_deref(),
        line: f.loc.line,
        column: f.loc.column,
        remediation: &f.remediation,
        suppressed: f.suppressed.as_deref().map(|reason| Suppressed { reason }),
        vulnerability: f.vulnerability.as_deref(),
    }
}

/// The report as pretty-printed `lambdasec/v1` JSON, ending with a newline.
pub fn render_json(r: &Report) -> String {
    let (counts, suppressed) = totals(r);
    let doc = Doc {
        schema: "lambdasec/v1",
        tool: Tool {
            name: "lambdasec",
            version: r.tool_version,
        },
        findings: sorted_findings(r).into_iter().map(finding).collect(),
        functions: score_functions(r)
            .into_iter()
            .map(|s| JsonFunction {
                function: s.function,
                file: s.file,
                line: s.line,
                score: s.score,
                grade: s.grade.to_string(),
            })
            .collect(),
        errors: sorted_errors(r)
            .into_iter()
            .map(|e| JsonError {
                file: &e.file,
                line: e.line,
                message: &e.message,
            })
            .collect(),
        summary: Summary {
            critical: counts[0],
            high: counts[1],
            medium: counts[2],
            low: counts[3],
            info: counts[4],
            suppressed,
            files: r.files,
            functions: r.functions.len(),
        },
    };
    // Serializing plain structs of strings and integers cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON report serializes");
    out.push('\n');
    out
}
