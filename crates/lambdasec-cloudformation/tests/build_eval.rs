//! Intrinsic function evaluation.

use lambdasec_cloudformation::build::build;
use lambdasec_cloudformation::eval::{CfValue, Evaluator};
use lambdasec_cloudformation::load::load;
use lambdasec_cloudformation::Node;
use lambdasec_model::Piece;
use std::collections::HashMap;

const T: &str = r#"
Parameters:
  Stage:
    Type: String
    Default: dev
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
    Default: subnet-a,subnet-b
  Secret:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/secret
Mappings:
  Env:
    dev: {Memory: 128}
    prod: {Memory: 1024}
Conditions:
  Unknown: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app-role
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Stage}-data"
  Topic:
    Type: AWS::SNS::Topic
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      LayerName: deps
  Loop:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref Loop
  Values:
    Type: Custom::Values
    Properties:
      RoleArn: !GetAtt Role.Arn
      BucketArn: !GetAtt [Bucket, Arn]
      TopicRef: !Ref Topic
      LayerRef: !Ref Layer
      Escaped: !Sub "${!Literal}-${Stage}"
      VarMap: !Sub
        - "${Prefix}/${AWS::Region}"
        - Prefix: !Join ["-", [a, !Ref Stage]]
      Select: !Select [1, !Ref Subnets]
      Split: !Split [",", "x,y,z"]
      Memory: !FindInMap [Env, !Ref Stage, Memory]
      Json: !ToJsonString {a: [1, "b"]}
      Length: !Length [1, 2, 3]
      Az: !Select [0, !GetAZs ""]
      Import: !ImportValue shared-vpc
      Same: !If [Unknown, same, same]
      Differ: !If [Unknown, one, two]
      Base: !Base64 hello
      Resolve: "{{resolve:ssm:/app/key}}"
      Secret: !Ref Secret
      LoopRef: !Ref Loop
      Partition: !Ref AWS::Partition
"#;

fn values() -> HashMap<String, CfValue> {
    values_with(&HashMap::new())
}

fn values_with(params: &HashMap<String, String>) -> HashMap<String, CfValue> {
    let root = load("t.yaml", T).unwrap();
    let ev = Evaluator::new(&root, params);
    let props = root
        .get("Resources")
        .and_then(|r| r.get("Values"))
        .and_then(|v| v.get("Properties"))
        .unwrap();
    props
        .entries()
        .iter()
        .map(|(k, v)| (k.name.clone(), ev.eval(v)))
        .collect()
}

fn display(v: &CfValue) -> String {
    match v {
        CfValue::String(s) => s.clone(),
        CfValue::Unknown(u) => lambdasec_model::Unknown {
            reason: u.reason.clone(),
            pieces: u.pieces.clone(),
        }
        .display(),
        other => format!("{other:?}"),
    }
}

