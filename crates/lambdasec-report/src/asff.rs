//! AWS Security Finding Format (ASFF) for Security Hub `BatchImportFindings`: a JSON array
//! with one finding per non-suppressed lambdasec finding, carrying every required top-level
//! ASFF attribute.

use crate::{fingerprint, sorted_findings, Report};
use lambdasec_model::{Finding, Severity};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Maximum lengths Security Hub accepts.
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;
const RECOMMENDATION_MAX: usize = 512;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffFinding<'a> {
    schema_version: &'static str,
    id: String,
    product_arn: &'a str,
    generator_id: String,
    aws_account_id: &'a str,
    types: [&'static str; 1],
    created_at: &'a str,
    updated_at: &'a str,
    severity: AsffSeverity,
    title: String,
    description: String,
    remediation: Remediation,
    resources: [Resource<'a>; 1],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    product_fields: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffSeverity {
    label: &'static str,
    original: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Remediation {
    recommendation: Recommendation,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Recommendation {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Resource<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: &'a str,
    partition: &'static str,
    region: &'a str,
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFORMATIONAL",
    }
}

/// At most `max` characters of `s`, cut on a character boundary and ending with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `s` unless it is blank (ASFF text fields must contain a non-space character).
fn non_blank(s: &str, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_owned()
    } else {
        s.to_owned()
    }
}

/// The ASFF resource type of a finding's resource.
fn resource_type(f: &Finding) -> &'static str {
    let id = f.resource.as_str();
    if id.contains(":function:") || f.function.as_deref() == Some(id) {
        "AwsLambdaFunction"
    } else if id.contains(":role/")
        || id.starts_with("aws_iam_role.")
        || id.contains("AWS::IAM::Role")
    {
        "AwsIamRole"
    } else {
        "Other"
    }
}

fn types(f: &Finding) -> [&'static str; 1] {
    if f.rule_id == "LS603" {
        ["Software and Configuration Checks/Vulnerabilities/CVE"]
    } else {
        ["Software and Configuration Checks/AWS Security Best Practices"]
    }
}

/// The report as an ASFF JSON array (pretty-printed, ending with a newline) for Security Hub
/// `BatchImportFindings`: one finding per non-suppressed finding, in canonical order.
/// `now_rfc3339` is used for `CreatedAt` and `UpdatedAt`. Ids are `lambdasec/{fingerprint}`
/// (plus a hash of the message when one fingerprint covers several findings), unique within
/// the report and stable across runs and line moves.
pub fn render_asff(r: &Report, account: &str, region: &str, now_rfc3339: &str) -> String {
    let product_arn = format!("arn:aws:securityhub:{region}:{account}:product/{account}/default");
    let exported: Vec<&Finding> = sorted_findings(r)
        .into_iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    // A fingerprint shared by several findings (one rule on several statements of one
    // policy) is told apart by the message, then by occurrence: Security Hub would merge
    // findings with one id.
    let mut count: HashMap<String, usize> = HashMap::new();
    for f in &exported {
        *count.entry(fingerprint(f)).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let ids: Vec<String> = exported
        .iter()
        .map(|f| {
            let fp = fingerprint(f);
            let base = if count[&fp] > 1 {
                format!(
                    "lambdasec/{fp}-{:08x}",
                    crate::sarif::fnv1a64(&[&f.message]) as u32
                )
            } else {
                format!("lambdasec/{fp}")
            };
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            if *n > 1 {
                format!("{base}-{n}")
            } else {
                base
            }
        })
        .collect();
    let findings: Vec<AsffFinding> = exported
        .into_iter()
        .zip(ids)
        .map(|(f, id)| {
            let title = if f.rule.is_empty() {
                format!("{} on {}", f.rule_id, f.resource)
            } else {
                format!("{} on {}", f.rule, f.resource)
            };
            let mut product_fields = BTreeMap::new();
            if let Some(file) = &f.loc.file {
                product_fields.insert("lambdasec/file", file.to_string());
                product_fields.insert("lambdasec/line", f.loc.line.to_string());
            }
            AsffFinding {
                schema_version: "2018-10-08",
                id,
                product_arn: &product_arn,
                generator_id: format!("lambdasec/{}", f.rule_id),
                aws_account_id: account,
                types: types(f),
                created_at: now_rfc3339,
                updated_at: now_rfc3339,
                severity: AsffSeverity {
                    label: label(f.severity),
                    original: f.severity.as_str(),
                },
                title: truncate(&title, TITLE_MAX),
                description: truncate(&non_blank(&f.message, &title), DESCRIPTION_MAX),
                remediation: Remediation {
                    recommendation: Recommendation {
                        text: truncate(
                            &non_blank(&f.remediation, "See the lambdasec rule documentation."),
                            RECOMMENDATION_MAX,
                        ),
                    },
                },
                resources: [Resource {
                    kind: resource_type(f),
                    id: &f.resource,
                    partition: "aws",
                    region,
                }],
                product_fields,
            }
        })
        .collect();
    // Serializing plain structs of strings cannot fail.
    let mut out = serde_json::to_string_pretty(&findings).expect("ASFF serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("ééééé", 3), "éé…");
        assert_eq!(truncate("ééééé", 3).chars().count(), 3);
    }
}
