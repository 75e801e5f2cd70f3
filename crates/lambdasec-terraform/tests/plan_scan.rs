//! `terraform show -json` plans and state: resources, unknown-after-apply values linked
//! through the configuration, locations, errors, and format detection.

use lambdasec_model::{Inventory, Link, Piece, SourceKind, Value};
use lambdasec_terraform::plan::{is_plan_json, scan_plan};
use std::path::{Path, PathBuf};

fn data_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn scan(name: &str) -> Inventory {
    let root = data_root();
    scan_plan(&root, &root.join("plan").join(name))
}

fn text(name: &str) -> String {
    std::fs::read_to_string(data_root().join("plan").join(name)).unwrap()
}

fn known(v: &Value<String>) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a known value, got {v:?}"))
}

fn holes(v: &Value<String>) -> Vec<String> {
    match v {
        Value::Unknown { unknown, .. } => unknown
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Hole { expr } => Some(expr.clone()),
                Piece::Lit(_) => None,
            })
            .collect(),
        Value::Known { .. } => panic!("expected an unknown value, got {v:?}"),
    }
}

fn function<'i>(inv: &'i Inventory, id: &str) -> (usize, &'i lambdasec_model::Function) {
    inv.functions
        .iter()
        .enumerate()
        .find(|(_, f)| f.id == id)
        .unwrap_or_else(|| panic!("no function {id}"))
}

/// 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{needle} not found"))
}

#[test]
fn plan_resources_and_links() {
    let inv = scan("basic.json");
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert_eq!(inv.files, 1);
    assert_eq!(inv.functions.len(), 3);
    assert_eq!(inv.roles.len(), 1);

    let (fi, f) = function(&inv, "aws_lambda_function.api");
    assert_eq!(fi, 0);
    assert_eq!(f.kind, SourceKind::TerraformPlan);
    assert_eq!(known(&f.name), "orders-api");
    assert_eq!(f.runtime.as_ref().map(known), Some("python3.12"));
    // role is unknown after apply: linked through configuration references.
    assert_eq!(inv.functions[0].role, Some(Link::Resolved(0)));
    assert_eq!(f.tracing_mode.as_ref().map(known), Some("Active"));
    assert_eq!(f.log_group, Some(0));

    // Sensitive values are kept in clear (the report redacts).
    let Value::Known { value: env, .. } = &f.environment else {
        panic!("environment should be known")
    };
    let pw = env.iter().find(|e| e.name == "DB_PASSWORD").unwrap();
    assert_eq!(known(&pw.value), "hunter2-prod");

    // vpc_config[0].security_group_ids unknown → list of references to the SG.
    let vpc = f.vpc.as_ref().expect("vpc config");
    assert_eq!(vpc.security_groups, vec![Link::Resolved(0)]);
    assert_eq!(vpc.subnets.len(), 2);
    assert!(vpc.subnets.iter().all(|s| matches!(s, Link::External(_))));

    // layers = [unknown, known]: the unknown element links to the layer in the plan.
    let Value::Known { value: layers, .. } = &f.layers else {
        panic!("layers should be a known list")
    };
    assert_eq!(layers.len(), 2);
    let Value::Known { value: l0, .. } = &layers[0] else {
        panic!()
    };
    assert_eq!(l0.layer, Some(0));
    assert!(!l0.arn.is_known());
    let Value::Known { value: l1, .. } = &layers[1] else {
        panic!()
    };
    assert_eq!(
        known(&l1.arn),
        "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:7"
    );
    assert_eq!(l1.layer, None);

    // The role's computed managed_policy_arns is not an attachment; the separate
    // attachment resource is.
    let role = &inv.roles[0];
    assert_eq!(role.id, "aws_iam_role.lambda");
    assert!(role.trust_policy.is_some());
    assert_eq!(
        role.managed_policies.len(),
        1,
        "{:?}",
        role.managed_policies
    );
    assert!(matches!(role.managed_policies[0], Link::External(_)));
}

#[test]
fn plan_permission_and_url() {
    let inv = scan("basic.json");
    assert_eq!(inv.permissions.len(), 1);
    let p = &inv.permissions[0];
    assert_eq!(p.function, Some(0));
    let src = p
        .conditions
        .iter()
        .find(|c| c.key == "AWS:SourceArn")
        .expect("source_arn condition");
    let Value::Known { value: vals, .. } = &src.values else {
        panic!()
    };
    assert_eq!(
        known(&vals[0]),
        "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/POST/orders"
    );

    assert_eq!(inv.urls.len(), 1);
    let u = &inv.urls[0];
    assert_eq!(known(&u.auth_type), "NONE");
    // function_name is unknown after apply; configuration says it is the function's name.
    assert!(!u.function_ref.is_known());
    assert_eq!(
        holes(&u.function_ref),
        vec!["aws_lambda_function.api.function_name".to_string()]
    );
    assert_eq!(u.function, Some(0));
}

