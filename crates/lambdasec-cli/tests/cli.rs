//! End-to-end tests of the `lambdasec` binary.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lambdasec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdasec"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run lambdasec")
}

fn json_scan(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["scan", "--format", "json", "--today", "2026-11-25"];
    all.extend_from_slice(args);
    let out = lambdasec(&all);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap_or(-1))
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings array")
}

/// The rules the insecure example is built to break: every rule of issues #2 and #3 except
/// LS101 (an admin role would report only LS101, hiding the finer LS1xx findings), and the
/// code rules of issue #10 (its handler, `src/app.py` in every format, logs the whole event,
/// reads the Stripe key on every request and checks no signature on its public URL).
const EXAMPLE_RULES: [&str; 35] = [
    "LS102", "LS103", "LS104", "LS105", "LS106", "LS107", "LS108", "LS109", "LS110", "LS203",
    "LS205", "LS301", "LS302", "LS303", "LS304", "LS401", "LS402", "LS403", "LS501", "LS502",
    "LS503", "LS504", "LS505", "LS601", "LS602", "LS604", "LS605", "LS606", "LS701", "LS702",
    "LS703", "LS801", "LS802", "LS901", "LS903",
];

#[test]
fn insecure_example_breaks_every_rule_at_the_right_place() {
    let (v, code) = json_scan(&["examples/terraform/insecure"]);
    assert_eq!(code, 1);
    let ids: BTreeSet<&str> = findings(&v)
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    let want: BTreeSet<&str> = EXAMPLE_RULES.into_iter().collect();
    assert_eq!(ids, want);
    let at: BTreeSet<(String, String, u64)> = findings(&v)
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    for (rule, file, line) in [
        ("LS401", "api.tf", 42),
        ("LS402", "api.tf", 46),
        ("LS501", "api.tf", 63),
        ("LS505", "api.tf", 56),
        ("LS303", "network.tf", 15),
        ("LS304", "network.tf", 23),
        ("LS302", "api.tf", 24),
        ("LS604", "api.tf", 8),
        ("LS601", "api.tf", 12),
        ("LS502", "modules/worker/main.tf", 25),
        ("LS605", "modules/worker/main.tf", 16),
        ("LS702", "api.tf", 36),
        ("LS104", "policies/dynamodb.json", 16),
        ("LS107", "policies/dynamodb.json", 10),
        ("LS109", "iam.tf", 11),
        ("LS901", "api.tf", 5),
        ("LS903", "src/app.py", 20),
        ("LS703", "src/app.py", 22),
        ("LS205", "src/app.py", 23),
    ] {
        assert!(
            at.contains(&(rule.to_string(), file.to_string(), line)),
            "{rule} expected at {file}:{line}; got {at:?}"
        );
    }
    // Every finding names its resource and points at a line.
    for f in findings(&v) {
        assert!(f["line"].as_u64().unwrap() > 0, "{f}");
        assert!(!f["resource"].as_str().unwrap().is_empty(), "{f}");
        assert!(!f["remediation"].as_str().unwrap().is_empty(), "{f}");
    }
}

#[test]
fn secure_example_reports_nothing() {
    let (v, code) = json_scan(&["examples/terraform/secure"]);
    assert_eq!(findings(&v).len(), 0, "{:#}", v["findings"]);
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["functions"], 1);
    assert_eq!(v["functions"][0]["score"], 100);
    assert_eq!(v["functions"][0]["grade"], "A");
}

#[test]
fn json_report_follows_the_schema() {
    let (v, _) = json_scan(&["examples/terraform/insecure"]);
    assert_eq!(v["schema"], "lambdasec/v1");
    assert_eq!(v["tool"]["name"], "lambdasec");
    for key in [
        "rule_id",
        "rule",
        "severity",
        "message",
        "resource",
        "function",
        "file",
        "line",
        "column",
        "remediation",
    ] {
        assert!(findings(&v)[0].get(key).is_some(), "finding lacks {key}");
    }
    for key in [
        "critical",
        "high",
        "medium",
        "low",
        "info",
        "files",
        "functions",
    ] {
        assert!(v["summary"].get(key).is_some(), "summary lacks {key}");
    }
    let f = &v["functions"][0];
    for key in ["function", "file", "line", "score", "grade"] {
        assert!(f.get(key).is_some(), "function entry lacks {key}");
    }
}

