//! CloudFormation templates → model: linking, defaults and locations.

use lambdasec_cloudformation::build::{asset_paths, build, comment_suppressions};
use lambdasec_cloudformation::load::load;
use lambdasec_model::*;
use std::collections::HashMap;

fn inv(text: &str) -> Inventory {
    inv_with(text, &[])
}

fn inv_with(text: &str, params: &[(&str, &str)]) -> Inventory {
    let root = load("t.yaml", text).expect("template loads");
    let params: HashMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    build("t.yaml", &root, &params)
}

fn pieces(v: &Value<String>) -> Vec<Piece> {
    v.unknown_info()
        .map(|u| u.pieces.clone())
        .unwrap_or_default()
}

const ROLE_AND_FN: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
      Policies:
        - PolicyName: data
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: !Sub "${Bucket.Arn}/*"
              - Effect: Allow
                Action: "dynamodb:*"
                Resource: "*"
  Bucket:
    Type: AWS::S3::Bucket
  ByRef:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt Role.Arn
  Other:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: other
      Role: arn:aws:iam::123456789012:role/external
"#;

#[test]
fn role_linked_by_getatt_and_literal_arn_is_external() {
    let inv = inv(ROLE_AND_FN);
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert_eq!(inv.functions.len(), 2);
    let f = &inv.functions[0];
    assert_eq!(f.id, "ByRef");
    assert_eq!(f.kind, SourceKind::CloudFormation);
    assert_eq!(f.role, Some(Link::Resolved(0)));
    assert_eq!(f.loc.line, 28);
    assert_eq!(f.runtime.as_ref().unwrap().as_str(), Some("python3.12"));
    // FunctionName not set: generated, but remembered as the function's own Ref.
    assert_eq!(
        pieces(&f.name),
        vec![Piece::Hole {
            expr: "ByRef.Ref".into()
        }]
    );
    let o = &inv.functions[1];
    match &o.role {
        Some(Link::External(v)) => {
            assert_eq!(v.as_str(), Some("arn:aws:iam::123456789012:role/external"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(o.account.as_deref(), Some("123456789012"));
}

#[test]
fn role_linked_by_ref_name() {
    let t = r#"
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: my-role
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  F:
    Type: AWS::Lambda::Function
    Properties:
      Role: !Ref R
  G:
    Type: AWS::Lambda::Function
    Properties:
      Role: !Sub arn:aws:iam::${AWS::AccountId}:role/${R}
"#;
    let inv = inv(t);
    assert_eq!(inv.functions[0].role, Some(Link::Resolved(0)));
    assert_eq!(inv.functions[1].role, Some(Link::Resolved(0)));
}

#[test]
fn aws_managed_policy_via_sub_partition_is_known() {
    let inv = inv(ROLE_AND_FN);
    let r = &inv.roles[0];
    match &r.managed_policies[0] {
        Link::External(v) => assert_eq!(
            v.as_str(),
            Some("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        ),
        other => panic!("{other:?}"),
    }
    assert!(r.trust_policy.is_some());
    // Role ARN keeps its shape.
    let arn = r.arn.as_ref().unwrap();
    assert!(
        arn.display().starts_with("arn:aws:iam::"),
        "{}",
        arn.display()
    );
}

#[test]
fn inline_policy_statement_locations() {
    let inv = inv(ROLE_AND_FN);
    let p = &inv.roles[0].inline_policies[0];
    assert_eq!(p.source, "Role.Policies[data]");
    let lines: Vec<u32> = p.statement_locs.iter().map(|l| l.line).collect();
    assert_eq!(lines, vec![20, 23]);
    // The bucket ARN is partly known, in place.
    let Value::Known { value: doc, .. } = &p.document else {
        panic!("document should be known")
    };
    let st = match doc.get("Statement") {
        Some(Doc::Array(a)) => a,
        other => panic!("{other:?}"),
    };
    match st[0].get("Resource") {
        Some(Doc::Unknown(u)) => assert_eq!(u.display(), "arn:aws:s3:::${Bucket.Ref}/*"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_policy_is_an_error_at_the_statement() {
    let t = r#"
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
          - Effect: Maybe
            Action: s3:GetObject
            Resource: "*"
"#;
    let inv = inv(t);
    assert!(!inv.errors.is_empty());
    assert_eq!(inv.errors[0].line, Some(12), "{:?}", inv.errors);
}

#[test]
fn permission_by_getatt_links_function_with_conditions() {
    let t = r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
  Api:
    Type: AWS::ApiGateway::RestApi
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/*
      SourceAccount: !Ref AWS::AccountId
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !Ref Fn
      AuthType: NONE
      Cors:
        AllowCredentials: true
        AllowOrigins: ["*"]
  UrlPerm:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunctionUrl
      Principal: "*"
      FunctionUrlAuthType: NONE
"#;
    let inv = inv(t);
    let p = &inv.permissions[0];
    assert_eq!(p.function, Some(0));
    assert_eq!(
        p.principals.get().unwrap()[0].as_str(),
        Some("apigateway.amazonaws.com")
    );
    let c = &p.conditions[0];
    assert_eq!(
        (c.operator.as_str(), c.key.as_str()),
        ("ArnLike", "AWS:SourceArn")
    );
    let v = &c.values.get().unwrap()[0];
    let u = v.unknown_info().unwrap();
    assert_eq!(u.known_prefix(), "arn:aws:execute-api:");
    assert_eq!(u.known_suffix(), "/*/*");
    assert_eq!(p.conditions[1].key, "AWS:SourceAccount");
    let url = &inv.urls[0];
    assert_eq!(url.function, Some(0));
    assert!(url.auth_type.is("NONE"));
    let cors = url.cors.as_ref().unwrap();
    assert_eq!(cors.allow_credentials.as_ref().unwrap().get(), Some(&true));
    assert_eq!(
        cors.allow_origins.as_ref().unwrap().get().unwrap()[0].as_str(),
        Some("*")
    );
    let up = &inv.permissions[1];
    assert_eq!(up.function, Some(0));
    assert_eq!(up.conditions[0].key, "lambda:FunctionUrlAuthType");
}

#[test]
fn security_group_default_egress_and_egress_resource() {
    let t = r#"
Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: default egress
      VpcId: vpc-1
  Tight:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: explicit
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/8
  Extra:
    Type: AWS::EC2::SecurityGroupEgress
    Properties:
      GroupId: !GetAtt Tight.GroupId
      IpProtocol: "-1"
      CidrIpv6: "::/0"
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-1
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: !Select [0, !GetAZs ""]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      VpcConfig:
        SubnetIds: [!Ref Subnet, subnet-123]
        SecurityGroupIds: [!Ref Open, !GetAtt Tight.GroupId]
"#;
    let inv = inv(t);
    let open = &inv.security_groups[0];
    assert_eq!(open.egress.len(), 1);
    let r = &open.egress[0];
    assert!(r.protocol.is("-1"));
    assert_eq!(r.cidrs.get().unwrap()[0].as_str(), Some("0.0.0.0/0"));
    assert_eq!(r.loc.line, open.loc.line);
    let tight = &inv.security_groups[1];
    assert_eq!(tight.egress.len(), 2);
    assert!(tight.egress[0].protocol.is("tcp"));
    assert_eq!(
        tight.egress[0].from_port.as_ref().unwrap().get(),
        Some(&443)
    );
    assert_eq!(tight.egress[0].loc.line, 13);
    assert_eq!(
        tight.egress[1].cidrs.get().unwrap()[0].as_str(),
        Some("::/0")
    );
    assert!(!inv.subnets[0].availability_zone.is_known());
    let vpc = inv.functions[0].vpc.as_ref().unwrap();
    assert_eq!(vpc.subnets[0], Link::Resolved(0));
    assert!(matches!(vpc.subnets[1], Link::External(_)));
    assert_eq!(
        vpc.security_groups,
        vec![Link::Resolved(0), Link::Resolved(1)]
    );
}

#[test]
fn log_group_linked_via_sub_of_function_ref() {
    let t = r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${Fn}
      RetentionInDays: 30
  Named:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: named
  NamedLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /aws/lambda/named
  Custom:
    Type: AWS::Lambda::Function
    Properties:
      LoggingConfig:
        LogGroup: !Ref Shared
  Shared:
    Type: AWS::Logs::LogGroup
"#;
    let inv = inv(t);
    assert_eq!(inv.functions[0].log_group, Some(0));
    assert_eq!(
        inv.log_groups[0].retention_days.as_ref().unwrap().get(),
        Some(&30)
    );
    assert_eq!(inv.functions[1].log_group, Some(1));
    assert_eq!(inv.functions[2].log_group, Some(2));
}

#[test]
fn parameter_default_override_and_unknown() {
    let t = r#"
Parameters:
  Runtime:
    Type: String
    Default: python3.9
  Name:
    Type: String
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: !Ref Runtime
      FunctionName: !Ref Name
"#;
    let a = inv(t);
    assert_eq!(
        a.functions[0].runtime.as_ref().unwrap().as_str(),
        Some("python3.9")
    );
    let n = &a.functions[0].name;
    assert!(!n.is_known());
    assert_eq!(
        pieces(n),
        vec![Piece::Hole {
            expr: "Name".into()
        }]
    );
    let b = inv_with(t, &[("Runtime", "python3.12"), ("Name", "fn")]);
    assert_eq!(
        b.functions[0].runtime.as_ref().unwrap().as_str(),
        Some("python3.12")
    );
    assert_eq!(b.functions[0].name.as_str(), Some("fn"));
}

#[test]
fn false_condition_removes_resource() {
    let t = r#"
Parameters:
  Env:
    Type: String
    Default: dev
  Other:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Maybe: !Equals [!Ref Other, x]
  NotProd: !Not [!Condition IsProd]
Resources:
  ProdOnly:
    Type: AWS::Lambda::Function
    Condition: IsProd
    Properties: {FunctionName: prod}
  MaybeFn:
    Type: AWS::Lambda::Function
    Condition: Maybe
    Properties:
      FunctionName: maybe
      Runtime: !If [NotProd, python3.12, python3.8]
      Handler: !If [Maybe, a.b, c.d]
"#;
    let a = inv(t);
    assert_eq!(a.functions.len(), 1);
    assert_eq!(a.functions[0].id, "MaybeFn");
    assert_eq!(
        a.functions[0].runtime.as_ref().unwrap().as_str(),
        Some("python3.12")
    );
    assert!(!a.functions[0].handler.as_ref().unwrap().is_known());
    let b = inv_with(t, &[("Env", "prod")]);
    assert_eq!(b.functions.len(), 2);
}

#[test]
fn metadata_suppression_covers_resource() {
    let t = r#"
Resources:
  Url:
    Type: AWS::Lambda::Url
    Metadata:
      lambdasec:
        ignore:
          - id: LS401
            reason: internal tool
    Properties:
      TargetFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:f
      AuthType: NONE
  Next:
    Type: AWS::S3::Bucket
"#;
    let inv = inv(t);
    assert_eq!(inv.suppressions.len(), 1);
    let s = &inv.suppressions[0];
    assert_eq!((s.start_line, s.end_line), (3, 12));
    assert_eq!(s.rules, vec!["LS401"]);
    assert_eq!(s.reason, "internal tool");
    assert_eq!(s.file, "t.yaml");
}

#[test]
fn comment_suppression_above_resource() {
    let t = "Resources:\n  # lambdasec:ignore LS401 public webhook\n  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      AuthType: NONE\n  B:\n    Type: AWS::S3::Bucket\n";
    let root = load("t.yaml", t).unwrap();
    let s = comment_suppressions("t.yaml", t, &root);
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].start_line, s[0].end_line), (3, 6));
}

#[test]
fn layers_pinned_by_ref_and_other_resources() {
    let t = r#"
Resources:
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      LayerName: deps
  Fn:
    Type: AWS::Lambda::Function
    Metadata:
      aws:asset:path: asset.abc
    Properties:
      Layers:
        - !Ref Layer
        - arn:aws:lambda:us-east-1:999999999999:layer:ext:3
      TracingConfig: {Mode: Active}
      ReservedConcurrentExecutions: 5
      Environment:
        Variables:
          TOKEN: "{{resolve:secretsmanager:tok}}"
          REGION: !Ref AWS::Region
  Invoke:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Fn
      Qualifier: $LATEST
      DestinationConfig:
        OnFailure:
          Destination: !GetAtt Dlq.Arn
  Dlq:
    Type: AWS::SQS::Queue
  Esm:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Alias
      EventSourceArn: !GetAtt Dlq.Arn
  Alias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      FunctionVersion: "1"
      Name: live
"#;
    let inv = inv(t);
    let f = &inv.functions[0];
    let layers = f.layers.get().unwrap();
    let l0 = layers[0].get().unwrap();
    assert_eq!(l0.layer, Some(0));
    assert!(!l0.resolves_to_latest);
    assert!(l0.arn.display().starts_with("arn:aws:lambda:"));
    assert_eq!(layers[1].get().unwrap().layer, None);
    assert!(f.tracing_mode.as_ref().unwrap().is("Active"));
    assert_eq!(f.reserved_concurrency.as_ref().unwrap().get(), Some(&5));
    let env = f.environment.get().unwrap();
    assert_eq!(
        env[0].value.as_str(),
        Some("{{resolve:secretsmanager:tok}}")
    );
    assert_eq!(env[0].value.loc().line, 19);
    assert!(!env[1].value.is_known());
    let ic = &inv.event_invoke_configs[0];
    assert_eq!(ic.function, Some(0));
    let d = ic.on_failure.as_ref().unwrap();
    assert!(d.display().starts_with("arn:aws:sqs:"), "{}", d.display());
    assert_eq!(inv.event_source_mappings[0].function, Some(0));
    assert_eq!(inv.aliases[0].function, Some(0));
    let root = load("t.yaml", t).unwrap();
    assert_eq!(
        asset_paths(&root),
        vec![("Fn".to_string(), "asset.abc".to_string())]
    );
}

#[test]
fn managed_policy_and_policy_resources_attach_to_roles() {
    let t = r#"
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
      PermissionsBoundary: !Ref Boundary
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "*", Resource: "*"}]
  Extra:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref R]
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: inline
      Roles: [!Ref R]
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]
  RolePol:
    Type: AWS::IAM::RolePolicy
    Properties:
      PolicyName: rp
      RoleName: !Ref R
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "sns:*", Resource: "*"}]
"#;
    let inv = inv(t);
    assert_eq!(inv.policies.len(), 2);
    let r = &inv.roles[0];
    assert_eq!(r.permissions_boundary, Some(Link::Resolved(0)));
    assert_eq!(r.managed_policies, vec![Link::Resolved(1)]);
    assert_eq!(r.inline_policies.len(), 2);
    assert_eq!(r.inline_policies[0].source, "Inline");
    assert_eq!(r.inline_policies[1].source, "RolePol");
}

#[test]
fn role_chosen_by_unknown_condition_is_not_guessed() {
    let t = r#"
Parameters:
  Existing:
    Type: String
Conditions:
  UseExisting: !Not [!Equals [!Ref Existing, ""]]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  F:
    Type: AWS::Lambda::Function
    Properties:
      Role: !If [UseExisting, !Ref Existing, !GetAtt R.Arn]
"#;
    let inv = inv(t);
    assert!(matches!(inv.functions[0].role, Some(Link::Unknown(_))));
}