#[test]
fn plan_child_module_and_for_each() {
    let inv = scan("basic.json");
    let (_, ingest) = function(&inv, "module.worker.aws_lambda_function.this[\"ingest\"]");
    let (_, report) = function(&inv, "module.worker.aws_lambda_function.this[\"report\"]");
    assert_eq!(known(&ingest.name), "worker-ingest");
    assert_eq!(known(&report.name), "worker-report");
    assert_eq!(report.runtime.as_ref().map(known), Some("nodejs16.x"));
    assert_eq!(
        report
            .reserved_concurrency
            .as_ref()
            .and_then(|v| v.get().copied()),
        Some(5)
    );
    // role = var.role_arn, given by the caller as aws_iam_role.lambda.arn.
    assert_eq!(ingest.role, Some(Link::Resolved(0)));
    assert_eq!(report.role, Some(Link::Resolved(0)));
    // dead_letter_config[0].target_arn → the module's queue, with the SQS ARN shape.
    let dlq = ingest
        .dead_letter_target
        .as_ref()
        .expect("dead letter target");
    let Value::Unknown { unknown, .. } = dlq else {
        panic!("{dlq:?}")
    };
    assert_eq!(unknown.pieces[0], Piece::Lit("arn:aws:sqs:".into()));
    assert!(holes(dlq).contains(&"module.worker.aws_sqs_queue.dlq.name".to_string()));
}

#[test]
fn plan_security_group_egress() {
    let inv = scan("basic.json");
    assert_eq!(inv.security_groups.len(), 1);
    let sg = &inv.security_groups[0];
    assert_eq!(sg.id, "aws_security_group.fn");
    assert_eq!(known(&sg.name), "orders-api-fn");
    assert_eq!(sg.egress.len(), 1);
    let e = &sg.egress[0];
    assert_eq!(known(&e.protocol), "-1");
    let Value::Known { value: cidrs, .. } = &e.cidrs else {
        panic!()
    };
    assert_eq!(
        cidrs.iter().map(known).collect::<Vec<_>>(),
        vec!["0.0.0.0/0"]
    );
    assert!(sg.egress_incomplete.is_none());
}

#[test]
fn plan_locations_point_at_planned_address() {
    let inv = scan("basic.json");
    let t = text("basic.json");
    let (_, f) = function(&inv, "aws_lambda_function.api");
    assert_eq!(f.loc.file.as_deref(), Some("plan/basic.json"));
    assert_eq!(
        f.loc.line,
        line_of(&t, "\"address\": \"aws_lambda_function.api\"")
    );
    assert_eq!(f.loc.column, 11);
    let (_, ingest) = function(&inv, "module.worker.aws_lambda_function.this[\"ingest\"]");
    assert_eq!(
        ingest.loc.line,
        line_of(
            &t,
            r#""address": "module.worker.aws_lambda_function.this[\"ingest\"]""#
        )
    );
    // Attributes carry the resource's location.
    assert_eq!(inv.urls[0].auth_type.loc().line, inv.urls[0].loc.line);
    // The first occurrence is in planned_values, not in resource_changes or configuration.
    let url_line = line_of(&t, "\"address\": \"aws_lambda_function_url.api\"");
    assert_eq!(inv.urls[0].loc.line, url_line);
    assert!(url_line < line_of(&t, "\"resource_changes\""));
}

#[test]
fn one_line_plan_has_columns() {
    let compact = serde_json::to_string(
        &serde_json::from_str::<serde_json::Value>(&text("basic.json")).unwrap(),
    )
    .unwrap();
    assert!(!compact.contains('\n'));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tfplan.json");
    std::fs::write(&path, &compact).unwrap();
    assert!(is_plan_json(&compact));
    let inv = scan_plan(dir.path(), &path);
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert_eq!(inv.functions[0].role, Some(Link::Resolved(0)));
    assert_eq!(inv.urls[0].function, Some(0));
    let chars: Vec<char> = compact.chars().collect();
    for f in &inv.functions {
        assert_eq!(f.loc.file.as_deref(), Some("tfplan.json"));
        assert_eq!(f.loc.line, 1);
        let at: String = chars[f.loc.column as usize - 1..]
            .iter()
            .take(200)
            .collect();
        let expected = serde_json::to_string(&f.id).unwrap();
        assert!(
            at.starts_with(&format!("\"address\":{expected}")),
            "column {} of {} points at {at}",
            f.loc.column,
            f.id
        );
    }
    let mut cols: Vec<u32> = inv.functions.iter().map(|f| f.loc.column).collect();
    cols.dedup();
    assert_eq!(cols.len(), 3);
}

