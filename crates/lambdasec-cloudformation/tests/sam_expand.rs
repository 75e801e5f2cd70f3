//! SAM → CloudFormation expansion (`lambdasec_cloudformation::sam`).

use lambdasec_cloudformation::load::load;
use lambdasec_cloudformation::sam::{expand, is_sam};
use lambdasec_cloudformation::{Node, NodeValue};

fn expand_yaml(text: &str) -> (Node, Vec<String>) {
    let root = load("template.yaml", text).expect("template parses");
    assert!(is_sam(&root));
    expand(&root)
}

fn res<'a>(t: &'a Node, id: &str) -> &'a Node {
    t.get("Resources")
        .and_then(|r| r.get(id))
        .unwrap_or_else(|| panic!("resource {id} missing; have {:?}", ids(t)))
}

fn ids(t: &Node) -> Vec<String> {
    t.get("Resources")
        .map(|r| r.entries().iter().map(|(k, _)| k.name.clone()).collect())
        .unwrap_or_default()
}

fn ty(r: &Node) -> &str {
    r.get("Type").and_then(Node::as_str).unwrap_or("")
}

fn prop<'a>(r: &'a Node, name: &str) -> &'a Node {
    r.get("Properties")
        .and_then(|p| p.get(name))
        .unwrap_or_else(|| panic!("property {name} missing"))
}

fn strs(n: &Node) -> Vec<String> {
    n.items()
        .iter()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect()
}

/// `Fn::Sub [fmt, {vars}]` → (fmt, vars node).
fn sub_parts(n: &Node) -> (String, Node) {
    match &n.value {
        NodeValue::Intrinsic { name, arg } if name == "Fn::Sub" => (
            arg.items()[0].as_str().unwrap().to_string(),
            arg.items()[1].clone(),
        ),
        other => panic!("not a Fn::Sub: {other:?}"),
    }
}

fn ref_of(n: &Node) -> Option<&str> {
    match &n.value {
        NodeValue::Intrinsic { name, arg } if name == "Ref" => arg.as_str(),
        _ => None,
    }
}

const HEAD: &str =
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n";

#[test]
fn detects_transform_string_and_list() {
    let a = load("a.yaml", HEAD).unwrap();
    assert!(is_sam(&a));
    let b = load(
        "b.yaml",
        "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources: {}\n",
    )
    .unwrap();
    assert!(is_sam(&b));
    let (out, _) = expand(&b);
    // The other transform stays.
    assert_eq!(
        strs(out.get("Transform").unwrap()),
        vec!["AWS::LanguageExtensions"]
    );
    let c = load("c.yaml", "Resources: {}\n").unwrap();
    assert!(!is_sam(&c));
}

