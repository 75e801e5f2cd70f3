//! Serverless Framework `serverless.yml` compiled into plain CloudFormation.

use lambdasec_cloudformation::load::load;
use lambdasec_cloudformation::serverless::{is_serverless, to_cloudformation};
use lambdasec_cloudformation::{Node, NodeValue};
use std::collections::HashMap;

fn compile_env(yaml: &str, env: &[(&str, &str)]) -> (Node, Node, Vec<String>) {
    let root = load("serverless.yml", yaml).expect("valid yaml");
    assert!(is_serverless(&root));
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (t, w) = to_cloudformation(&root, &env);
    (root, t, w)
}

fn compile(yaml: &str) -> Node {
    compile_env(yaml, &[]).1
}

fn res<'a>(t: &'a Node, id: &str) -> &'a Node {
    t.get("Resources")
        .and_then(|r| r.get(id))
        .unwrap_or_else(|| panic!("no resource {id}; have {:?}", ids(t)))
}

fn ids(t: &Node) -> Vec<String> {
    t.get("Resources")
        .map(|r| r.entries().iter().map(|(k, _)| k.name.clone()).collect())
        .unwrap_or_default()
}

fn prop<'a>(t: &'a Node, id: &str, path: &str) -> &'a Node {
    let mut cur = res(t, id).get("Properties").expect("Properties");
    for seg in path.split('.') {
        cur = match &cur.value {
            NodeValue::List(items) => &items[seg.parse::<usize>().unwrap()],
            _ => cur
                .get(seg)
                .unwrap_or_else(|| panic!("{id}: no {seg} in {path}: {cur:?}")),
        };
    }
    cur
}

fn s(n: &Node) -> &str {
    n.as_str()
        .unwrap_or_else(|| panic!("not a string: {:?}", n.value))
}

fn intrinsic(n: &Node) -> (&str, &Node) {
    match &n.value {
        NodeValue::Intrinsic { name, arg } => (name.as_str(), arg),
        other => panic!("not an intrinsic: {other:?}"),
    }
}

