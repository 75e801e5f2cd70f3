//! The JUnit report validated against a published JUnit XML schema: Jenkins xUnit's
//! `junit-10.xsd`, in the two versions stored under `tests/data/junit` (see SOURCES.md there),
//! with the `xmlschema` package of the test venv (`.venv`, created by `scripts/test`).
//!
//! Every document is written to a file and all are validated by one Python run.

mod common;

use lambdasec_model::{Finding, Location, SourceError};
use lambdasec_report::render_junit;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMAS: [&str; 2] = [
    "tests/data/junit/jenkins-junit-10-0c37522.xsd",
    "tests/data/junit/jenkins-junit-10-031e285.xsd",
];

/// For every document and schema, prints one JSON line: [schema, document, [errors]]. A
/// document that is not well-formed XML gets its parse error as its one error.
const VALIDATE: &str = r#"
import json, sys, xmlschema
n = int(sys.argv[1])
schemas = [(p, xmlschema.XMLSchema(p)) for p in sys.argv[2:2 + n]]
for doc in sys.argv[2 + n:]:
    for path, schema in schemas:
        try:
            errors = ["%s: %s" % (e.path, e.reason) for e in schema.iter_errors(doc)]
        except Exception as e:
            errors = ["%s: %s" % (type(e).__name__, e)]
        print(json.dumps([path, doc, errors]))
"#;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> PathBuf {
    let p = repo().join(".venv/bin/python");
    assert!(
        p.exists(),
        "{} not found: run scripts/test (it creates .venv with xmlschema from scripts/test-requirements.txt)",
        p.display()
    );
    p
}

/// Validates every document against every schema; returns, per document name, the errors
/// of each schema (schema file name, errors).
/// Per schema file name, the errors it found.
type PerSchema = Vec<(String, Vec<String>)>;

fn validate(docs: &[(&str, String)]) -> Vec<(String, PerSchema)> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("junit_xsd");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, xml) in docs {
        let p = dir.join(format!("{name}.xml"));
        std::fs::write(&p, xml).unwrap();
        files.push(p);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(python())
        .arg("-c")
        .arg(VALIDATE)
        .arg(SCHEMAS.len().to_string())
        .args(SCHEMAS.iter().map(|s| manifest.join(s)))
        .args(&files)
        .output()
        .expect("run the venv's python");
    assert!(
        out.status.success(),
        "validation did not run (is xmlschema installed? run scripts/test): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), docs.len() * SCHEMAS.len());
    docs.iter()
        .zip(&files)
        .map(|((name, _), file)| {
            let per_schema = lines
                .iter()
                .filter(|l| Path::new(l[1].as_str().unwrap()) == file)
                .map(|l| {
                    let schema = Path::new(l[0].as_str().unwrap())
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    let errors = l[2]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e.as_str().unwrap().to_owned())
                        .collect();
                    (schema, errors)
                })
                .collect::<Vec<_>>();
            assert_eq!(per_schema.len(), SCHEMAS.len(), "{name}");
            (name.to_string(), per_schema)
        })
        .collect()
}

fn empty() -> common::Scan {
    common::Scan {
        findings: vec![],
        functions: vec![],
        rules: vec![],
        errors: vec![],
    }
}

/// Text no XML-minded code would want to see: markup, quotes, a CDATA end, every C0 control
/// character, the two non-characters XML forbids, line and paragraph separators, CRLF, tabs,
/// right-to-left text, combining marks and characters outside the BMP.
fn hostile(tag: &str) -> String {
    let controls: String = (0u32..0x20).filter_map(char::from_u32).collect();
    format!(
        "{tag} <b>&amp; \"q\" 'a' ]]> {controls} \u{7f}\u{85}\u{FFFE}\u{FFFF} \u{2028}\u{2029} \
         é日本語 עברית e\u{301} 🔥𝄞 \r\nline\tend"
    )
}

fn hostile_finding(rule_id: &'static str, function: Option<&str>, file: &str) -> Finding {
    let mut f = common::finding(
        rule_id,
        &hostile("resource"),
        function,
        common::loc(file, 7, 3),
    );
    f.message = hostile("message");
    f.remediation = hostile("fix");
    f
}