#[test]
fn globals_merge_into_functions() {
    let text = format!(
        "{HEAD}Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    Layers: [arn:aws:lambda:us-east-1:111122223333:layer:common:1]
    Environment:
      Variables:
        STAGE: prod
        LOG_LEVEL: info
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: s3://bucket/code.zip
      Timeout: 30
      Layers: [arn:aws:lambda:us-east-1:111122223333:layer:own:2]
      Environment:
        Variables:
          LOG_LEVEL: debug
"
    );
    let (t, warnings) = expand_yaml(&text);
    assert!(t.get("Transform").is_none());
    assert!(t.get("Globals").is_none());
    let f = res(&t, "Fn");
    assert_eq!(ty(f), "AWS::Lambda::Function");
    assert_eq!(prop(f, "Runtime").as_str(), Some("python3.12"));
    assert_eq!(prop(f, "Timeout").value, NodeValue::Number(30.0));
    assert_eq!(
        strs(prop(f, "Layers")),
        vec![
            "arn:aws:lambda:us-east-1:111122223333:layer:common:1",
            "arn:aws:lambda:us-east-1:111122223333:layer:own:2"
        ]
    );
    let vars = prop(f, "Environment").get("Variables").unwrap();
    assert_eq!(vars.get("STAGE").and_then(Node::as_str), Some("prod"));
    assert_eq!(vars.get("LOG_LEVEL").and_then(Node::as_str), Some("debug"));
    let code = prop(f, "Code");
    assert_eq!(code.get("S3Bucket").and_then(Node::as_str), Some("bucket"));
    assert_eq!(code.get("S3Key").and_then(Node::as_str), Some("code.zip"));
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn globals_with_condition_do_not_crash() {
    let text = format!(
        "{HEAD}Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Tracing: !If [IsProd, Active, PassThrough]
    Environment: !If [IsProd, {{Variables: {{A: b}}}}, !Ref AWS::NoValue]
  Api: 7
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      Handler: x
      Environment:
        Variables: {{C: d}}
      Policies: 42
      Events: [not, a, map]
      DeadLetterQueue: nope
      FunctionUrlConfig: []
"
    );
    let (t, warnings) = expand_yaml(&text);
    let f = res(&t, "Fn");
    assert_eq!(f.get("Condition").and_then(Node::as_str), Some("IsProd"));
    // Generated resources carry the function's Condition.
    assert_eq!(
        res(&t, "FnRole").get("Condition").and_then(Node::as_str),
        Some("IsProd")
    );
    assert!(!warnings.is_empty());
}

#[test]
fn generated_role_with_policy_template_and_managed_policies() {
    let text = format!(
        "{HEAD}Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      CodeUri: src/
      Tracing: Active
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      Policies:
        - AmazonS3ReadOnlyAccess
        - arn:aws:iam::111122223333:policy/Custom
        - DynamoDBCrudPolicy:
            TableName: !Ref Table
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: '*'
        - NoSuchPolicyTemplate: {{}}
"
    );
    let (t, warnings) = expand_yaml(&text);
    let f = res(&t, "Fn");
    match &prop(f, "Role").value {
        NodeValue::Intrinsic { name, arg } => {
            assert_eq!(name, "Fn::GetAtt");
            assert_eq!(strs(arg), vec!["FnRole", "Arn"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        prop(f, "TracingConfig").get("Mode").and_then(Node::as_str),
        Some("Active")
    );
    // A local CodeUri is kept for the package scanner.
    assert_eq!(prop(f, "CodeUri").as_str(), Some("src/"));

    let role = res(&t, "FnRole");
    assert_eq!(ty(role), "AWS::IAM::Role");
    let trust = prop(role, "AssumeRolePolicyDocument");
    let principal = &trust.get("Statement").unwrap().items()[0]
        .get("Principal")
        .unwrap();
    assert_eq!(
        strs(principal.get("Service").unwrap()),
        vec!["lambda.amazonaws.com"]
    );
    assert_eq!(
        strs(prop(role, "ManagedPolicyArns")),
        vec![
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "arn:aws:iam::111122223333:policy/Custom",
        ]
    );
    let policies = prop(role, "Policies").items();
    assert_eq!(policies.len(), 2);
    assert_eq!(
        policies[0].get("PolicyName").and_then(Node::as_str),
        Some("FnRolePolicy2")
    );
    let stmt = &policies[0]
        .get("PolicyDocument")
        .unwrap()
        .get("Statement")
        .unwrap()
        .items()[0];
    let actions = strs(stmt.get("Action").unwrap());
    assert!(
        actions.contains(&"dynamodb:PutItem".to_string()),
        "{actions:?}"
    );
    assert!(actions.contains(&"dynamodb:DeleteItem".to_string()));
    let resources = stmt.get("Resource").unwrap().items();
    assert_eq!(resources.len(), 2);
    let (fmt, vars) = sub_parts(&resources[0]);
    assert_eq!(
        fmt,
        "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}"
    );
    // The template parameter is replaced by the template's value, as a node.
    assert_eq!(ref_of(vars.get("tableName").unwrap()), Some("Table"));
    assert_eq!(
        policies[1].get("PolicyName").and_then(Node::as_str),
        Some("FnRolePolicy3")
    );
    assert!(
        warnings.iter().any(|w| w.contains("NoSuchPolicyTemplate")),
        "{warnings:?}"
    );
}

#[test]
fn given_role_means_no_generated_role() {
    let text = format!(
        "{HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      Role: arn:aws:iam::111122223333:role/r
"
    );
    let (t, _) = expand_yaml(&text);
    assert_eq!(
        prop(res(&t, "Fn"), "Role").as_str(),
        Some("arn:aws:iam::111122223333:role/r")
    );
    assert!(!ids(&t).contains(&"FnRole".to_string()));
}

#[test]
fn function_url_none_gets_public_permissions() {
    let text = format!(
        "{HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      FunctionUrlConfig:
        AuthType: NONE
        Cors:
          AllowOrigins: ['*']
"
    );
    let (t, _) = expand_yaml(&text);
    let url = res(&t, "FnUrl");
    assert_eq!(ty(url), "AWS::Lambda::Url");
    assert_eq!(prop(url, "AuthType").as_str(), Some("NONE"));
    assert_eq!(ref_of(prop(url, "TargetFunctionArn")), Some("Fn"));
    let p = res(&t, "FnUrlPublicPermissions");
    assert_eq!(ty(p), "AWS::Lambda::Permission");
    assert_eq!(prop(p, "Principal").as_str(), Some("*"));
    assert_eq!(prop(p, "Action").as_str(), Some("lambda:InvokeFunctionUrl"));
    assert_eq!(prop(p, "FunctionUrlAuthType").as_str(), Some("NONE"));
    assert_eq!(ref_of(prop(p, "FunctionName")), Some("Fn"));
    let p2 = res(&t, "FnURLInvokeAllowPublicAccess");
    assert_eq!(prop(p2, "Action").as_str(), Some("lambda:InvokeFunction"));
    assert_eq!(
        prop(p2, "InvokedViaFunctionUrl").value,
        NodeValue::Bool(true)
    );
}

#[test]
fn function_url_iam_has_no_public_permission() {
    let text = format!(
        "{HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      FunctionUrlConfig: {{AuthType: AWS_IAM}}
"
    );
    let (t, _) = expand_yaml(&text);
    assert!(ids(&t).contains(&"FnUrl".to_string()));
    assert!(!ids(&t).iter().any(|i| i.contains("Public")));
}

#[test]
fn api_and_http_api_events() {
    let text = format!(
        "{HEAD}Resources:
  MyApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      Events:
        Get:
          Type: Api
          Properties:
            Path: /items/{{id}}/
            Method: get
        Explicit:
          Type: Api
          Properties:
            Path: /x
            Method: any
            RestApiId: !Ref MyApi
        Http:
          Type: HttpApi
"
    );
    let (t, warnings) = expand_yaml(&text);
    let p = res(&t, "FnGetPermissionProd");
    assert_eq!(
        prop(p, "Principal").as_str(),
        Some("apigateway.amazonaws.com")
    );
    let (fmt, vars) = sub_parts(prop(p, "SourceArn"));
    assert_eq!(
        fmt,
        // SAM writes path parameters as `*` (aws-sam-translator 1.115.0,
        // SwaggerEditor.get_path_without_trailing_slash).
        "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/GET/items/*"
    );
    assert_eq!(
        ref_of(vars.get("__ApiId__").unwrap()),
        Some("ServerlessRestApi")
    );
    assert_eq!(vars.get("__Stage__").and_then(Node::as_str), Some("*"));
    assert_eq!(ty(res(&t, "ServerlessRestApi")), "AWS::ApiGateway::RestApi");

    let p = res(&t, "FnExplicitPermissiondev");
    let (fmt, vars) = sub_parts(prop(p, "SourceArn"));
    assert!(fmt.ends_with("${__ApiId__}/${__Stage__}/*/x"), "{fmt}");
    assert_eq!(ref_of(vars.get("__ApiId__").unwrap()), Some("MyApi"));
    assert_eq!(ty(res(&t, "MyApi")), "AWS::ApiGateway::RestApi");
    assert_eq!(ty(res(&t, "MyApidevStage")), "AWS::ApiGateway::Stage");

    let p = res(&t, "FnHttpPermission");
    let (fmt, vars) = sub_parts(prop(p, "SourceArn"));
    assert!(fmt.ends_with("${__ApiId__}/${__Stage__}/$default"), "{fmt}");
    assert_eq!(
        ref_of(vars.get("__ApiId__").unwrap()),
        Some("ServerlessHttpApi")
    );
    assert_eq!(ty(res(&t, "ServerlessHttpApi")), "AWS::ApiGatewayV2::Api");
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn s3_event_permission_and_bucket_notification() {
    let text = format!(
        "{HEAD}Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Bucket
            Events: s3:ObjectCreated:*
"
    );
    let (t, warnings) = expand_yaml(&text);
    let p = res(&t, "FnUploadPermission");
    assert_eq!(prop(p, "Principal").as_str(), Some("s3.amazonaws.com"));
    assert_eq!(ref_of(prop(p, "SourceAccount")), Some("AWS::AccountId"));
    // As SAM: no SourceArn (it would make the bucket and the permission depend on each other).
    assert!(p.get("Properties").unwrap().get("SourceArn").is_none());
    let bucket = res(&t, "Bucket");
    let lc = prop(bucket, "NotificationConfiguration")
        .get("LambdaConfigurations")
        .unwrap()
        .items();
    assert_eq!(lc.len(), 1);
    assert_eq!(
        lc[0].get("Event").and_then(Node::as_str),
        Some("s3:ObjectCreated:*")
    );
    assert_eq!(
        strs(bucket.get("DependsOn").unwrap()),
        vec!["FnUploadPermission"]
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn sns_schedule_and_logs_events() {
    let text = format!(
        "{HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      Events:
        Topic:
          Type: SNS
          Properties:
            Topic: !Ref MyTopic
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
            Enabled: false
        Logs:
          Type: CloudWatchLogs
          Properties:
            LogGroupName: /aws/x
            FilterPattern: ERROR
        Skill:
          Type: AlexaSkill
          Properties:
            SkillId: amzn1.ask.skill.1
"
    );
    let (t, _) = expand_yaml(&text);
    let p = res(&t, "FnTopicPermission");
    assert_eq!(prop(p, "Principal").as_str(), Some("sns.amazonaws.com"));
    assert_eq!(ref_of(prop(p, "SourceArn")), Some("MyTopic"));
    assert_eq!(ty(res(&t, "FnTopic")), "AWS::SNS::Subscription");

    let rule = res(&t, "FnNightly");
    assert_eq!(ty(rule), "AWS::Events::Rule");
    assert_eq!(
        prop(rule, "ScheduleExpression").as_str(),
        Some("rate(1 day)")
    );
    assert_eq!(prop(rule, "State").as_str(), Some("DISABLED"));
    let p = res(&t, "FnNightlyPermission");
    assert_eq!(prop(p, "Principal").as_str(), Some("events.amazonaws.com"));
    match &prop(p, "SourceArn").value {
        NodeValue::Intrinsic { name, arg } => {
            assert_eq!(name, "Fn::GetAtt");
            assert_eq!(strs(arg), vec!["FnNightly", "Arn"]);
        }
        other => panic!("{other:?}"),
    }

    let p = res(&t, "FnLogsPermission");
    assert_eq!(prop(p, "Principal").as_str(), Some("logs.amazonaws.com"));
    assert_eq!(ty(res(&t, "FnLogs")), "AWS::Logs::SubscriptionFilter");

    let p = res(&t, "FnSkillPermission");
    assert_eq!(
        prop(p, "Principal").as_str(),
        Some("alexa-appkit.amazon.com")
    );
    assert_eq!(
        prop(p, "EventSourceToken").as_str(),
        Some("amzn1.ask.skill.1")
    );
}

#[test]
fn sqs_event_source_mapping_and_role_policy() {
    let text = format!(
        "{HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Q.Arn
            BatchSize: 5
"
    );
    let (t, _) = expand_yaml(&text);
    let m = res(&t, "FnQueue");
    assert_eq!(ty(m), "AWS::Lambda::EventSourceMapping");
    assert_eq!(ref_of(prop(m, "FunctionName")), Some("Fn"));
    assert!(
        matches!(&prop(m, "EventSourceArn").value, NodeValue::Intrinsic { name, .. } if name == "Fn::GetAtt")
    );
    assert_eq!(prop(m, "BatchSize").value, NodeValue::Number(5.0));
    assert!(!ids(&t).iter().any(|i| i.contains("Permission")));
    let managed = strs(prop(res(&t, "FnRole"), "ManagedPolicyArns"));
    assert!(managed.contains(
        &"arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole".to_string()
    ));
}

#[test]
fn alias_event_invoke_config_and_dlq() {
    let text = format!(
        "{HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      AutoPublishAlias: live
      DeadLetterQueue:
        Type: SQS
        TargetArn: !GetAtt Dlq.Arn
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnFailure:
            Type: SNS
"
    );
    let (t, _) = expand_yaml(&text);
    assert_eq!(ty(res(&t, "FnAliaslive")), "AWS::Lambda::Alias");
    assert_eq!(ty(res(&t, "FnVersion")), "AWS::Lambda::Version");
    let eic = res(&t, "FnEventInvokeConfig");
    assert_eq!(ty(eic), "AWS::Lambda::EventInvokeConfig");
    assert_eq!(prop(eic, "Qualifier").as_str(), Some("live"));
    assert_eq!(
        prop(eic, "MaximumRetryAttempts").value,
        NodeValue::Number(0.0)
    );
    let dest = prop(eic, "DestinationConfig")
        .get("OnFailure")
        .unwrap()
        .get("Destination")
        .unwrap();
    assert_eq!(ref_of(dest), Some("FnEventInvokeConfigOnFailureTopic"));
    assert_eq!(
        ty(res(&t, "FnEventInvokeConfigOnFailureTopic")),
        "AWS::SNS::Topic"
    );
    let f = res(&t, "Fn");
    assert!(f
        .get("Properties")
        .unwrap()
        .get("DeadLetterConfig")
        .is_some());
    let names: Vec<String> = prop(res(&t, "FnRole"), "Policies")
        .items()
        .iter()
        .filter_map(|p| {
            p.get("PolicyName")
                .and_then(Node::as_str)
                .map(str::to_string)
        })
        .collect();
    assert_eq!(
        names,
        vec![
            "DeadLetterQueuePolicy",
            "FnEventInvokeConfigOnFailureSNSPolicy"
        ]
    );
}

#[test]
fn layer_and_simple_table() {
    let text = format!(
        "{HEAD}Resources:
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: s3://b/layer.zip?versionId=3
      RetentionPolicy: Retain
  Table:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {{Name: pk, Type: Number}}
"
    );
    let (t, _) = expand_yaml(&text);
    let l = res(&t, "Layer");
    assert_eq!(ty(l), "AWS::Lambda::LayerVersion");
    assert_eq!(
        prop(l, "Content")
            .get("S3ObjectVersion")
            .and_then(Node::as_str),
        Some("3")
    );
    assert_eq!(
        l.get("DeletionPolicy").and_then(Node::as_str),
        Some("Retain")
    );
    let tb = res(&t, "Table");
    assert_eq!(ty(tb), "AWS::DynamoDB::Table");
    assert_eq!(
        prop(tb, "AttributeDefinitions").items()[0]
            .get("AttributeType")
            .and_then(Node::as_str),
        Some("N")
    );
}

#[test]
fn generated_nodes_point_into_the_sam_template() {
    let text = format!(
        "{HEAD}Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: x
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref Table
      FunctionUrlConfig:
        AuthType: NONE
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
"
    );
    // Lines (1-based): 1 version, 2 transform, 3 Resources, 4 Table, ...
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(needle))
            .unwrap() as u32
            + 1
    };
    let (t, _) = expand_yaml(&text);
    let fn_line = line_of("Fn:");
    let resources = t.get("Resources").unwrap();
    // The role and the function point at the function's logical id.
    assert_eq!(resources.key_loc("FnRole").unwrap().line, fn_line);
    assert_eq!(res(&t, "FnRole").loc.line, fn_line);
    assert_eq!(res(&t, "Fn").loc.line, fn_line);
    // The template policy points at the template's name in Policies; the substituted value
    // keeps its own location.
    let policy = &prop(res(&t, "FnRole"), "Policies").items()[0];
    assert_eq!(policy.loc.line, line_of("- DynamoDBCrudPolicy:"));
    let stmt = &policy
        .get("PolicyDocument")
        .unwrap()
        .get("Statement")
        .unwrap()
        .items()[0];
    assert_eq!(stmt.loc.line, line_of("- DynamoDBCrudPolicy:"));
    let (_, vars) = sub_parts(&stmt.get("Resource").unwrap().items()[0]);
    assert_eq!(
        vars.get("tableName").unwrap().loc.line,
        line_of("TableName:")
    );
    // URL resources point at FunctionUrlConfig / AuthType.
    assert_eq!(
        resources.key_loc("FnUrl").unwrap().line,
        line_of("FunctionUrlConfig:")
    );
    assert_eq!(
        res(&t, "FnUrlPublicPermissions").loc.line,
        line_of("AuthType: NONE")
    );
    // Event resources point at the event's name.
    assert_eq!(res(&t, "FnNightly").loc.line, line_of("Nightly:"));
    assert_eq!(res(&t, "FnNightlyPermission").loc.line, line_of("Nightly:"));
    assert!(res(&t, "FnNightlyPermission").loc.file.is_some());
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        format!("{HEAD}Resources: 5\n"),
        format!("{HEAD}Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: 3\n"),
        format!("{HEAD}Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"),
        format!(
            "{HEAD}Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {{Type: S3, Properties: {{Bucket: x}}}}\n        F: {{Type: Api, Properties: 1}}\n        G: {{Properties: {{}}}}\n        H: {{Type: Nope}}\n      Policies: [{{Fn::If: [C, AmazonS3ReadOnlyAccess, !Ref AWS::NoValue]}}, {{a: 1, b: 2}}, [1]]\n      CodeUri: 5\n      Tags: [1]\n      AutoPublishAlias: !Ref A\n      EventInvokeConfig: {{DestinationConfig: {{OnFailure: {{Type: X}}}}}}\n"
        ),
        format!("{HEAD}Globals: 1\nResources:\n  A:\n    Type: AWS::Serverless::Application\n"),
    ] {
        let root = load("t.yaml", &text).expect("parses");
        let _ = expand(&root);
    }
    let scalar = load("s.yaml", "just a string\n").unwrap();
    let (_, w) = expand(&scalar);
    assert!(!w.is_empty());
}