#[test]
fn arn_shapes_keep_service_and_known_names() {
    let v = values();
    assert_eq!(
        display(&v["RoleArn"]),
        "arn:aws:iam::${AWS::AccountId}:role/app-role"
    );
    assert_eq!(
        v["BucketArn"],
        CfValue::String("arn:aws:s3:::dev-data".into())
    );
    assert_eq!(
        display(&v["TopicRef"]),
        "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${Topic.Name}"
    );
    assert_eq!(
        display(&v["LayerRef"]),
        "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:layer:deps:${Layer.version}"
    );
    match &v["RoleArn"] {
        CfValue::Unknown(u) => assert_eq!(u.refs, vec!["Role".to_string()]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pseudo_parameter_overrides_make_arns_known() {
    let params: HashMap<String, String> = [
        ("AWS::AccountId".to_string(), "123456789012".to_string()),
        ("Stage".to_string(), "prod".to_string()),
    ]
    .into_iter()
    .collect();
    let v = values_with(&params);
    assert_eq!(
        v["RoleArn"],
        CfValue::String("arn:aws:iam::123456789012:role/app-role".into())
    );
    assert_eq!(v["Memory"], CfValue::Number(1024.0));
}

#[test]
fn string_functions() {
    let v = values();
    assert_eq!(v["Escaped"], CfValue::String("${Literal}-dev".into()));
    assert_eq!(display(&v["VarMap"]), "a-dev/${AWS::Region}");
    assert_eq!(v["Select"], CfValue::String("subnet-b".into()));
    assert_eq!(
        v["Split"],
        CfValue::List(vec![
            CfValue::String("x".into()),
            CfValue::String("y".into()),
            CfValue::String("z".into())
        ])
    );
    assert_eq!(v["Memory"], CfValue::Number(128.0));
    assert_eq!(v["Json"], CfValue::String(r#"{"a":[1,"b"]}"#.into()));
    assert_eq!(v["Length"], CfValue::Number(3.0));
    assert_eq!(v["Base"], CfValue::String("hello".into()));
    assert_eq!(v["Partition"], CfValue::String("aws".into()));
    // Dynamic references stay as written.
    assert_eq!(
        v["Resolve"],
        CfValue::String("{{resolve:ssm:/app/key}}".into())
    );
}

#[test]
fn deploy_time_values_stay_unknown() {
    let v = values();
    assert!(v["Az"].is_unknown());
    assert_eq!(display(&v["Import"]), "${Fn::ImportValue(shared-vpc)}");
    assert_eq!(v["Same"], CfValue::String("same".into()));
    assert!(v["Differ"].is_unknown());
    assert!(v["Secret"].is_unknown());
    // A name computed from the resource's own Ref does not loop.
    assert!(v["LoopRef"].is_unknown());
}

#[test]
fn unknown_ref_parameter_has_a_hole() {
    let t = "Parameters:\n  P:\n    Type: String\nResources:\n  X:\n    Type: Custom::X\n    Properties:\n      A: !Sub 'pre-${P}'\n";
    let root = load("t.yaml", t).unwrap();
    let ev = Evaluator::new(&root, &HashMap::new());
    let a = root
        .get("Resources")
        .unwrap()
        .get("X")
        .unwrap()
        .get("Properties")
        .unwrap()
        .get("A")
        .unwrap();
    match ev.eval(a) {
        CfValue::Unknown(u) => assert_eq!(
            u.pieces,
            vec![Piece::Lit("pre-".into()), Piece::Hole { expr: "P".into() }]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn deep_nesting_does_not_panic() {
    use lambdasec_cloudformation::NodeValue;
    use lambdasec_model::Location;
    // A value nested far beyond the evaluator's depth limit (built by hand: the loader
    // refuses such documents itself).
    let root = Node::new(NodeValue::Map(Vec::new()), Location::default());
    let ev = Evaluator::new(&root, &HashMap::new());
    let mut deep = Node::new(NodeValue::String("x".into()), Location::default());
    for _ in 0..500 {
        deep = Node::new(
            NodeValue::Intrinsic {
                name: "Fn::Base64".into(),
                arg: Box::new(deep),
            },
            Location::default(),
        );
    }
    assert!(ev.eval(&deep).is_unknown());
}

#[test]
fn json_template_long_forms() {
    let t = r#"{
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}},
    "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {
      "FunctionName": {"Ref": "Fn"}, "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
      "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", {"Ref": "Bucket"}]]}}},
    "Bucket": {"Type": "AWS::S3::Bucket"}
  }
}"#;
    let root = load("t.json", t).unwrap();
    let inv = build("t.json", &root, &HashMap::new());
    assert_eq!(
        inv.functions[0].role,
        Some(lambdasec_model::Link::Resolved(0))
    );
    let p = &inv.permissions[0];
    assert_eq!(p.function, Some(0));
    let v = &p.conditions[0].values.get().unwrap()[0];
    assert_eq!(v.display(), "arn:aws:s3:::${Bucket.Ref}");
    assert_eq!(p.loc.line, 5);
}
