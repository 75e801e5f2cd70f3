//! JUnit XML and ASFF output: well-formedness, counts, schema validity, stable ids.

mod common;

use lambdasec_report::{fingerprint, render_asff, render_junit};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::Value;
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";
const NOW: &str = "2026-11-25T15:00:00Z";

fn attr(e: &BytesStart, name: &str) -> String {
    let a = e
        .try_get_attribute(name)
        .expect("attribute parses")
        .unwrap_or_else(|| panic!("missing attribute {name}"));
    a.value.into_owned()
}

/// Per element name: how many there are; plus the attributes of every testsuite and
/// testcase. Panics unless the XML is well formed.
struct Parsed {
    elements: BTreeMap<String, usize>,
    suites: Vec<(String, usize, usize, usize, usize)>,
    cases: Vec<(String, String)>,
    root: (usize, usize, usize, usize),
}

fn parse(xml: &str) -> Parsed {
    let mut reader = Reader::from_str(xml);
    let mut p = Parsed {
        elements: BTreeMap::new(),
        suites: Vec::new(),
        cases: Vec::new(),
        root: (0, 0, 0, 0),
    };
    let mut depth = 0i32;
    let mut roots = 0;
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        let e = match &ev {
            Event::Eof => break,
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            Event::Start(e) | Event::Empty(e) => e.clone(),
            _ => continue,
        };
        let name = e.name().as_ref().to_owned();
        if depth == 0 {
            roots += 1;
        }
        if matches!(ev, Event::Start(_)) {
            depth += 1;
        }
        let n = |k: &str| attr(&e, k).parse::<usize>().expect("count");
        match name.as_str() {
            // The schema allows no `skipped` on the root: it is the suites' sum (below).
            "testsuites" => p.root = (n("tests"), n("failures"), n("errors"), 0),
            "testsuite" => p.suites.push((
                attr(&e, "name"),
                n("tests"),
                n("failures"),
                n("errors"),
                n("skipped"),
            )),
            "testcase" => p.cases.push((attr(&e, "classname"), attr(&e, "name"))),
            "failure" | "error" => {
                attr(&e, "message");
                attr(&e, "type");
            }
            _ => {}
        }
        *p.elements.entry(name).or_default() += 1;
    }
    assert_eq!(depth, 0, "unbalanced elements");
    assert_eq!(roots, 1, "exactly one root element");
    p.root.3 = p.suites.iter().map(|s| s.4).sum();
    p
}

#[test]
fn junit_is_well_formed_with_expected_counts() {
    let scan = common::scan();
    let xml = render_junit(&scan.report());
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let p = parse(&xml);
    // 3 functions + 1 suite without function, 7 rules each; 2 errors in "inputs".
    assert_eq!(p.elements["testsuites"], 1);
    assert_eq!(p.elements["testsuite"], 5);
    assert_eq!(p.elements["testcase"], 4 * 7 + 2);
    // api: LS102 (two findings in one testcase), LS303, LS401, LS701, LS802; live: LS701;
    // no function: LS108.
    assert_eq!(p.elements["failure"], 7);
    // api LS201 is only suppressed.
    assert_eq!(p.elements["skipped"], 1);
    assert_eq!(p.elements["error"], 2);
    assert_eq!(p.root, (30, 7, 2, 1));
    let names: Vec<&str> = p.suites.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        [
            common::API,
            common::WORKER,
            common::LIVE,
            "(no function)",
            "inputs"
        ]
    );
    assert_eq!(p.suites[0], (common::API.into(), 7, 5, 0, 1));
    assert_eq!(p.suites[1], (common::WORKER.into(), 7, 0, 0, 0));
    assert_eq!(p.suites[2], (common::LIVE.into(), 7, 1, 0, 0));
    assert_eq!(p.suites[3], ("(no function)".into(), 7, 1, 0, 0));
    assert_eq!(p.suites[4], ("inputs".into(), 2, 0, 2, 0));
    assert_eq!(
        p.cases[0],
        (
            "LS102".into(),
            "LS102 execution-role-service-wildcard".into()
        )
    );
    // Both LS102 findings and their locations are in the one failure.
    assert!(xml.contains("infra/iam.tf:12:5"));
    assert!(xml.contains("infra/iam.tf:20:5"));
    assert!(xml.contains("type=\"high\""));
    assert!(xml.contains("suppressed: test key, rotated"));
}