#[test]
fn sarif_output_is_sarif() {
    let out = lambdasec(&[
        "scan",
        "examples/terraform/insecure",
        "--format",
        "sarif",
        "--today",
        "2026-11-25",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results[0]["partialFingerprints"].is_object());
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        lambdasec_rule_count()
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = "examples/terraform/insecure";
    let code = |args: &[&str]| {
        let mut all = vec![
            "scan",
            dir,
            "--today",
            "2026-11-25",
            "--output",
            "/dev/null",
        ];
        all.extend_from_slice(args);
        lambdasec(&all).status.code()
    };
    assert_eq!(code(&[]), Some(1));
    assert_eq!(code(&["--fail-on", "critical"]), Some(1));
    assert_eq!(code(&["--fail-on", "none"]), Some(0));
    assert_eq!(code(&["--only", "LS802", "--fail-on", "low"]), Some(0));
    assert_eq!(code(&["--only", "LS802", "--fail-on", "info"]), Some(1));
    assert_eq!(code(&["--fail-on", "bogus"]), Some(2));
    assert_eq!(code(&["--only", "LS999"]), Some(2));
    assert_eq!(lambdasec(&["scan", "no/such/path"]).status.code(), Some(2));
}

#[test]
fn only_skip_and_min_severity() {
    let (v, _) = json_scan(&[
        "examples/terraform/insecure",
        "--only",
        "LS401,url-cors-wildcard",
    ]);
    let ids: BTreeSet<&str> = findings(&v)
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from(["LS401", "LS403"]));
    let (v, _) = json_scan(&[
        "examples/terraform/insecure",
        "--skip",
        "LS802",
        "--min-severity",
        "medium",
    ]);
    assert!(findings(&v).iter().all(|f| {
        let s = f["severity"].as_str().unwrap();
        s == "medium" || s == "high" || s == "critical"
    }));
}

#[test]
fn config_file_overrides_severity_and_rejects_typos() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  runtime = \"python3.13\"\n  handler = \"a.b\"\n  role = \"arn:aws:iam::111122223333:role/r\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".lambdasec.toml"),
        "skip = [\"LS606\"]\n[severity]\nLS301 = \"high\"\n",
    )
    .unwrap();
    let p = dir.path().to_str().unwrap();
    let (v, code) = json_scan(&[p]);
    assert_eq!(code, 1, "LS301 raised to high fails the scan");
    let ls301 = findings(&v)
        .iter()
        .find(|f| f["rule_id"] == "LS301")
        .unwrap();
    assert_eq!(ls301["severity"], "high");
    assert!(findings(&v).iter().all(|f| f["rule_id"] != "LS606"));

    std::fs::write(dir.path().join(".lambdasec.toml"), "\nfail_onn = \"low\"\n").unwrap();
    let out = lambdasec(&["scan", p]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".lambdasec.toml:2"), "{err}");
    assert!(err.contains("fail_onn"), "{err}");
}

#[test]
fn suppressed_findings_stay_in_json_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "# lambdasec:ignore LS401 Stripe webhook, signature verified in the handler\nresource \"aws_lambda_function_url\" \"u\" {\n  function_name = \"hook\"\n  authorization_type = \"NONE\"\n}\n",
    )
    .unwrap();
    let (v, code) = json_scan(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "suppressed findings do not fail the scan");
    let f = &findings(&v)[0];
    assert_eq!(f["rule_id"], "LS401");
    assert_eq!(
        f["suppressed"]["reason"],
        "Stripe webhook, signature verified in the handler"
    );
    assert_eq!(v["summary"]["high"], 0);
}