#[test]
fn indexed_and_module_output_references() {
    let inv = scan("indexed.json");
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let role = |id: &str| inv.roles.iter().position(|r| r.id == id).unwrap();
    // `aws_iam_role.single.arn` while the plan has only `aws_iam_role.single[0]`.
    let (_, a) = function(&inv, "aws_lambda_function.a");
    assert_eq!(a.role, Some(Link::Resolved(role("aws_iam_role.single[0]"))));
    // `module.iam.role_arn` → the module output's expression → the module's role.
    let (_, b) = function(&inv, "aws_lambda_function.b");
    assert_eq!(
        b.role,
        Some(Link::Resolved(role("module.iam.aws_iam_role.this")))
    );
    // An explicit index.
    let (_, c) = function(&inv, "aws_lambda_function.c");
    assert_eq!(c.role, Some(Link::Resolved(role("aws_iam_role.pair[1]"))));
    // Two instances and no index: stays unknown, naming the unindexed resource.
    let (_, d) = function(&inv, "aws_lambda_function.d");
    let Some(Link::Unknown(v)) = &d.role else {
        panic!("{:?}", d.role)
    };
    assert!(holes(v).contains(&"aws_iam_role.pair.name".to_string()));
}

#[test]
fn shown_state_is_read() {
    let inv = scan("state.json");
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert_eq!(inv.files, 1);
    assert_eq!(inv.functions.len(), 1);
    let f = &inv.functions[0];
    assert_eq!(f.kind, SourceKind::TerraformPlan);
    assert_eq!(f.role, Some(Link::Resolved(0)));
    assert_eq!(f.account.as_deref(), Some("123456789012"));
    assert_eq!(
        f.loc.line,
        line_of(&text("state.json"), "aws_lambda_function.live")
    );
}

#[test]
fn invalid_json_is_an_error_with_line() {
    let inv = scan("invalid.json");
    assert_eq!(inv.files, 1);
    assert!(inv.functions.is_empty());
    assert_eq!(inv.errors.len(), 1);
    let e = &inv.errors[0];
    assert_eq!(e.file, "plan/invalid.json");
    assert_eq!(e.line, Some(6));
    assert!(e.message.contains("invalid JSON"), "{}", e.message);
}

#[test]
fn missing_file_and_non_plan_are_errors() {
    let inv = scan("does-not-exist.json");
    assert_eq!(inv.errors.len(), 1);
    assert_eq!(inv.errors[0].file, "plan/does-not-exist.json");
    assert_eq!(inv.files, 1);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.json");
    std::fs::write(&path, r#"{"format_version": "1.2", "variables": {}}"#).unwrap();
    let inv = scan_plan(dir.path(), &path);
    assert_eq!(inv.errors.len(), 1);
    assert!(inv.errors[0].message.contains("planned_values"));
}

#[test]
fn detects_plan_json() {
    assert!(is_plan_json(&text("basic.json")));
    assert!(is_plan_json(&text("indexed.json")));
    assert!(is_plan_json(&text("state.json")));
    // A large `variables` block before planned_values.
    let big = format!(
        "{{\"format_version\":\"1.2\",\"variables\":{{\"blob\":{{\"value\":\"{}\"}}}},\"planned_values\":{{\"root_module\":{{}}}}}}",
        "x}]\\\"".repeat(5000)
    );
    assert!(is_plan_json(&big));

    let cfn = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12"}}
  }
}"#;
    assert!(!is_plan_json(cfn));
    let package = r#"{
  "name": "orders-api",
  "version": "1.0.0",
  "main": "index.js",
  "dependencies": {"aws-sdk": "^2.1500.0"}
}"#;
    assert!(!is_plan_json(package));
    // format_version alone, or only nested, is not a plan.
    assert!(!is_plan_json(r#"{"format_version": "1.0"}"#));
    assert!(!is_plan_json(
        r#"{"x": {"format_version": "1.0", "planned_values": {}}}"#
    ));
    assert!(!is_plan_json(r#"["format_version", "values"]"#));
    assert!(!is_plan_json(""));
    assert!(!is_plan_json(&text("invalid.json")[..40]));
}