/// Flattens a Fn::Join / Fn::Sub / Ref tree into text for easy comparison.
fn flat(n: &Node) -> String {
    match &n.value {
        NodeValue::String(s) => s.clone(),
        NodeValue::Number(x) => x.to_string(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::List(items) => items.iter().map(flat).collect::<Vec<_>>().join(","),
        NodeValue::Intrinsic { name, arg } if name == "Fn::Join" => {
            let items = arg.items();
            let sep = items[0].as_str().unwrap_or("");
            items[1]
                .items()
                .iter()
                .map(flat)
                .collect::<Vec<_>>()
                .join(sep)
        }
        NodeValue::Intrinsic { name, arg } if name == "Ref" => format!("{{{}}}", flat(arg)),
        NodeValue::Intrinsic { name, arg } => format!("{name}({})", flat(arg)),
        NodeValue::Map(entries) => entries
            .iter()
            .map(|(k, v)| format!("{}={}", k.name, flat(v)))
            .collect::<Vec<_>>()
            .join(";"),
        NodeValue::Null => "null".into(),
    }
}

fn strings(n: &Node) -> Vec<String> {
    n.items().iter().map(flat).collect()
}

const BASIC: &str = r#"
service: orders
custom:
  table: orders-table-${self:provider.stage}
  runtime: python3.12
provider:
  name: aws
  stage: ${opt:stage, 'prod'}
  region: eu-west-1
  runtime: ${self:custom.runtime}
  memorySize: 512
  timeout: 30
  environment:
    TABLE: ${self:custom.table}
    SHARED: provider
  iam:
    role:
      statements:
        - Effect: Allow
          Action: dynamodb:*
          Resource: "*"
functions:
  hello:
    handler: handler.hello
    environment:
      SHARED: function
      SECRET: ${ssm:/orders/secret}
      TOKEN: ${env:TOKEN}
      MIXED: prefix-${ssm:/x}-suffix
      FALLBACK: ${self:custom.missing, 'fb'}
  get-item_v2:
    handler: handler.get
    timeout: 10
"#;

#[test]
fn detects_serverless() {
    let root = load("serverless.yml", BASIC).unwrap();
    assert!(is_serverless(&root));
    let cfn = load("t.yml", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n").unwrap();
    assert!(!is_serverless(&cfn));
}

#[test]
fn provider_defaults_merged_into_functions() {
    let (_, t, _) = compile_env(BASIC, &[("TOKEN", "tok")]);
    let id = "HelloLambdaFunction";
    assert_eq!(s(res(&t, id).get("Type").unwrap()), "AWS::Lambda::Function");
    assert_eq!(s(prop(&t, id, "FunctionName")), "orders-prod-hello");
    assert_eq!(s(prop(&t, id, "Handler")), "handler.hello");
    assert_eq!(s(prop(&t, id, "Runtime")), "python3.12");
    assert_eq!(prop(&t, id, "MemorySize").value, NodeValue::Number(512.0));
    assert_eq!(prop(&t, id, "Timeout").value, NodeValue::Number(30.0));
    let vars = prop(&t, id, "Environment.Variables");
    assert_eq!(s(vars.get("SHARED").unwrap()), "function");
    assert_eq!(s(vars.get("TOKEN").unwrap()), "tok");
    assert_eq!(s(vars.get("FALLBACK").unwrap()), "fb");

    // Second function: normalised logical id, own timeout, provider environment.
    let id2 = "GetDashitemUnderscorev2LambdaFunction";
    assert_eq!(s(prop(&t, id2, "FunctionName")), "orders-prod-get-item_v2");
    assert_eq!(prop(&t, id2, "Timeout").value, NodeValue::Number(10.0));
    assert_eq!(s(prop(&t, id2, "Environment.Variables.SHARED")), "provider");
    assert_eq!(
        flat(prop(&t, id2, "Role")),
        "Fn::GetAtt(IamRoleLambdaExecution,Arn)"
    );
    assert!(ids(&t).contains(&"ServerlessDeploymentBucket".to_string()));
}

#[test]
fn self_custom_resolved_recursively() {
    let t = compile(BASIC);
    let vars = prop(&t, "HelloLambdaFunction", "Environment.Variables");
    // custom.table itself refers to provider.stage, which defaults through opt:stage.
    assert_eq!(s(vars.get("TABLE").unwrap()), "orders-table-prod");
}

#[test]
fn ssm_and_missing_env_are_unknown_references() {
    let (_, t, warnings) = compile_env(BASIC, &[]);
    let vars = prop(&t, "HelloLambdaFunction", "Environment.Variables");
    let (name, arg) = intrinsic(vars.get("SECRET").unwrap());
    assert_eq!(name, "Fn::ImportValue");
    assert_eq!(s(arg), "${ssm:/orders/secret}");
    let (name, arg) = intrinsic(vars.get("TOKEN").unwrap());
    assert_eq!(name, "Fn::ImportValue");
    assert_eq!(s(arg), "${env:TOKEN}");
    assert!(warnings.iter().any(|w| w.contains("${env:TOKEN}")));
    // Partly known: a Sub with the unknown part as a variable.
    let (name, arg) = intrinsic(vars.get("MIXED").unwrap());
    assert_eq!(name, "Fn::Sub");
    assert_eq!(s(&arg.items()[0]), "prefix-${Var1}-suffix");
    let (n, a) = intrinsic(arg.items()[1].get("Var1").unwrap());
    assert_eq!((n, s(a)), ("Fn::ImportValue", "${ssm:/x}"));
}

#[test]
fn cloudformation_sub_placeholders_are_left_alone() {
    let t = compile(
        r#"
service: svc
provider:
  name: aws
  environment:
    ARN: !Sub "arn:aws:s3:::${AWS::Region}-${Bucket}-${sls:stage}"
functions:
  a:
    handler: h
"#,
    );
    let (name, arg) = intrinsic(prop(&t, "ALambdaFunction", "Environment.Variables.ARN"));
    assert_eq!(name, "Fn::Sub");
    assert_eq!(s(arg), "arn:aws:s3:::${AWS::Region}-${Bucket}-dev");
}

#[test]
fn circular_variables_do_not_hang() {
    let (_, t, warnings) = compile_env(
        r#"
service: svc
custom:
  a: ${self:custom.b}${self:custom.b}${self:custom.b}
  b: ${self:custom.a}${self:custom.a}${self:custom.a}
provider:
  name: aws
  stage: ${self:provider.stage}
  runtime: ${self:custom.a}
functions:
  a:
    handler: h
"#,
        &[],
    );
    assert!(!warnings.is_empty());
    assert_eq!(s(prop(&t, "ALambdaFunction", "FunctionName")), "svc-dev-a");
}

#[test]
fn default_role_with_statements_and_log_permissions() {
    let t = compile(BASIC);
    let role = res(&t, "IamRoleLambdaExecution");
    assert_eq!(s(role.get("Type").unwrap()), "AWS::IAM::Role");
    let trust = prop(
        &t,
        "IamRoleLambdaExecution",
        "AssumeRolePolicyDocument.Statement.0",
    );
    assert_eq!(
        strings(trust.get("Principal").unwrap().get("Service").unwrap()),
        vec!["lambda.amazonaws.com"]
    );
    let sts = prop(
        &t,
        "IamRoleLambdaExecution",
        "Policies.0.PolicyDocument.Statement",
    );
    let first = &sts.items()[0];
    assert!(strings(first.get("Action").unwrap()).contains(&"logs:CreateLogStream".to_string()));
    let resources = strings(first.get("Resource").unwrap());
    assert!(
        resources.contains(
            &"Fn::Sub(arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/orders-prod-hello:*)"
                .to_string()
        ),
        "{resources:?}"
    );
    let put = &sts.items()[1];
    assert_eq!(
        strings(put.get("Action").unwrap()),
        vec!["logs:PutLogEvents"]
    );
    // The provider statement keeps its place in serverless.yml.
    let user = &sts.items()[2];
    assert_eq!(s(user.get("Action").unwrap()), "dynamodb:*");
    assert_eq!(user.loc.line, 19);
}

#[test]
fn legacy_iam_role_statements_and_managed_policies() {
    let t = compile(
        r#"
service: legacy
provider:
  name: aws
  runtime: nodejs18.x
  iamRoleStatements:
    - Effect: Allow
      Action: ["s3:*"]
      Resource: "*"
  iamManagedPolicies:
    - arn:aws:iam::aws:policy/AdministratorAccess
  rolePermissionsBoundary: arn:aws:iam::123456789012:policy/boundary
functions:
  a:
    handler: h
"#,
    );
    let sts = prop(
        &t,
        "IamRoleLambdaExecution",
        "Policies.0.PolicyDocument.Statement",
    );
    assert!(sts
        .items()
        .iter()
        .any(|st| flat(st.get("Action").unwrap()) == "s3:*"));
    assert_eq!(
        strings(prop(&t, "IamRoleLambdaExecution", "ManagedPolicyArns")),
        vec!["arn:aws:iam::aws:policy/AdministratorAccess"]
    );
    assert_eq!(
        s(prop(&t, "IamRoleLambdaExecution", "PermissionsBoundary")),
        "arn:aws:iam::123456789012:policy/boundary"
    );
}

#[test]
fn function_level_and_provider_level_roles() {
    let t = compile(
        r#"
service: roles
provider:
  name: aws
  runtime: nodejs18.x
functions:
  byName:
    handler: h
    role: MyRole
  byArn:
    handler: h
    role: arn:aws:iam::123456789012:role/existing
  byGetAtt:
    handler: h
    role: !GetAtt Other.Arn
  shared:
    handler: h
resources:
  Resources:
    MyRole:
      Type: AWS::IAM::Role
"#,
    );
    assert_eq!(
        flat(prop(&t, "ByNameLambdaFunction", "Role")),
        "Fn::GetAtt(MyRole,Arn)"
    );
    assert_eq!(
        s(prop(&t, "ByArnLambdaFunction", "Role")),
        "arn:aws:iam::123456789012:role/existing"
    );
    assert_eq!(
        intrinsic(prop(&t, "ByGetAttLambdaFunction", "Role")).0,
        "Fn::GetAtt"
    );
    // Only `shared` uses the default role, so only its log group is in the policy.
    let sts = prop(
        &t,
        "IamRoleLambdaExecution",
        "Policies.0.PolicyDocument.Statement",
    );
    let resources = strings(sts.items()[0].get("Resource").unwrap());
    assert_eq!(resources.len(), 1);
    assert!(resources[0].contains("roles-dev-shared"));

    // A provider-wide existing role: no default role at all.
    let t = compile(
        r#"
service: roles
provider:
  name: aws
  iam:
    role: arn:aws:iam::123456789012:role/shared
functions:
  a:
    handler: h
"#,
    );
    assert_eq!(
        s(prop(&t, "ALambdaFunction", "Role")),
        "arn:aws:iam::123456789012:role/shared"
    );
    assert!(!ids(&t).contains(&"IamRoleLambdaExecution".to_string()));
}

#[test]
fn function_url_public_and_iam() {
    let t = compile(
        r#"
service: urls
provider:
  name: aws
functions:
  open:
    handler: h
    url: true
  locked:
    handler: h
    url:
      authorizer: aws_iam
      cors: true
"#,
    );
    assert_eq!(
        s(res(&t, "OpenLambdaFunctionUrl").get("Type").unwrap()),
        "AWS::Lambda::Url"
    );
    assert_eq!(s(prop(&t, "OpenLambdaFunctionUrl", "AuthType")), "NONE");
    assert_eq!(
        flat(prop(&t, "OpenLambdaFunctionUrl", "TargetFunctionArn")),
        "Fn::GetAtt(OpenLambdaFunction,Arn)"
    );
    assert_eq!(s(prop(&t, "OpenLambdaPermissionFnUrl", "Principal")), "*");
    assert_eq!(
        s(prop(&t, "OpenLambdaPermissionFnUrl", "Action")),
        "lambda:InvokeFunctionUrl"
    );
    assert_eq!(
        s(prop(&t, "OpenLambdaPermissionFnUrl", "FunctionUrlAuthType")),
        "NONE"
    );

    assert_eq!(
        s(prop(&t, "LockedLambdaFunctionUrl", "AuthType")),
        "AWS_IAM"
    );
    assert_eq!(
        strings(prop(&t, "LockedLambdaFunctionUrl", "Cors.AllowOrigins")),
        vec!["*"]
    );
    assert!(!ids(&t).contains(&"LockedLambdaPermissionFnUrl".to_string()));
}

#[test]
fn vpc_config_and_managed_vpc_policy() {
    let t = compile(
        r#"
service: net
provider:
  name: aws
  vpc:
    securityGroupIds: [sg-1]
    subnetIds: [subnet-1, subnet-2]
functions:
  a:
    handler: h
"#,
    );
    assert_eq!(
        strings(prop(&t, "ALambdaFunction", "VpcConfig.SecurityGroupIds")),
        vec!["sg-1"]
    );
    assert_eq!(
        strings(prop(&t, "ALambdaFunction", "VpcConfig.SubnetIds")),
        vec!["subnet-1", "subnet-2"]
    );
    assert_eq!(
        strings(prop(&t, "IamRoleLambdaExecution", "ManagedPolicyArns")),
        vec!["arn:{AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
    );
}

#[test]
fn tracing_provider_and_function() {
    let t = compile(
        r#"
service: trace
provider:
  name: aws
  tracing:
    lambda: true
functions:
  a:
    handler: h
  b:
    handler: h
    tracing: PassThrough
"#,
    );
    assert_eq!(
        s(prop(&t, "ALambdaFunction", "TracingConfig.Mode")),
        "Active"
    );
    assert_eq!(
        s(prop(&t, "BLambdaFunction", "TracingConfig.Mode")),
        "PassThrough"
    );
    let sts = prop(
        &t,
        "IamRoleLambdaExecution",
        "Policies.0.PolicyDocument.Statement",
    );
    assert!(sts
        .items()
        .iter()
        .any(|st| strings(st.get("Action").unwrap()).contains(&"xray:PutTraceSegments".into())));
}

#[test]
fn on_error_and_destinations() {
    let t = compile(
        r#"
service: async
provider:
  name: aws
functions:
  worker:
    handler: h
    onError: arn:aws:sns:us-east-1:123456789012:dlq
    maximumRetryAttempts: 1
    destinations:
      onFailure: arn:aws:sqs:us-east-1:123456789012:failures
      onSuccess: other
  other:
    handler: h
"#,
    );
    assert_eq!(
        s(prop(
            &t,
            "WorkerLambdaFunction",
            "DeadLetterConfig.TargetArn"
        )),
        "arn:aws:sns:us-east-1:123456789012:dlq"
    );
    let id = "WorkerLambdaEvConf";
    assert_eq!(
        s(res(&t, id).get("Type").unwrap()),
        "AWS::Lambda::EventInvokeConfig"
    );
    assert_eq!(
        s(prop(&t, id, "DestinationConfig.OnFailure.Destination")),
        "arn:aws:sqs:us-east-1:123456789012:failures"
    );
    assert_eq!(
        flat(prop(&t, id, "DestinationConfig.OnSuccess.Destination")),
        "Fn::Sub(arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:async-dev-other)"
    );
    assert_eq!(flat(prop(&t, id, "FunctionName")), "{WorkerLambdaFunction}");
    assert_eq!(
        prop(&t, id, "MaximumRetryAttempts").value,
        NodeValue::Number(1.0)
    );
    let sts = prop(
        &t,
        "IamRoleLambdaExecution",
        "Policies.0.PolicyDocument.Statement",
    );
    let actions: Vec<String> = sts
        .items()
        .iter()
        .map(|st| flat(st.get("Action").unwrap()))
        .collect();
    assert!(actions.contains(&"sns:Publish".to_string()), "{actions:?}");
    assert!(
        actions.contains(&"sqs:SendMessage".to_string()),
        "{actions:?}"
    );
}

#[test]
fn log_groups_with_retention() {
    let t = compile(
        r#"
service: logs
provider:
  name: aws
  logRetentionInDays: 14
functions:
  a:
    handler: h
  b:
    handler: h
    name: custom-name
    logRetentionInDays: 90
  c:
    handler: h
    disableLogs: true
"#,
    );
    assert_eq!(
        s(res(&t, "ALogGroup").get("Type").unwrap()),
        "AWS::Logs::LogGroup"
    );
    assert_eq!(
        s(prop(&t, "ALogGroup", "LogGroupName")),
        "/aws/lambda/logs-dev-a"
    );
    assert_eq!(
        prop(&t, "ALogGroup", "RetentionInDays").value,
        NodeValue::Number(14.0)
    );
    assert_eq!(
        s(prop(&t, "BLogGroup", "LogGroupName")),
        "/aws/lambda/custom-name"
    );
    assert_eq!(
        prop(&t, "BLogGroup", "RetentionInDays").value,
        NodeValue::Number(90.0)
    );
    assert!(!ids(&t).contains(&"CLogGroup".to_string()));
    assert_eq!(
        strings(res(&t, "ALambdaFunction").get("DependsOn").unwrap()),
        vec!["ALogGroup", "IamRoleLambdaExecution"]
    );
    // Without retention the log group still exists, without RetentionInDays.
    let t = compile("service: x\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: h\n");
    assert!(res(&t, "ALogGroup")
        .get("Properties")
        .unwrap()
        .get("RetentionInDays")
        .is_none());
}

#[test]
fn http_and_http_api_events() {
    let t = compile(
        r#"
service: api
provider:
  name: aws
functions:
  hello:
    handler: h
    events:
      - http:
          path: users/{id}
          method: get
      - http: POST users
      - httpApi: 'GET /items'
      - httpApi:
          method: POST
          path: /items
          authorizer:
            type: aws_iam
"#,
    );
    let p = "HelloLambdaPermissionApiGateway";
    assert_eq!(s(prop(&t, p, "Principal")), "apigateway.amazonaws.com");
    assert_eq!(
        flat(prop(&t, p, "SourceArn")),
        "arn:{AWS::Partition}:execute-api:{AWS::Region}:{AWS::AccountId}:{ApiGatewayRestApi}/*/*"
    );
    assert_eq!(
        s(prop(
            &t,
            "ApiGatewayMethodUsersIdVarGet",
            "AuthorizationType"
        )),
        "NONE"
    );
    assert_eq!(
        s(prop(&t, "ApiGatewayMethodUsersPost", "HttpMethod")),
        "POST"
    );
    assert_eq!(
        flat(prop(&t, "ApiGatewayResourceUsersIdVar", "ParentId")),
        "{ApiGatewayResourceUsers}"
    );
    assert_eq!(
        flat(prop(&t, "HelloLambdaPermissionHttpApi", "SourceArn")),
        "arn:{AWS::Partition}:execute-api:{AWS::Region}:{AWS::AccountId}:{HttpApi}/*"
    );
    assert_eq!(
        s(prop(&t, "HttpApiRouteGetItems", "AuthorizationType")),
        "NONE"
    );
    assert_eq!(
        s(prop(&t, "HttpApiRoutePostItems", "AuthorizationType")),
        "AWS_IAM"
    );
}

#[test]
fn s3_sns_schedule_sqs_stream_events() {
    let t = compile(
        r#"
service: ev
provider:
  name: aws
functions:
  proc:
    handler: h
    events:
      - s3:
          bucket: my-uploads
          event: s3:ObjectCreated:*
          rules:
            - prefix: uploads/
      - sns: alerts
      - schedule: rate(5 minutes)
      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
      - stream:
          type: dynamodb
          arn: arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2020
      - cloudwatchLog: /aws/lambda/other
      - websocket: $connect
"#,
    );
    let p = "ProcLambdaPermissionMyuploadsS3";
    assert_eq!(s(prop(&t, p, "Principal")), "s3.amazonaws.com");
    assert_eq!(
        flat(prop(&t, p, "SourceArn")),
        "arn:{AWS::Partition}:s3:::my-uploads"
    );
    assert_eq!(flat(prop(&t, p, "SourceAccount")), "{AWS::AccountId}");
    assert_eq!(s(prop(&t, "S3BucketMyuploads", "BucketName")), "my-uploads");
    assert_eq!(
        s(prop(
            &t,
            "S3BucketMyuploads",
            "NotificationConfiguration.LambdaConfigurations.0.Filter.S3Key.Rules.0.Value"
        )),
        "uploads/"
    );
    assert_eq!(
        flat(prop(&t, "ProcLambdaPermissionAlertsSNS", "SourceArn")),
        "{SNSTopicAlerts}"
    );
    assert_eq!(
        flat(prop(
            &t,
            "ProcLambdaPermissionEventsRuleSchedule1",
            "SourceArn"
        )),
        "Fn::GetAtt(ProcEventsRuleSchedule1,Arn)"
    );
    assert_eq!(
        s(prop(&t, "ProcEventsRuleSchedule1", "ScheduleExpression")),
        "rate(5 minutes)"
    );
    assert_eq!(
        s(prop(&t, "ProcEventSourceMappingSQSJobs", "EventSourceArn")),
        "arn:aws:sqs:us-east-1:123456789012:jobs"
    );
    assert!(ids(&t).contains(&"ProcEventSourceMappingDynamodbOrders".to_string()));
    assert!(ids(&t).contains(&"ProcLogsSubscriptionFilterCloudWatchLog1".to_string()));
    let sts = prop(
        &t,
        "IamRoleLambdaExecution",
        "Policies.0.PolicyDocument.Statement",
    );
    let actions: Vec<String> = sts
        .items()
        .iter()
        .map(|st| flat(st.get("Action").unwrap()))
        .collect();
    assert!(actions.iter().any(|a| a.contains("sqs:ReceiveMessage")));
    assert!(actions.iter().any(|a| a.contains("dynamodb:GetRecords")));
}

#[test]
fn resources_merged_and_overriding() {
    let t = compile(
        r#"
service: merged
provider:
  name: aws
functions:
  a:
    handler: h
resources:
  Resources:
    Table:
      Type: AWS::DynamoDB::Table
    ALogGroup:
      Properties:
        RetentionInDays: 7
  Outputs:
    TableName:
      Value: !Ref Table
  Conditions:
    IsProd: !Equals [!Ref AWS::StackName, prod]
"#,
    );
    assert_eq!(
        s(res(&t, "Table").get("Type").unwrap()),
        "AWS::DynamoDB::Table"
    );
    // Deep merge: the generated log group keeps its name and gets the retention.
    assert_eq!(
        s(prop(&t, "ALogGroup", "LogGroupName")),
        "/aws/lambda/merged-dev-a"
    );
    assert_eq!(
        prop(&t, "ALogGroup", "RetentionInDays").value,
        NodeValue::Number(7.0)
    );
    assert!(t.get("Outputs").unwrap().get("TableName").is_some());
    assert!(t.get("Conditions").unwrap().get("IsProd").is_some());

    // A list of resource maps (v3 `resources: [ … ]`).
    let t = compile(
        r#"
service: merged
provider:
  name: aws
resources:
  - Resources:
      One:
        Type: AWS::SNS::Topic
  - Resources:
      Two:
        Type: AWS::SQS::Queue
  - ${file(./missing.yml)}
"#,
    );
    assert!(ids(&t).contains(&"One".to_string()));
    assert!(ids(&t).contains(&"Two".to_string()));
}

#[test]
fn locations_point_into_serverless_yml() {
    let yaml = r#"service: located
provider:
  name: aws
  runtime: python3.12
  timeout: 20
functions:
  hello:
    handler: app.handler
    url: true
    events:
      - http: GET /
"#;
    let (_, t, _) = compile_env(yaml, &[]);
    let f = res(&t, "HelloLambdaFunction");
    assert_eq!(f.loc.file.as_deref(), Some("serverless.yml"));
    assert_eq!(f.loc.line, 7, "function resource at its key");
    let props = f.get("Properties").unwrap();
    assert_eq!(
        props.get("Runtime").unwrap().loc.line,
        4,
        "provider.runtime"
    );
    assert_eq!(props.key_loc("Timeout").unwrap().line, 5);
    assert_eq!(props.get("Handler").unwrap().loc.line, 8);
    assert_eq!(
        props.get("MemorySize").unwrap().loc.line,
        7,
        "default at fn key"
    );
    assert_eq!(res(&t, "HelloLambdaFunctionUrl").loc.line, 9);
    assert_eq!(res(&t, "HelloLambdaPermissionFnUrl").loc.line, 9);
    assert_eq!(res(&t, "HelloLogGroup").loc.line, 7);
    assert_eq!(res(&t, "HelloLambdaPermissionApiGateway").loc.line, 11);
}

#[test]
fn odd_input_does_not_panic() {
    for yaml in [
        "service: x\nprovider: 3\nfunctions: 4\n",
        "service: x\nfunctions:\n  a: null\n  b: [1]\n  c:\n    events: [null, 3, {http: 5}, {s3: {}}, {sqs: {}}, {url: 1}]\n    url: {cors: {allowedOrigins: 3}}\n    destinations: 5\n    vpc: 3\n    environment: [1]\n",
        "service: {name: x}\nprovider:\n  name: aws\n  iam: {role: {statements: 5, managedPolicies: x}}\n  environment: ${file(env.yml)}\nfunctions:\n  a:\n    handler: ${self:}\n    environment: {A: '${self:functions.a.handler}'}\n    role: ''\nresources: 5\n",
        "service: ${self:service}\nprovider: {stage: '${opt:stage', tags: 3}\nfunctions: {a: {handler: '${}${:}${ x }${{}}'}}\n",
    ] {
        let root = load("serverless.yml", yaml).unwrap();
        let _ = to_cloudformation(&root, &HashMap::new());
    }
}

#[test]
fn functions_are_reported_as_serverless_sam_and_cloudformation_ones_as_cloudformation() {
    use lambdasec_cloudformation::scan::scan_text;
    use lambdasec_model::SourceKind;
    use std::collections::HashMap;
    let none = HashMap::new();
    let sls = "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  api:\n    handler: app.handler\n";
    let inv = scan_text("serverless.yml", sls, &none, &none);
    assert_eq!(inv.functions.len(), 1, "{:?}", inv.errors);
    assert_eq!(inv.functions[0].kind, SourceKind::Serverless);
    let sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      CodeUri: src/\n";
    let inv = scan_text("template.yaml", sam, &none, &none);
    assert_eq!(inv.functions.len(), 1, "{:?}", inv.errors);
    assert_eq!(inv.functions[0].kind, SourceKind::CloudFormation);
}
