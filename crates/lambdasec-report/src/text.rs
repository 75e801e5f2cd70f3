//! The text report, for humans in a terminal.

use crate::score::{by_function, score_of};
use crate::{cmp_findings, severity_index, sorted_errors, totals, Report};
use lambdasec_model::{Finding, Severity};
use std::collections::HashSet;
use std::fmt::Write;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";

fn severity_style(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "\x1b[1;31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => "\x1b[2m",
    }
}

/// Input-derived text with control characters (terminal escapes, newlines) made visible, so
/// a scanned file cannot rewrite the terminal or forge report lines.
fn clean(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_finding(out: &mut String, f: &Finding, color: bool) {
    let label = format!("{:<8}", f.severity.as_str());
    let label = if color {
        format!("{}{label}{RESET}", severity_style(f.severity))
    } else {
        label
    };
    let at = if f.loc.file.is_some() {
        clean(&f.loc.to_string())
    } else {
        clean(&f.resource)
    };
    let _ = writeln!(
        out,
        "  {label}  {} {}  {at}  {}",
        f.rule_id,
        f.rule,
        clean(&f.message)
    );
    let _ = writeln!(out, "  {:8}  fix: {}", "", clean(&f.remediation));
}

fn write_group(out: &mut String, header: &str, mut findings: Vec<&Finding>, color: bool) {
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| cmp_findings(a, b)));
    if color {
        let _ = writeln!(out, "{BOLD}{header}{RESET}");
    } else {
        let _ = writeln!(out, "{header}");
    }
    for f in findings {
        write_finding(out, f, color);
    }
    out.push('\n');
}

fn function_header(id: &str, file: Option<&str>, line: u32, findings: &[&Finding]) -> String {
    let (score, grade, _) = score_of(findings.iter().copied());
    let mut h = clean(id);
    match file {
        Some(file) if line > 0 => {
            let _ = write!(h, "  {}:{line}", clean(file));
        }
        Some(file) => {
            let _ = write!(h, "  {}", clean(file));
        }
        None => {}
    }
    let _ = write!(h, "  score {score}/100 ({grade})");
    h
}

/// The report as text: findings grouped by function, most severe first, then errors and a
/// summary line. `color` adds ANSI colours to severity labels and headers.
pub fn render_text(r: &Report, color: bool) -> String {
    let mut out = String::new();
    let groups = by_function(r);
    let active = |id: &str| -> Vec<&Finding> {
        groups
            .get(id)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|f| f.suppressed.is_none())
                    .collect()
            })
            .unwrap_or_default()
    };

    // Functions in scan order.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut clean_functions = 0usize;
    for entry in r.functions {
        if !seen.insert(entry.id.as_str()) {
            continue;
        }
        let findings = active(&entry.id);
        if findings.is_empty() {
            clean_functions += 1;
            continue;
        }
        let header = function_header(
            &entry.id,
            entry.loc.file.as_deref(),
            entry.loc.line,
            &findings,
        );
        write_group(&mut out, &header, findings, color);
    }

    // Functions named by findings but absent from the scanned list, by id.
    let mut unlisted: Vec<&str> = groups
        .keys()
        .copied()
        .filter(|id| !seen.contains(id))
        .collect();
    unlisted.sort_unstable();
    for id in unlisted {
        let findings = active(id);
        if !findings.is_empty() {
            let header = function_header(id, None, 0, &findings);
            write_group(&mut out, &header, findings, color);
        }
    }

    // Findings with no function.
    let other: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.function.is_none() && f.suppressed.is_none())
        .collect();
    if !other.is_empty() {
        write_group(&mut out, "other resources", other, color);
    }

    if clean_functions > 0 {
        let _ = writeln!(
            out,
            "{} with no findings\n",
            plural(clean_functions, "function", "functions")
        );
    }

    let errors = sorted_errors(r);
    if !errors.is_empty() {
        if color {
            let _ = writeln!(out, "{BOLD}errors{RESET}");
        } else {
            let _ = writeln!(out, "errors");
        }
        for e in errors {
            match e.line {
                Some(line) => {
                    let _ = writeln!(out, "  {}:{line}: {}", clean(&e.file), clean(&e.message));
                }
                None => {
                    let _ = writeln!(out, "  {}: {}", clean(&e.file), clean(&e.message));
                }
            }
        }
        out.push('\n');
    }

    let (counts, suppressed) = totals(r);
    let total: usize = counts.iter().sum();
    let _ = writeln!(
        out,
        "{} ({} critical, {} high, {} medium, {} low, {} info), {} suppressed, {}, {}",
        plural(total, "finding", "findings"),
        counts[severity_index(Severity::Critical)],
        counts[severity_index(Severity::High)],
        counts[severity_index(Severity::Medium)],
        counts[severity_index(Severity::Low)],
        counts[severity_index(Severity::Info)],
        suppressed,
        plural(r.functions.len(), "function", "functions"),
        plural(r.files, "file", "files"),
    );
    out
}