#[test]
fn junit_is_deterministic_and_escapes() {
    let mut scan = common::scan();
    scan.findings.reverse();
    let a = render_junit(&scan.report());
    scan.findings.reverse();
    assert_eq!(a, render_junit(&scan.report()));

    let mut f = common::finding(
        "LS303",
        "sg.<&\"'>",
        Some("fn<\u{1}>"),
        common::loc("a&b.tf", 1, 1),
    );
    f.message = "bad ]]> <tag> & \"quotes\"\nnext line".into();
    scan.findings.push(f);
    scan.errors[0].message = "<unterminated & \"".into();
    let xml = render_junit(&scan.report());
    let p = parse(&xml);
    assert_eq!(p.elements["testsuite"], 6);
    assert_eq!(p.elements["failure"], 8);
}

#[test]
fn empty_junit_is_well_formed() {
    let scan = common::Scan {
        findings: vec![],
        functions: vec![],
        rules: vec![],
        errors: vec![],
    };
    let p = parse(&render_junit(&scan.report()));
    assert_eq!(p.root, (0, 0, 0, 0));
    assert!(!p.elements.contains_key("testsuite"));
}

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("data/asff.schema.json")).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn schema_errors(instance: &Value) -> Vec<String> {
    validator()
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn asff(scan: &common::Scan) -> Value {
    serde_json::from_str(&render_asff(&scan.report(), ACCOUNT, REGION, NOW)).expect("JSON")
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| f["Id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn asff_validates_against_the_schema() {
    let v = asff(&common::scan());
    let errs = schema_errors(&v);
    assert!(errs.is_empty(), "schema errors:\n{}", errs.join("\n"));
    // The schema rejects what it should.
    let mut bad = v.clone();
    bad[0].as_object_mut().unwrap().remove("Resources");
    bad[1]["Severity"]["Label"] = "SEVERE".into();
    bad[2]["Title"] = "x".repeat(257).into();
    bad[3]["CreatedAt"] = "yesterday".into();
    assert_eq!(schema_errors(&bad).len(), 4);
}

#[test]
fn asff_fields() {
    let scan = common::scan();
    let v = asff(&scan);
    let arr = v.as_array().unwrap();
    // 9 findings, one suppressed.
    assert_eq!(arr.len(), 8);
    for f in arr {
        assert_eq!(f["SchemaVersion"], "2018-10-08");
        assert_eq!(
            f["ProductArn"],
            "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
        );
        assert_eq!(f["AwsAccountId"], ACCOUNT);
        assert_eq!(f["CreatedAt"], NOW);
        assert_eq!(f["UpdatedAt"], NOW);
        assert_eq!(f["Resources"][0]["Partition"], "aws");
        assert_eq!(f["Resources"][0]["Region"], REGION);
        assert_eq!(
            f["Types"][0],
            "Software and Configuration Checks/AWS Security Best Practices"
        );
        assert!(f["Id"].as_str().unwrap().starts_with("lambdasec/"));
    }
    let by_gen = |g: &str, res: &str| {
        arr.iter()
            .find(|f| f["GeneratorId"] == g && f["Resources"][0]["Id"] == res)
            .unwrap_or_else(|| panic!("{g} on {res}"))
    };
    let url = by_gen("lambdasec/LS401", "aws_lambda_function_url.api");
    assert_eq!(url["Severity"]["Label"], "HIGH");
    assert_eq!(url["Severity"]["Original"], "high");
    assert_eq!(url["Title"], "url-auth-none on aws_lambda_function_url.api");
    assert_eq!(
        url["Description"],
        "function URL of orders-api allows unauthenticated calls"
    );
    assert_eq!(url["Resources"][0]["Type"], "Other");
    assert_eq!(url["ProductFields"]["lambdasec/file"], "infra/main.tf");
    assert_eq!(url["ProductFields"]["lambdasec/line"], "34");
    assert!(url["Remediation"]["Recommendation"]["Text"]
        .as_str()
        .unwrap()
        .contains("AWS_IAM"));
    assert_eq!(
        by_gen("lambdasec/LS802", common::API)["Resources"][0]["Type"],
        "AwsLambdaFunction"
    );
    assert_eq!(
        by_gen("lambdasec/LS802", common::API)["Severity"]["Label"],
        "INFORMATIONAL"
    );
    assert_eq!(
        by_gen("lambdasec/LS108", "aws_iam_role.shared")["Resources"][0]["Type"],
        "AwsIamRole"
    );
    let live = by_gen("lambdasec/LS701", common::LIVE);
    assert_eq!(live["Resources"][0]["Type"], "AwsLambdaFunction");
    assert!(live.get("ProductFields").is_none());
}

#[test]
fn asff_types_resource_kinds_and_truncation() {
    let mut scan = common::scan();
    let mut f = common::finding(
        "LS102",
        "arn:aws:iam::123456789012:role/app",
        None,
        common::loc("x.tf", 1, 1),
    );
    f.rule_id = "LS603";
    f.message = "é".repeat(2000);
    f.resource = format!("arn:aws:iam::123456789012:role/{}", "r".repeat(300));
    scan.findings = vec![f];
    let v = asff(&scan);
    let errs = schema_errors(&v);
    assert!(errs.is_empty(), "schema errors:\n{}", errs.join("\n"));
    let f = &v[0];
    assert_eq!(
        f["Types"][0],
        "Software and Configuration Checks/Vulnerabilities/CVE"
    );
    assert_eq!(f["Resources"][0]["Type"], "AwsIamRole");
    assert_eq!(f["Description"].as_str().unwrap().chars().count(), 1024);
    assert_eq!(f["Title"].as_str().unwrap().chars().count(), 256);
}

#[test]
fn asff_ids_are_stable() {
    let scan = common::scan();
    let a = ids(&asff(&scan));
    assert_eq!(a, ids(&asff(&scan)));
    // Only line numbers change: same ids (as a set; order may follow lines).
    let mut moved = common::scan();
    for f in &mut moved.findings {
        f.loc.line += 40;
        f.loc.column += 2;
    }
    let mut b = ids(&asff(&moved));
    let mut a_sorted = a.clone();
    a_sorted.sort();
    b.sort();
    assert_eq!(a_sorted, b);
    // Ids start with the SARIF fingerprint; one fingerprint shared by several findings is
    // told apart by a suffix, so every id is unique.
    for f in scan.findings.iter().filter(|f| f.suppressed.is_none()) {
        let base = format!("lambdasec/{}", fingerprint(f));
        assert!(a.iter().any(|id| id.starts_with(&base)), "{base}");
    }
    let unique: std::collections::BTreeSet<&String> = a.iter().collect();
    assert_eq!(unique.len(), a.len());
}

#[test]
fn asff_exports_no_suppressed_finding_and_no_whole_secret() {
    let scan = common::scan();
    let text = render_asff(&scan.report(), ACCOUNT, REGION, NOW);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["GeneratorId"] != "lambdasec/LS201"));
    assert!(!text.contains("API_KEY"));
    assert!(!text.contains("test key, rotated"));
    let suppressed: Vec<String> = scan
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .map(|f| format!("lambdasec/{}", fingerprint(f)))
        .collect();
    for id in ids(&v) {
        assert!(!suppressed.contains(&id));
    }

    // Unsuppressed, the secret finding is exported with the message as redacted by the rule:
    // only a prefix of the value, never the whole of it.
    let mut open = common::scan();
    for f in &mut open.findings {
        f.suppressed = None;
    }
    let text = render_asff(&open.report(), ACCOUNT, REGION, NOW);
    assert!(text.contains("API_KEY"));
    let after = text.split("sk_l").nth(1).expect("prefix shown");
    assert!(after.starts_with('…'), "secret not redacted: {after:.40}");
    let errs = schema_errors(&serde_json::from_str(&text).unwrap());
    assert!(errs.is_empty(), "schema errors:\n{}", errs.join("\n"));
}

#[test]
fn empty_asff_is_an_empty_array() {
    let scan = common::Scan {
        findings: vec![],
        functions: vec![],
        rules: vec![],
        errors: vec![],
    };
    assert_eq!(asff(&scan), Value::Array(vec![]));
}