/// Bad inputs become error entries with file and line; the rest of the scan goes on.
#[test]
fn malformed_inputs_are_errors_and_the_scan_continues() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("good.tf"),
        "resource \"aws_lambda_function_url\" \"u\" {\n  function_name = \"f\"\n  authorization_type = \"NONE\"\n}\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("truncated")).unwrap();
    std::fs::write(
        d.join("truncated/main.tf"),
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  runtime = ",
    )
    .unwrap();
    std::fs::create_dir(d.join("utf8")).unwrap();
    std::fs::write(
        d.join("utf8/main.tf"),
        b"locals {\n  a = \"ok\"\n  b = \"\xff\xfe\"\n}\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("huge")).unwrap();
    let mut big = String::with_capacity(50 * 1024 * 1024 + 64);
    while big.len() < 50 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(d.join("huge/main.tf"), big).unwrap();
    std::fs::create_dir(d.join("deep")).unwrap();
    let depth = 500;
    let nested = format!("{}{}", "a {\n".repeat(depth), "}\n".repeat(depth));
    std::fs::write(d.join("deep/main.tf"), nested).unwrap();
    std::fs::create_dir(d.join("deepexpr")).unwrap();
    let expr = format!("x = {}1{}\n", "[".repeat(5000), "]".repeat(5000));
    std::fs::write(d.join("deepexpr/main.tf"), expr).unwrap();
    std::fs::create_dir(d.join("cycle")).unwrap();
    std::fs::write(
        d.join("cycle/main.tf"),
        "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_lambda_function\" \"f\" {\n  function_name = local.a\n  runtime = \"python3.13\"\n  handler = \"a.b\"\n  role = \"arn:aws:iam::111122223333:role/r\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("plan.json"),
        "{\"format_version\": \"1.2\", \"planned_values\": {\n  \"root_module\": [\n",
    )
    .unwrap();

    let (v, code) = json_scan(&[d.to_str().unwrap()]);
    assert_eq!(code, 1, "the good file's finding still fails the scan");
    let errors = v["errors"].as_array().unwrap();
    let by_file = |f: &str| {
        errors
            .iter()
            .find(|e| e["file"] == f)
            .unwrap_or_else(|| panic!("no error for {f}: {errors:#?}"))
    };
    assert!(by_file("truncated/main.tf")["line"].as_u64().unwrap() >= 3);
    assert_eq!(by_file("utf8/main.tf")["line"], 3);
    assert!(by_file("huge/main.tf")["message"]
        .as_str()
        .unwrap()
        .contains("limit"));
    assert!(by_file("deep/main.tf")["line"].as_u64().is_some());
    assert!(by_file("deepexpr/main.tf")["line"].as_u64().is_some());
    assert!(by_file("cycle/main.tf")["message"]
        .as_str()
        .unwrap()
        .contains("cycle"));
    assert!(by_file("plan.json")["line"].as_u64().is_some());
    assert!(findings(&v)
        .iter()
        .any(|f| f["rule_id"] == "LS401" && f["file"] == "good.tf"));
    // The function whose name is in a cycle is still checked.
    assert!(findings(&v)
        .iter()
        .any(|f| f["rule_id"] == "LS701" && f["file"] == "cycle/main.tf"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_lambda_function_url\" \"u\" {\n  function_name = \"f\"\n  authorization_type = \"NONE\"\n}\n",
    )
    .unwrap();
    let (v, _) = json_scan(&[dir.path().to_str().unwrap()]);
    assert_eq!(findings(&v).len(), 1);
}

#[test]
fn explain_and_rules() {
    let out = lambdasec(&["explain", "LS401"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "What it does",
        "Why is this bad",
        "Example",
        "Fix",
        "url-auth-none",
    ] {
        assert!(text.contains(part), "explain lacks {part}:\n{text}");
    }
    assert_eq!(lambdasec(&["explain", "LS999"]).status.code(), Some(2));
    let out = lambdasec(&["rules"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        lambdasec_rule_count()
    );
    let out = lambdasec(&["explain", "LS104"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for method in [
        "PassExistingRoleToNewLambdaThenInvoke",
        "CreateNewPolicyVersion",
        "AttachRolePolicy",
    ] {
        assert!(text.contains(method), "explain LS104 lacks {method}");
    }
}

/// Rules in RULES.md implemented so far.
fn lambdasec_rule_count() -> usize {
    41
}

#[test]
fn rules_doc_is_generated_from_the_code() {
    let out = lambdasec(&["rules", "--format", "markdown"]);
    let committed = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap_or_default();
    assert!(
        committed == String::from_utf8_lossy(&out.stdout),
        "docs/rules.md is stale: run scripts/gen-docs"
    );
}

/// The orders API in every format: the insecure versions break the same rules as the
/// Terraform one, the secure versions report nothing.
#[test]
fn every_format_of_the_examples_agrees() {
    let rules = |dir: &str| -> BTreeSet<String> {
        let (v, _) = json_scan(&[dir, "--fail-on", "none"]);
        assert_eq!(
            v["errors"].as_array().unwrap().len(),
            0,
            "{dir}: {:#}",
            v["errors"]
        );
        findings(&v)
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    };
    let want: BTreeSet<String> = EXAMPLE_RULES.iter().map(|s| s.to_string()).collect();
    for format in ["sam", "serverless", "cloudformation"] {
        assert_eq!(
            rules(&format!("examples/{format}/insecure")),
            want,
            "{format}"
        );
        let (v, code) = json_scan(&[&format!("examples/{format}/secure")]);
        assert_eq!(findings(&v).len(), 0, "{format}: {:#}", v["findings"]);
        assert_eq!(code, 0);
    }
}

#[test]
fn cloudformation_parameters_override_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Parameters:\n  Auth:\n    Type: String\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: a.b\n      Role: arn:aws:iam::111122223333:role/r\n  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Fn.Arn\n      AuthType: !Ref Auth\n",
    )
    .unwrap();
    let p = dir.path().to_str().unwrap();
    let (v, _) = json_scan(&[p, "--only", "LS401"]);
    assert_eq!(findings(&v).len(), 0, "an unresolved parameter never fails");
    let (v, _) = json_scan(&[p, "--only", "LS401", "--parameter", "Auth=NONE"]);
    assert_eq!(findings(&v).len(), 1);
    assert_eq!(findings(&v)[0]["line"], 15);
}

/// CDK output is plain CloudFormation JSON: its templates are scanned, its asset directories
/// are not; a resource's `Metadata.lambdasec.ignore` suppresses with its reason.
#[test]
fn cdk_output_and_metadata_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cdk.out");
    std::fs::create_dir_all(out.join("asset.0123abcd")).unwrap();
    let template = r#"{
  "Resources": {
    "Fn9270CBC0": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": "arn:aws:iam::111122223333:role/fn"
      },
      "Metadata": {"aws:cdk:path": "Stack/Fn/Resource", "aws:asset:path": "asset.0123abcd"}
    },
    "FnUrl": {
      "Type": "AWS::Lambda::Url",
      "Properties": {"TargetFunctionArn": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]}, "AuthType": "NONE"}
    },
    "HookUrl": {
      "Type": "AWS::Lambda::Url",
      "Metadata": {"lambdasec": {"ignore": [{"id": "LS401", "reason": "signed webhook"}]}},
      "Properties": {"TargetFunctionArn": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]}, "AuthType": "NONE"}
    }
  }
}
"#;
    std::fs::write(out.join("Stack.template.json"), template).unwrap();
    // A template inside an asset directory is bundled code, not infrastructure.
    std::fs::write(out.join("asset.0123abcd/Other.template.json"), template).unwrap();
    let (v, _) = json_scan(&[dir.path().to_str().unwrap(), "--only", "LS401"]);
    let f = findings(&v);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(f.iter().all(|x| x["file"] == "cdk.out/Stack.template.json"));
    let suppressed: Vec<&Value> = f.iter().filter(|x| x.get("suppressed").is_some()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressed"]["reason"], "signed webhook");
    assert_eq!(v["summary"]["files"], 1);
}

