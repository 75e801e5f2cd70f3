//! SARIF 2.1.0, built with the `serde-sarif` types.

use crate::{sorted_errors, sorted_findings, Report};
use lambdasec_model::{Finding, RuleMeta, Severity};
use serde_json::Value;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool,
    ToolComponent,
};
use std::collections::{BTreeMap, HashMap};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT_KEY: &str = "lambdasec/v1";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_str(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

/// GitHub code scanning's `security-severity` for each severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// FNV-1a, 64 bits: a stable hash (std's hasher is randomised per process).
pub(crate) fn fnv1a64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // A separator that cannot occur in the parts keeps ("ab","c") != ("a","bc").
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The fingerprint hash of a finding: rule, resource, function and file, never line numbers,
/// so it survives edits that move the resource; for a vulnerable package also the advisory
/// (one package file can carry several).
pub fn fingerprint(f: &Finding) -> String {
    let mut parts = vec![
        f.rule_id,
        &f.resource,
        f.function.as_deref().unwrap_or(""),
        f.loc.file.as_deref().unwrap_or(""),
    ];
    if let Some(v) = &f.vulnerability {
        parts.push(&v.id);
    }
    format!("{:016x}", fnv1a64(&parts))
}

/// A relative file path as a URI reference: forward slashes, and every byte outside the
/// unreserved set (and `/`) percent-encoded.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical_location(file: &str, line: u32, column: u32) -> PhysicalLocation {
    let artifact = ArtifactLocation::builder()
        .uri(file_uri(file))
        .uri_base_id(SRCROOT)
        .build();
    if line == 0 {
        return PhysicalLocation::builder()
            .artifact_location(artifact)
            .build();
    }
    let region = if column > 0 {
        Region::builder()
            .start_line(i64::from(line))
            .start_column(i64::from(column))
            .build()
    } else {
        Region::builder().start_line(i64::from(line)).build()
    };
    PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build()
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn descriptor(rule: &RuleMeta) -> ReportingDescriptor {
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_owned(),
        Value::from(security_severity(rule.severity)),
    );
    ReportingDescriptor::builder()
        .id(rule.id)
        .name(rule.name)
        .short_description(text(rule.summary))
        .full_description(text(format!(
            "{}. Fix: {}",
            rule.summary.trim_end_matches('.'),
            rule.remediation
        )))
        .help(
            MultiformatMessageString::builder()
                .text(rule.doc)
                .markdown(rule.doc)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(level_str(rule.severity))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(vec![
                    "security".to_owned(),
                    rule.checklist.title().to_owned(),
                ])
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// A descriptor for a rule id that no `RuleMeta` describes, so every result has a rule.
fn bare_descriptor(f: &Finding) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(f.rule_id)
        .name(f.rule)
        .default_configuration(
            ReportingConfiguration::builder()
                .level(level_str(f.severity))
                .build(),
        )
        .build()
}

fn result(f: &Finding, rule_index: usize, fingerprint: String) -> SarifResult {
    let logical = LogicalLocation::builder()
        .name(f.resource.as_str())
        .fully_qualified_name(f.resource.as_str())
        .kind("resource")
        .build();
    let location = match &f.loc.file {
        Some(file) => Location::builder()
            .physical_location(physical_location(file, f.loc.line, f.loc.column))
            .logical_locations(vec![logical])
            .build(),
        None => Location::builder().logical_locations(vec![logical]).build(),
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_owned(), fingerprint);

    let mut props = BTreeMap::new();
    props.insert("severity".to_owned(), Value::from(f.severity.as_str()));
    props.insert("resource".to_owned(), Value::from(f.resource.as_str()));
    if let Some(function) = &f.function {
        props.insert("function".to_owned(), Value::from(function.as_str()));
    }
    props.insert(
        "remediation".to_owned(),
        Value::from(f.remediation.as_str()),
    );
    if let Some(v) = &f.vulnerability {
        if let Ok(json) = serde_json::to_value(v) {
            props.insert("vulnerability".to_owned(), json);
        }
    }
    let properties = PropertyBag::builder().additional_properties(props).build();

    let base = SarifResult::builder()
        .rule_id(f.rule_id)
        .rule_index(rule_index as i64)
        .level(level(f.severity))
        .message(Message::builder().text(f.message.as_str()).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(properties);
    match &f.suppressed {
        Some(reason) => base
            .suppressions(vec![Suppression::builder()
                .kind("inSource")
                .justification(reason.as_str())
                .build()])
            .build(),
        None => base.build(),
    }
}

fn notification(e: &lambdasec_model::SourceError) -> Notification {
    let location = Location::builder()
        .physical_location(physical_location(&e.file, e.line.unwrap_or(0), 0))
        .build();
    Notification::builder()
        .level("error")
        .message(Message::builder().text(e.message.as_str()).build())
        .locations(vec![location])
        .build()
}

/// The report as a SARIF 2.1.0 log with one run, pretty-printed, ending with a newline.
pub fn render_sarif(r: &Report) -> String {
    let mut rules: Vec<ReportingDescriptor> = r.rules.iter().map(descriptor).collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, rule) in r.rules.iter().enumerate() {
        index.entry(rule.id).or_insert(i);
    }

    let findings = sorted_findings(r);
    let mut results = Vec::with_capacity(findings.len());
    // Findings with the same hash (one rule, resource, function and file, e.g. two statements
    // of one policy) are told apart by their occurrence number, in file order, as GitHub does
    // for its own line hashes: `<hash>:1`, `<hash>:2`, ...
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    for f in findings {
        let hash = fingerprint(f);
        let n = occurrences.entry(hash.clone()).or_insert(0);
        *n += 1;
        let fingerprint = format!("{hash}:{n}");
        let i = match index.get(f.rule_id) {
            Some(&i) => i,
            None => {
                rules.push(bare_descriptor(f));
                index.insert(f.rule_id, rules.len() - 1);
                rules.len() - 1
            }
        };
        results.push(result(f, i, fingerprint));
    }

    let notifications: Vec<Notification> = sorted_errors(r).into_iter().map(notification).collect();
    let invocation = if notifications.is_empty() {
        Invocation::builder().execution_successful(true).build()
    } else {
        Invocation::builder()
            .execution_successful(true)
            .tool_execution_notifications(notifications)
            .build()
    };

    let driver = ToolComponent::builder()
        .name("lambdasec")
        .version(r.tool_version)
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA_URI)
        .version("2.1.0")
        .runs(vec![run])
        .build();
    // The SARIF types hold only strings, numbers and JSON values: serializing cannot fail.
    let value = serde_json::to_value(&log).expect("SARIF log serializes");
    // serde-sarif orders fields alphabetically; put `$schema` and `version` first.
    let value = match value {
        Value::Object(mut map) => {
            let mut top = serde_json::Map::new();
            for key in ["$schema", "version", "runs"] {
                if let Some(v) = map.remove(key) {
                    top.insert(key.to_owned(), v);
                }
            }
            top.extend(map);
            Value::Object(top)
        }
        other => other,
    };
    let mut out = serde_json::to_string_pretty(&value).expect("SARIF log serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&["foobar"]), 0x8594_4171_f739_67e8);
        assert_ne!(fnv1a64(&["ab", "c"]), fnv1a64(&["a", "bc"]));
    }

    #[test]
    fn file_uris_are_relative_references() {
        assert_eq!(file_uri("infra/main.tf"), "infra/main.tf");
        assert_eq!(file_uri("infra\\main.tf"), "infra/main.tf");
        assert_eq!(file_uri("a b/c:d.tf"), "a%20b/c%3Ad.tf");
        assert_eq!(file_uri("é.tf"), "%C3%A9.tf");
    }
}
