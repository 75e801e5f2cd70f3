//! What the SARIF output says, beyond schema validity.

mod common;

use common::{loc, API};
use lambdasec_report::render_sarif;
use serde_json::Value;

fn sarif(scan: &common::Scan) -> Value {
    serde_json::from_str(&render_sarif(&scan.report())).expect("SARIF is JSON")
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn fingerprints(log: &Value) -> Vec<String> {
    results(log)
        .iter()
        .map(|r| {
            r["partialFingerprints"]["lambdasec/v1"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn fingerprints_ignore_lines_but_not_identity() {
    let base = sarif(&common::scan());
    let fps = fingerprints(&base);
    let unique: std::collections::HashSet<&String> = fps.iter().collect();
    assert_eq!(
        unique.len(),
        fps.len(),
        "every result has its own fingerprint"
    );
    assert!(fps.iter().all(|fp| {
        let (hash, n) = fp.split_once(':').unwrap();
        hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) && n.parse::<u32>().is_ok()
    }));

    // Moving every finding down 10 lines changes no fingerprint.
    let mut moved = common::scan();
    for f in &mut moved.findings {
        if f.loc.line > 0 {
            f.loc.line += 10;
        }
    }
    assert_eq!(fingerprints(&sarif(&moved)), fps);

    // Another resource, function or file does.
    for change in 0..3 {
        let mut other = common::scan();
        let f = &mut other.findings[1]; // LS401 on aws_lambda_function_url.api
        match change {
            0 => f.resource = "aws_lambda_function_url.other".into(),
            1 => f.function = Some("aws_lambda_function.other".into()),
            _ => f.loc = loc("infra/other.tf", 34, 1),
        }
        let log = sarif(&other);
        let changed = fingerprints(&log);
        let ls401 = results(&log)
            .iter()
            .position(|r| r["ruleId"] == "LS401")
            .unwrap();
        assert!(
            !fps.contains(&changed[ls401]),
            "change {change} kept the fingerprint"
        );
    }
}

#[test]
fn rules_carry_metadata() {
    let log = sarif(&common::scan());
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "lambdasec");
    assert_eq!(driver["version"], "0.1.0");
    assert!(
        driver.get("informationUri").is_none(),
        "no invented project URL"
    );
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), common::rules().len());
    let levels: Vec<(&str, &str, &str)> = rules
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["defaultConfiguration"]["level"].as_str().unwrap(),
                r["properties"]["security-severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        vec![
            ("LS102", "error", "8.0"),
            ("LS108", "note", "3.0"),
            ("LS201", "error", "9.5"),
            ("LS303", "warning", "5.5"),
            ("LS401", "error", "8.0"),
            ("LS701", "note", "3.0"),
            ("LS802", "note", "1.0"),
        ]
    );
    let ls401 = &rules[4];
    assert_eq!(ls401["name"], "url-auth-none");
    assert_eq!(ls401["help"]["markdown"], common::rules()[4].doc);
    assert_eq!(
        ls401["properties"]["tags"],
        serde_json::json!(["security", "function URLs use AWS_IAM auth"])
    );
    for r in results(&log) {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn suppressed_findings_are_results_with_a_suppression() {
    let log = sarif(&common::scan());
    let suppressed: Vec<&Value> = results(&log)
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "LS201");
    assert_eq!(
        suppressed[0]["suppressions"],
        serde_json::json!([{"justification": "test key, rotated", "kind": "inSource"}])
    );
}

#[test]
fn live_results_have_only_a_logical_location() {
    let log = sarif(&common::scan());
    let live = results(&log)
        .iter()
        .find(|r| r["properties"]["function"] == common::LIVE)
        .unwrap();
    let location = &live["locations"][0];
    assert!(location.get("physicalLocation").is_none());
    assert_eq!(location["logicalLocations"][0]["name"], common::LIVE);

    let api = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "LS401")
        .unwrap();
    let physical = &api["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "infra/main.tf");
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        physical["region"],
        serde_json::json!({"startColumn": 1, "startLine": 34})
    );
    assert_eq!(api["properties"]["function"], API);
}

#[test]
fn errors_become_tool_execution_notifications() {
    let log = sarif(&common::scan());
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["message"]["text"], "expected '}'");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert!(notes[1]["locations"][0]["physicalLocation"]
        .get("region")
        .is_none());
}