/// Secrets are never printed whole, in any output format: the LS201/LS202 fixtures hold
/// real-shaped credentials in every source format.
#[test]
fn no_output_format_contains_a_secret() {
    // Built from fragments so this file itself holds no scannable secret.
    let secrets = [
        format!("{}{}", "sk_live_", "51Hc9xQ2eZvKYlo2C8dVt4Ws"),
        format!("{}{}", "ghp_", "1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"),
        format!("{}{}", "S3cr3t-", "Pa55w0rd"),
        format!("{}{}", "AKIA", "Z7Q4N5R2T8W3XK6P"),
        format!("{}{}", "s0up3r", "s3kr1t"),
        format!("{}{}", "letmein", "42"),
        // In the LS204 fixtures' code directories and zips.
        format!("{}{}", "sk_live_", "9Qw3Er5Ty7Ui9Op1As3Df5Gh"),
        format!("{}{}", "ghp_", "Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg1Ff0Dd9Ss8A"),
    ];
    for dir in [
        "crates/lambdasec-rules/tests/fixtures/LS201",
        "crates/lambdasec-rules/tests/fixtures/LS202",
        "crates/lambdasec-rules/tests/fixtures/LS902",
        "crates/lambdasec-rules/tests/fixtures/LS204",
    ] {
        for format in ["text", "json", "sarif", "junit", "asff", "html"] {
            let out = lambdasec(&[
                "scan",
                dir,
                "--format",
                format,
                "--today",
                "2026-11-25",
                "--fail-on",
                "none",
                "--asff-account",
                "111122223333",
            ]);
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                all.contains("LS20") || all.contains("LS902"),
                "{dir} {format} found nothing"
            );
            for s in &secrets {
                assert!(
                    !all.contains(s.as_str()),
                    "{dir} --format {format} prints a secret whole"
                );
            }
        }
    }
}

