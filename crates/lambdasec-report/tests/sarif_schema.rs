//! The SARIF output validates against the official SARIF 2.1.0 schema
//! (tests/data/sarif-schema-2.1.0.json, see tests/data/PROVENANCE.md).

mod common;

use lambdasec_report::render_sarif;
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let text = include_str!("data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(text).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn sarif(scan: &common::Scan) -> Value {
    serde_json::from_str(&render_sarif(&scan.report())).expect("SARIF is JSON")
}

#[test]
fn sarif_validates_against_the_schema() {
    let v = validator();
    let log = sarif(&common::scan());
    let errs = errors(&v, &log);
    assert!(errs.is_empty(), "schema errors:\n{}", errs.join("\n"));
}

#[test]
fn empty_sarif_validates() {
    let v = validator();
    let scan = common::Scan {
        findings: vec![],
        functions: vec![],
        rules: vec![],
        errors: vec![],
    };
    let errs = errors(&v, &sarif(&scan));
    assert!(errs.is_empty(), "schema errors:\n{}", errs.join("\n"));
}

#[test]
fn odd_paths_and_unknown_rules_validate() {
    let v = validator();
    let mut scan = common::scan();
    let mut f = common::finding(
        "LS108",
        "x",
        None,
        common::loc("dir with space\\a:b#c%.tf", 0, 0),
    );
    f.rule_id = "LS999";
    scan.findings.push(f);
    let log = sarif(&scan);
    let errs = errors(&v, &log);
    assert!(errs.is_empty(), "schema errors:\n{}", errs.join("\n"));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let odd = results.iter().find(|r| r["ruleId"] == "LS999").unwrap();
    let loc = &odd["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "dir%20with%20space/a%3Ab%23c%25.tf"
    );
    assert!(loc.get("region").is_none(), "no region without a line");
    let index = odd["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][index]["id"],
        "LS999"
    );
}

type Breakage = (&'static str, fn(&mut Value));

/// The validation is not vacuous: removing a required property, or giving a property the
/// wrong type, makes it fail.
#[test]
fn schema_rejects_broken_sarif() {
    let v = validator();
    let good = sarif(&common::scan());
    let breakages: [Breakage; 5] = [
        ("no version", |l| {
            l.as_object_mut().unwrap().remove("version");
        }),
        ("no driver name", |l| {
            l["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }),
        ("no result message", |l| {
            l["runs"][0]["results"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("no suppression kind", |l| {
            let results = l["runs"][0]["results"].as_array_mut().unwrap();
            let s = results
                .iter_mut()
                .find(|r| r.get("suppressions").is_some())
                .unwrap();
            s["suppressions"][0].as_object_mut().unwrap().remove("kind");
        }),
        ("line 0", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                Value::from(0);
        }),
    ];
    for (what, breakage) in breakages {
        let mut broken = good.clone();
        breakage(&mut broken);
        assert!(!errors(&v, &broken).is_empty(), "{what}: still validates");
    }
}
