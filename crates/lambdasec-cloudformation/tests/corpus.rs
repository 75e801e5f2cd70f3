//! Loads every template of `tests/corpus/` and checks its kind (encoded in the file name:
//! `cfn-*` and `cdk-*` are CloudFormation, `sam-*` SAM, `sls-*` Serverless Framework,
//! `other-*` anything else), then spot-checks values and locations.

use std::path::{Path, PathBuf};

use lambdasec_cloudformation::load::{self, DocKind};
use lambdasec_cloudformation::{Node, NodeValue};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn expected_kind(name: &str) -> DocKind {
    match name.split('-').next() {
        Some("cfn" | "cdk") => DocKind::CloudFormation,
        Some("sam") => DocKind::Sam,
        Some("sls") => DocKind::Serverless,
        Some("other") => DocKind::Other,
        _ => panic!("corpus file {name} does not start with cfn-, cdk-, sam-, sls- or other-"),
    }
}

fn load_file(name: &str) -> Node {
    let text = std::fs::read_to_string(corpus_dir().join(name)).unwrap();
    load::load(name, &text).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn intrinsic(node: &Node) -> (&str, &Node) {
    match &node.value {
        NodeValue::Intrinsic { name, arg } => (name.as_str(), arg),
        other => panic!("not an intrinsic: {other:?} at {}", node.loc),
    }
}

fn path<'a>(node: &'a Node, keys: &[&str]) -> &'a Node {
    keys.iter().fold(node, |n, k| {
        n.get(k)
            .unwrap_or_else(|| panic!("no key {k} at {}", n.loc))
    })
}

#[test]
fn every_corpus_file_loads_with_its_kind() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .collect();
    names.sort();
    let templates = names.iter().filter(|n| !n.starts_with("other-")).count();
    assert!(templates >= 30, "only {templates} templates in the corpus");
    for name in &names {
        let bytes = std::fs::read(corpus_dir().join(name)).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let expected = expected_kind(name);
        if expected != DocKind::Other {
            assert!(load::maybe_template(text), "{name}: pre-check said no");
        }
        let (root, warnings) = load::load_bytes(name, &bytes);
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        let root = root.unwrap_or_else(|| panic!("{name}: no tree"));
        assert_eq!(load::kind(&root), expected, "{name}");
        assert_eq!(root.loc.file.as_deref(), Some(name.as_str()));
        assert!(root.loc.line >= 1 && root.loc.column >= 1, "{name}");
    }
}

#[test]
fn yaml_locations() {
    let root = load_file("cfn-lambda-basic.yaml");
    let resources = root.get("Resources").unwrap();
    let key = resources.key_loc("WorkerFunction").unwrap();
    assert_eq!((key.line, key.column), (48, 3));
    let props = path(resources, &["WorkerFunction", "Properties"]);
    let key = props.key_loc("Role").unwrap();
    assert_eq!((key.line, key.column), (56, 7));
    let role = props.get("Role").unwrap();
    assert_eq!((role.loc.line, role.loc.column), (56, 13));
    let (name, arg) = intrinsic(role);
    assert_eq!((name, arg.as_str()), ("Fn::GetAtt", Some("WorkerRole.Arn")));
    let no_echo = path(&root, &["Parameters", "DatabasePassword", "NoEcho"]);
    assert_eq!(no_echo.value, NodeValue::Bool(true));
    let allowed = path(&root, &["Parameters", "MemorySize", "AllowedValues"]);
    assert_eq!(allowed.items()[2].value, NodeValue::Number(512.0));
}

#[test]
fn json_locations() {
    let root = load_file("cfn-vpc-lambda.json");
    let props = path(&root, &["Resources", "Fn", "Properties"]);
    let key = props.key_loc("Description").unwrap();
    // Tab-indented: four tabs, then the key.
    assert_eq!((key.line, key.column), (31, 5));
    assert_eq!(
        props.get("Description").unwrap().as_str(),
        Some("Caf\u{e9} \u{1F680} deploys / escapes")
    );
    let port = &path(
        &root,
        &["Resources", "FnSg", "Properties", "SecurityGroupIngress"],
    )
    .items()[0];
    assert_eq!(port.get("FromPort").unwrap().value, NodeValue::Number(22.0));

    let cdk = load_file("cdk-MyStack.template.json");
    let resources = cdk.get("Resources").unwrap();
    let key = resources.key_loc("Handler886CB40B").unwrap();
    assert_eq!((key.line, key.column), (37, 3));
    let runtime = path(resources, &["Handler886CB40B", "Properties", "Runtime"]);
    assert_eq!((runtime.loc.line, runtime.loc.column), (53, 16));
    let meta = path(resources, &["Handler886CB40B", "Metadata"]);
    assert_eq!(
        meta.get("aws:cdk:path").unwrap().as_str(),
        Some("MyStack/Handler/Resource")
    );
    assert!(meta.get("aws:asset:path").is_some());
}