/// The README's first command: `examples/.lambdasec.toml` names the bundled OSV records, and
/// the SAM example's code ships vulnerable packages (the secure one fixed versions in a layer).
#[test]
fn examples_report_vulnerable_packages_with_the_bundled_osv_records() {
    let (v, code) = json_scan(&["examples"]);
    assert_eq!(code, 1);
    let mut got: Vec<(String, String, String, String)> = findings(&v)
        .iter()
        .filter(|f| f["rule_id"] == "LS603")
        .map(|f| {
            let vuln = &f["vulnerability"];
            (
                f["file"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                vuln["id"].as_str().unwrap().to_string(),
                vuln["purl"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let want = [
        (
            "sam/insecure/src/PyYAML-5.3.1.dist-info/METADATA",
            "critical",
            "GHSA-8q59-q68h-6hv4",
            "pkg:pypi/pyyaml@5.3.1",
        ),
        (
            "sam/insecure/src/requests-2.19.0.dist-info/METADATA",
            "high",
            "GHSA-x84v-xcm2-53pg",
            "pkg:pypi/requests@2.19.0",
        ),
        (
            "sam/insecure/worker/node_modules/lodash/package.json",
            "high",
            "GHSA-35jh-r3h4-6jhm",
            "pkg:npm/lodash@4.17.20",
        ),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
    let requests = findings(&v)
        .iter()
        .find(|f| f["rule_id"] == "LS603" && f["message"].as_str().unwrap().contains("requests"))
        .unwrap();
    assert_eq!(
        requests["vulnerability"]["fixed"],
        serde_json::json!(["2.20.0"])
    );
    assert_eq!(
        requests["vulnerability"]["aliases"],
        serde_json::json!(["CVE-2018-18074", "PYSEC-2018-28"])
    );
    let msg = requests["message"].as_str().unwrap();
    assert!(
        msg.contains("requests 2.19.0") && msg.contains("fixed in 2.20.0"),
        "{msg}"
    );
    assert!(msg.contains("function orders-prod-api"), "{msg}");
}

#[test]
fn osv_database_options_and_db_info() {
    // Without a database, packages are still inventoried and the user is told.
    let out = lambdasec(&["scan", "examples/sam/insecure", "--today", "2026-11-25"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("3 package(s)") && err.contains("no OSV database"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("LS603"));
    // --osv-db on the command line.
    let (v, _) = json_scan(&["examples/sam/insecure", "--osv-db", "examples/osv"]);
    assert_eq!(
        findings(&v)
            .iter()
            .filter(|f| f["rule_id"] == "LS603")
            .count(),
        3
    );
    // A database path that does not exist is a usage error naming it.
    let out = lambdasec(&["scan", "examples/sam/insecure", "--osv-db", "no/such/db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/db"));
    // db info, text and JSON.
    let out = lambdasec(&["db", "info", "--osv-db", "examples/osv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("4 record(s) in use"), "{text}");
    assert!(text.contains("ecosystems: PyPI 3, npm 1"), "{text}");
    let out = lambdasec(&["db", "info", "--osv-db", "examples/osv", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], 4);
    assert_eq!(v["ecosystems"]["PyPI"], 3);
    assert_eq!(v["error_count"], 0);
    let out = lambdasec(&["db", "info"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--osv-db"));
}

#[test]
fn cyclonedx_sbom_lists_every_function_with_its_packages() {
    let out = lambdasec(&[
        "scan",
        "examples/sam/insecure",
        "--format",
        "cyclonedx",
        "--osv-db",
        "examples/osv",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("CycloneDX JSON");
    assert_eq!(v["bomFormat"], "CycloneDX");
    assert_eq!(v["specVersion"], "1.6");
    let purls: BTreeSet<String> = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["components"].as_array().cloned().unwrap_or_default())
        .map(|p| p["purl"].as_str().unwrap().to_string())
        .collect();
    let want: BTreeSet<String> = [
        "pkg:npm/lodash@4.17.20",
        "pkg:pypi/pyyaml@5.3.1",
        "pkg:pypi/requests@2.19.0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(purls, want);
    assert_eq!(v["vulnerabilities"].as_array().unwrap().len(), 3);
    // One file per function with --output DIR.
    let dir = tempfile::tempdir().unwrap();
    let out = lambdasec(&[
        "scan",
        "examples/sam/insecure",
        "--format",
        "cyclonedx",
        "--output",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.code().is_some());
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    assert!(files.iter().all(|f| f.ends_with(".cdx.json")), "{files:?}");
    for f in &files {
        let v: Value = serde_json::from_slice(&std::fs::read(dir.path().join(f)).unwrap()).unwrap();
        assert_eq!(v["metadata"]["component"]["type"], "application");
    }
}

#[test]
fn junit_and_asff_formats() {
    let out = lambdasec(&[
        "scan",
        "examples/terraform/insecure",
        "--format",
        "junit",
        "--today",
        "2026-11-25",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuites") && xml.contains("<failure"),
        "{xml}"
    );
    // ASFF needs the account: from --asff-account or the configuration (the example's
    // .lambdasec.toml has one; an empty configuration has none).
    let empty = tempfile::NamedTempFile::new().unwrap();
    let out = lambdasec(&[
        "scan",
        "examples/terraform/insecure",
        "--format",
        "asff",
        "--config",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--asff-account"));
    let out = lambdasec(&[
        "scan",
        "examples/terraform/insecure",
        "--format",
        "asff",
        "--asff-account",
        "111122223333",
        "--asff-region",
        "eu-west-1",
        "--today",
        "2026-11-25",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert!(!list.is_empty());
    assert_eq!(list[0]["AwsAccountId"], "111122223333");
    assert!(list[0]["ProductArn"]
        .as_str()
        .unwrap()
        .contains(":eu-west-1:111122223333:"));
    let ids: BTreeSet<&str> = list.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), list.len(), "finding ids are unique");
}
