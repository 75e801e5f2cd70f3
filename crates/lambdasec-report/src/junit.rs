//! JUnit XML: one `<testsuite>` per function (plus one for findings that belong to no
//! function, and one named `inputs` for inputs that could not be read), one `<testcase>` per
//! function × rule. A testcase fails when the function has non-suppressed findings of the rule,
//! and is skipped when it has only suppressed ones.
//!
//! The output is valid under the JUnit schema of Jenkins' xUnit plugin (`junit-10.xsd`;
//! `tests/junit_xsd.rs` validates it), which Jenkins, GitLab and GitHub test reporters read:
//! every element and attribute used is one that schema defines.

use crate::{sorted_errors, sorted_findings, Report};
use lambdasec_model::Finding;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Name of the testsuite holding findings that belong to no function.
const NO_FUNCTION: &str = "(no function)";

/// Escapes text for XML 1.0 element content and attribute values. Characters XML 1.0 cannot
/// carry (control characters other than tab, newline and carriage return, U+FFFE, U+FFFF) are
/// replaced by U+FFFD; newlines, tabs and carriage returns are written as character references
/// so that they survive attribute-value normalization.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Where a finding is: `file:line:column`, or the resource when it has no file.
fn location(f: &Finding) -> String {
    match &f.loc.file {
        Some(file) => format!("{file}:{}:{}", f.loc.line, f.loc.column),
        None => f.resource.clone(),
    }
}

/// One testcase's worth of findings.
#[derive(Default)]
struct Case<'a> {
    open: Vec<&'a Finding>,
    suppressed: Vec<&'a Finding>,
}

/// Counts of one testsuite: tests, failures, errors, skipped.
#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tests += o.tests;
        self.failures += o.failures;
        self.errors += o.errors;
        self.skipped += o.skipped;
    }
}

fn suite_open(out: &mut String, name: &str, c: Counts) {
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">",
        escape(name),
        c.tests,
        c.failures,
        c.errors,
        c.skipped
    );
}

/// Writes the testcase for one function × rule and returns its counts.
fn testcase(out: &mut String, rule_id: &str, rule_name: &str, case: Option<&Case>) -> Counts {
    let mut c = Counts {
        tests: 1,
        ..Counts::default()
    };
    let name = if rule_name.is_empty() {
        rule_id.to_owned()
    } else {
        format!("{rule_id} {rule_name}")
    };
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
        escape(rule_id),
        escape(&name)
    );
    let empty = Case::default();
    let case = case.unwrap_or(&empty);
    if !case.open.is_empty() {
        c.failures = 1;
        let worst = case
            .open
            .iter()
            .map(|f| f.severity)
            .max()
            .expect("non-empty");
        let message = match case.open.as_slice() {
            [one] => one.message.clone(),
            many => format!("{} findings of {rule_id}", many.len()),
        };
        let mut body = String::new();
        for f in &case.open {
            let _ = writeln!(
                body,
                "[{}] {} at {} ({}): {}",
                f.severity,
                f.rule_id,
                location(f),
                f.resource,
                f.message
            );
            if !f.remediation.is_empty() {
                let _ = writeln!(body, "  fix: {}", f.remediation);
            }
        }
        for f in &case.suppressed {
            let _ = writeln!(
                body,
                "suppressed ({}): {} at {}",
                f.suppressed.as_deref().unwrap_or(""),
                f.rule_id,
                location(f)
            );
        }
        let _ = writeln!(
            out,
            ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
            escape(&message),
            worst,
            escape(&body)
        );
    } else if !case.suppressed.is_empty() {
        c.skipped = 1;
        let reasons: BTreeSet<&str> = case
            .suppressed
            .iter()
            .map(|f| f.suppressed.as_deref().unwrap_or(""))
            .collect();
        let reasons: Vec<&str> = reasons.into_iter().collect();
        let message = format!("suppressed: {}", reasons.join("; "));
        let _ = writeln!(
            out,
            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
            escape(&message)
        );
    } else {
        out.push_str("/>\n");
    }
    c
}

/// The report as JUnit XML, ending with a newline. The output is deterministic: suites follow
/// the scan order of functions (functions only named by findings after them, sorted), then
/// the findings without a function, then `inputs`; testcases follow the order of `r.rules`,
/// then rule ids found only in findings, sorted.
pub fn render_junit(r: &Report) -> String {
    // function (None = no function) -> rule id -> findings
    let mut by_fn: BTreeMap<Option<&str>, BTreeMap<&str, Case>> = BTreeMap::new();
    let mut extra_rules: BTreeMap<&str, &str> = BTreeMap::new();
    let known: BTreeSet<&str> = r.rules.iter().map(|m| m.id).collect();
    for f in sorted_findings(r) {
        let case = by_fn
            .entry(f.function.as_deref())
            .or_default()
            .entry(f.rule_id)
            .or_default();
        if f.suppressed.is_some() {
            case.suppressed.push(f);
        } else {
            case.open.push(f);
        }
        if !known.contains(f.rule_id) {
            extra_rules.entry(f.rule_id).or_insert(f.rule);
        }
    }
    let mut rules: Vec<(&str, &str)> = r.rules.iter().map(|m| (m.id, m.name)).collect();
    rules.extend(extra_rules);

    let mut suites: Vec<Option<&str>> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for func in r.functions {
        if seen.insert(&func.id) {
            suites.push(Some(&func.id));
        }
    }
    for key in by_fn.keys().flatten() {
        if seen.insert(key) {
            suites.push(Some(key));
        }
    }
    if by_fn.contains_key(&None) {
        suites.push(None);
    }

    let mut body = String::new();
    let mut total = Counts::default();
    for suite in suites {
        let cases = by_fn.get(&suite);
        let mut inner = String::new();
        let mut c = Counts::default();
        for (id, name) in &rules {
            c.add(testcase(
                &mut inner,
                id,
                name,
                cases.and_then(|m| m.get(id)),
            ));
        }
        suite_open(&mut body, suite.unwrap_or(NO_FUNCTION), c);
        body.push_str(&inner);
        body.push_str("  </testsuite>\n");
        total.add(c);
    }

    let errors = sorted_errors(r);
    if !errors.is_empty() {
        let c = Counts {
            tests: errors.len(),
            errors: errors.len(),
            ..Counts::default()
        };
        suite_open(&mut body, "inputs", c);
        for e in errors {
            let name = match e.line {
                Some(line) => format!("{}:{line}", e.file),
                None => e.file.clone(),
            };
            let _ = writeln!(
                body,
                "    <testcase classname=\"inputs\" name=\"{}\" time=\"0\">\n      <error message=\"{}\" type=\"input\"/>\n    </testcase>",
                escape(&name),
                escape(&e.message)
            );
        }
        body.push_str("  </testsuite>\n");
        total.add(c);
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // No `skipped` here: the published JUnit schemas (Jenkins xUnit's junit-10.xsd) allow it
    // on `<testsuite>` only, and readers sum the suites' counts anyway.
    let _ = writeln!(
        out,
        "<testsuites name=\"lambdasec\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"0\">",
        total.tests, total.failures, total.errors
    );
    out.push_str(&body);
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\u{FFFD}"
        );
    }
}