/// The reports validated: (name, JUnit XML).
fn reports() -> Vec<(&'static str, String)> {
    let mut docs = Vec::new();

    // Functions with and without findings, findings without a function, a function known only
    // from a live account (no file), a suppressed finding, unreadable inputs.
    let scan = common::scan();
    docs.push(("common", render_junit(&scan.report())));

    // Hostile text everywhere a string reaches the XML, a rule only the findings know (its
    // name hostile too), a suppressed finding with a hostile reason next to open ones.
    let mut scan = common::scan();
    let fname = hostile("function");
    let mut entry = scan.functions[0].clone();
    entry.id = fname.clone();
    entry.loc = common::loc("dir with space/ü&<>.tf", 1, 1);
    scan.functions.push(entry);
    scan.findings.push(hostile_finding(
        "LS303",
        Some(&fname),
        "dir with space/ü&<>.tf",
    ));
    let mut unknown = hostile_finding("LS401", Some(&fname), "x.yaml");
    unknown.rule_id = "LS999";
    unknown.rule = "rule-\"<&>'-日本";
    scan.findings.push(unknown);
    let mut suppressed = hostile_finding("LS201", Some(&fname), "x.yaml");
    suppressed.suppressed = Some(hostile("reason"));
    scan.findings.push(suppressed);
    scan.findings.push(hostile_finding("LS108", None, "iam.tf"));
    let mut live = hostile_finding("LS701", Some(common::LIVE), "");
    live.loc = Location::none();
    scan.findings.push(live);
    scan.errors.push(SourceError {
        file: hostile("file"),
        line: Some(u32::MAX),
        message: hostile("error"),
    });
    docs.push(("hostile", render_junit(&scan.report())));

    // Only suppressed findings: skipped testcases and no failure at all.
    let mut scan = common::scan();
    scan.errors.clear();
    for f in &mut scan.findings {
        f.suppressed = Some(format!("accepted: {}", f.rule_id));
    }
    docs.push(("suppressed-only", render_junit(&scan.report())));

    // Functions and rules but nothing found: every testcase passes.
    let mut scan = common::scan();
    scan.findings.clear();
    scan.errors.clear();
    docs.push(("clean", render_junit(&scan.report())));

    // Findings without any function, and no function scanned.
    let mut scan = common::scan();
    scan.functions.clear();
    scan.errors.clear();
    for f in &mut scan.findings {
        f.function = None;
    }
    docs.push(("no-functions", render_junit(&scan.report())));

    // Unreadable inputs only.
    let mut scan = empty();
    scan.errors = common::scan().errors;
    scan.errors.push(SourceError {
        file: "bad\u{0}name.tf".into(),
        line: Some(1),
        message: "nesting deeper than 64 levels\u{1b}[0m".into(),
    });
    docs.push(("errors-only", render_junit(&scan.report())));

    // Nothing at all.
    docs.push(("empty", render_junit(&empty().report())));
    docs
}

/// Documents the schemas must reject, each made from a valid report by one change.
fn invalid(valid: &str) -> Vec<(&'static str, String)> {
    vec![
        // What junit.rs used to write: `skipped` on the root element.
        (
            "invalid-root-skipped",
            valid.replacen("<testsuites name=", "<testsuites skipped=\"1\" name=", 1),
        ),
        // A testcase without its required name.
        (
            "invalid-testcase-without-name",
            valid.replacen(
                "<testcase classname=\"LS102\" name=",
                "<testcase classname=\"LS102\" title=",
                1,
            ),
        ),
        // A failure directly in a suite.
        (
            "invalid-failure-in-suite",
            valid.replacen("<testcase ", "<failure message=\"x\"/>\n    <testcase ", 1),
        ),
    ]
}

#[test]
fn junit_reports_are_valid_under_the_published_schema_and_invalid_ones_are_not() {
    let docs = reports();
    let common = docs[0].1.clone();
    let bad = invalid(&common);
    for (name, xml) in &bad {
        assert_ne!(xml, &common, "{name}: the change did not apply");
    }
    let mut all = docs.clone();
    all.extend(bad.iter().cloned());
    let results = validate(&all);

    let mut problems = Vec::new();
    for (name, per_schema) in &results {
        let should_fail = name.starts_with("invalid-");
        for (schema, errors) in per_schema {
            if should_fail && errors.is_empty() {
                problems.push(format!("{name}: {schema} accepted an invalid document"));
            }
            if !should_fail && !errors.is_empty() {
                problems.push(format!("{name}: {schema}:\n  {}", errors.join("\n  ")));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The checks above saw the hostile text: it reached the XML, escaped where it must be.
    let hostile = &docs[1].1;
    assert!(hostile.contains("é日本語"));
    assert!(hostile.contains("🔥𝄞"));
    assert!(hostile.contains("&lt;b&gt;&amp;amp; &quot;q&quot; &apos;a&apos; ]]&gt;"));
    assert!(hostile.contains("LS999 rule-&quot;&lt;&amp;&gt;&apos;-日本"));
    assert!(!hostile.contains('\u{1}'));
    assert!(!hostile.contains('\u{FFFE}'));
}

#[test]
fn junit_attributes_ci_servers_read() {
    let xml = render_junit(&common::scan().report());
    // Jenkins, GitLab and GitHub test reporters read these; keep them.
    assert!(xml.contains(
        "<testsuites name=\"lambdasec\" tests=\"30\" failures=\"7\" errors=\"2\" time=\"0\">"
    ));
    assert!(xml.contains(
        "<testsuite name=\"aws_lambda_function.api\" tests=\"7\" failures=\"5\" errors=\"0\" skipped=\"1\" time=\"0\">"
    ));
    assert!(xml.contains(
        "<testcase classname=\"LS401\" name=\"LS401 url-auth-none\" time=\"0\">\n      <failure message=\"function URL of orders-api allows unauthenticated calls\" type=\"high\">"
    ));
    assert!(xml.contains("<skipped message=\"suppressed: test key, rotated\"/>"));
    assert!(xml.contains(
        "<testcase classname=\"inputs\" name=\"broken.tf:3\" time=\"0\">\n      <error message=\"expected &apos;}&apos;\" type=\"input\"/>"
    ));
}