#[test]
fn long_and_short_forms_agree() {
    let json = load_file("cfn-long-form.json");
    let vars = path(
        &json,
        &["Resources", "Fn", "Properties", "Environment", "Variables"],
    );
    for (key, name) in [
        ("TABLE", "Fn::Sub"),
        ("FIRST_AZ", "Fn::Select"),
        ("CONFIG", "Fn::ToJsonString"),
        ("SUBNET_COUNT", "Fn::Length"),
        ("MODE", "Fn::If"),
        ("ENCODED", "Fn::Base64"),
        ("CIDRS", "Fn::Join"),
    ] {
        assert_eq!(intrinsic(vars.get(key).unwrap()).0, name, "{key}");
    }
    // `{"Condition": "IsProd"}` stays a mapping.
    let is_dev = path(&json, &["Conditions", "IsDev"]);
    let (name, arg) = intrinsic(is_dev);
    assert_eq!(name, "Fn::Not");
    assert!(arg.items()[0].get("Condition").is_some());

    let yaml = load_file("cfn-long-form.yaml");
    let bucket = path(
        &yaml,
        &[
            "Resources",
            "Reader",
            "Properties",
            "Environment",
            "Variables",
            "BUCKET",
        ],
    );
    let (name, arg) = intrinsic(bucket);
    assert_eq!(name, "Fn::If");
    assert_eq!(intrinsic(&arg.items()[2]).1.as_str(), Some("AWS::NoValue"));

    let short = load_file("cfn-conditions.yaml");
    let kms = path(&short, &["Resources", "Fn", "Properties", "KmsKeyArn"]);
    let (name, arg) = intrinsic(kms);
    assert_eq!(name, "Fn::If");
    assert_eq!(intrinsic(&arg.items()[2]).1.as_str(), Some("AWS::NoValue"));
}

#[test]
fn sub_strings_keep_their_text() {
    let root = load_file("cfn-sub-multiline.yaml");
    let def = path(
        &root,
        &["Resources", "Pipeline", "Properties", "DefinitionString"],
    );
    let (name, arg) = intrinsic(def);
    assert_eq!(name, "Fn::Sub");
    let text = arg.as_str().unwrap();
    assert!(text.contains("${AWS::Region}") && text.contains("${!$.input}"));
    assert!(text.ends_with("}\n"));
    let topic = path(
        &root,
        &["Resources", "AlertTopic", "Properties", "TopicName"],
    );
    assert_eq!(
        intrinsic(topic).1.as_str(),
        Some("alerts-${Stage}-${AWS::Region}")
    );
    let body = path(
        &root,
        &["Resources", "Dashboard", "Properties", "DashboardBody"],
    );
    let (name, arg) = intrinsic(body);
    assert_eq!(name, "Fn::Sub");
    assert!(arg.items()[1].get("FunctionName").is_some());
}

#[test]
fn anchors_merges_and_loops() {
    let cfn = load_file("cfn-anchors-scalars.yaml");
    let a = path(&cfn, &["Resources", "FnA", "Properties"]);
    let b = path(&cfn, &["Resources", "FnB", "Properties"]);
    assert_eq!(a.value, b.value);
    assert_eq!(
        path(a, &["Code", "ZipFile"]).as_str(),
        Some("def handler(event, context): return \"folded into one line\"")
    );
    assert_eq!(
        path(&cfn, &["Resources", "RoleUser", "Properties", "Value"]).as_str(),
        Some("arn:aws:iam::123456789012:role/app")
    );
    assert!(a.get("Tags").unwrap().items()[0].get("Value").is_some());

    let sls = load_file("sls-anchors-merge.yml");
    let transcode = path(&sls, &["functions", "transcode"]);
    assert_eq!(
        transcode.get("timeout").unwrap().value,
        NodeValue::Number(900.0)
    );
    assert_eq!(
        transcode.get("memorySize").unwrap().value,
        NodeValue::Number(1024.0)
    );
    let thumbnail = path(&sls, &["functions", "thumbnail"]);
    assert_eq!(
        thumbnail.get("timeout").unwrap().value,
        NodeValue::Number(60.0)
    );
    assert!(thumbnail.get("<<").is_none());

    let ext = load_file("cfn-language-extensions.yaml");
    let resources = ext.get("Resources").unwrap();
    assert!(resources.get("Fn::ForEach::TopicLoop").is_some());
    assert!(resources.get("Handler").is_some());
}

#[test]
fn account_ids_and_versions_stay_strings() {
    let root = load_file("cfn-minimal.json");
    assert_eq!(
        path(&root, &["Parameters", "X", "Default"]).as_str(),
        Some("0123")
    );
    let cfn = load_file("cfn-conditions.yaml");
    // `AWSTemplateFormatVersion: 2010-09-09` unquoted is a string in YAML 1.2.
    assert_eq!(
        cfn.get("AWSTemplateFormatVersion").unwrap().as_str(),
        Some("2010-09-09")
    );
}
