"""Builds, in a moto server, an AWS account that mirrors examples/: the orders API deployed
insecurely (orders-prod-*) and securely (secure-prod-*), in one region.

Run with AWS_ENDPOINT_URL pointing at the server. Usage: account.py REGION [EXTRA_FUNCTIONS]
EXTRA_FUNCTIONS plain functions are added (for the pagination and scale test).
"""

import io
import json
import sys
import zipfile

import boto3

REGION = sys.argv[1]
EXTRA = int(sys.argv[2]) if len(sys.argv) > 2 else 0
PARTNER = "210987654321"

session = boto3.session.Session(region_name=REGION)
iam = session.client("iam")
lam = session.client("lambda")
ec2 = session.client("ec2")
logs = session.client("logs")
kms = session.client("kms")
sqs = session.client("sqs")
sts = session.client("sts")
ACCOUNT = sts.get_caller_identity()["Account"]


def code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return 'ok'\n")
    return buf.getvalue()


def role(name, trust, inline=None, attach=()):
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    for pname, doc in (inline or {}).items():
        iam.put_role_policy(RoleName=name, PolicyName=pname, PolicyDocument=json.dumps(doc))
    for p in attach:
        iam.attach_role_policy(RoleName=name, PolicyArn=p)
    return arn


VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
LAMBDA_TRUST = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}


def insecure():
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=REGION + "a")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="orders-prod-api", Description="api", VpcId=vpc)["GroupId"]
    # The default egress rule (all traffic to 0.0.0.0/0) stays; one more, broad.
    ec2.authorize_security_group_egress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1024, "ToPort": 65535, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}],
    )
    role_arn = role(
        "orders-prod-lambda",
        {
            "Version": "2012-10-17",
            "Statement": [
                LAMBDA_TRUST,
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "sts:AssumeRole"},
            ],
        },
        inline={
            "dynamodb": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Sid": "Orders", "Effect": "Allow", "Action": ["dynamodb:*", "dynamodb:GetItems"], "Resource": "*"},
                    {"Sid": "Config", "Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::orders-audit/*"},
                    {
                        "Sid": "Deploy",
                        "Effect": "Allow",
                        "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction", "sts:AssumeRole"],
                        "Resource": "*",
                    },
                ]
            }
        },
        attach=[VPC_ACCESS],
    )
    layer = lam.publish_layer_version(LayerName="orders-shared", Content={"ZipFile": code()})["LayerVersionArn"]
    # moto rejects layers of another account at CreateFunction ("LayerVersion does not
    # exist", even after AddLayerVersionPermission): LS602 is tested on a recorded snapshot.
    api = lam.create_function(
        FunctionName="orders-prod-api",
        Runtime="python3.8",
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": code()},
        Timeout=10,
        Layers=[layer],
        Environment={"Variables": {"TABLE_NAME": "orders-prod-orders", "SECRET_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders-prod/stripe"}},
        VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [sg]},
        TracingConfig={"Mode": "PassThrough"},
    )["FunctionArn"]
    logs.create_log_group(logGroupName="/aws/lambda/orders-prod-api")
    lam.create_function_url_config(
        FunctionName="orders-prod-api",
        AuthType="NONE",
        Cors={"AllowCredentials": True, "AllowOrigins": ["*"], "AllowMethods": ["*"]},
    )
    lam.add_permission(
        FunctionName="orders-prod-api",
        StatementId="AllowAPIGateway",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1b2c3d4e5/*/*",
    )
    lam.add_permission(FunctionName="orders-prod-api", StatementId="AllowEveryone", Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(FunctionName="orders-prod-api", StatementId="AllowPartner", Action="lambda:*", Principal=PARTNER)
    lam.create_function(
        FunctionName="orders-prod-worker",
        Runtime="nodejs22.x",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": code()},
    )
    lam.add_permission(FunctionName="orders-prod-worker", StatementId="AllowS3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    return api


def secure():
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=REGION + az)["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName="secure-prod-api", Description="api", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}],
    )
    env_key = kms.create_key(Description="env")["KeyMetadata"]["Arn"]
    log_key = kms.create_key(Description="logs")["KeyMetadata"]["Arn"]
    queue = sqs.create_queue(QueueName="secure-prod-api-failures")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/secure-prod-orders"
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:secure-prod/stripe-AbCdEf"
    role_arn = role(
        "secure-prod-api",
        {
            "Version": "2012-10-17",
            "Statement": [dict(LAMBDA_TRUST, Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})],
        },
        inline={
            "api": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Sid": "Orders", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], "Resource": table},
                    {"Sid": "StripeKey", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": secret},
                    {"Sid": "Failures", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": queue_arn},
                ],
            }
        },
        attach=[VPC_ACCESS],
    )
    layer = lam.publish_layer_version(LayerName="secure-prod-shared", Content={"ZipFile": code()}, CompatibleRuntimes=["python3.13"])["LayerVersionArn"]
    lam.create_function(
        FunctionName="secure-prod-api",
        Runtime="python3.13",
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": code()},
        Timeout=10,
        Layers=[layer],
        KMSKeyArn=env_key,
        Environment={"Variables": {"TABLE_NAME": "secure-prod-orders", "SECRET_ARN": secret}},
        VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [sg]},
        TracingConfig={"Mode": "Active"},
    )
    lam.put_function_concurrency(FunctionName="secure-prod-api", ReservedConcurrentExecutions=50)
    # moto never returns DeadLetterConfig: the on-failure destination handles failures here.
    lam.put_function_event_invoke_config(
        FunctionName="secure-prod-api",
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    logs.create_log_group(logGroupName="/aws/lambda/secure-prod-api", kmsKeyId=log_key)
    logs.put_retention_policy(logGroupName="/aws/lambda/secure-prod-api", retentionInDays=30)
    lam.create_function_url_config(
        FunctionName="secure-prod-api",
        AuthType="AWS_IAM",
        Cors={"AllowOrigins": ["https://orders.example.com"], "AllowMethods": ["GET", "POST"]},
    )
    lam.add_permission(
        FunctionName="secure-prod-api",
        StatementId="AllowAPIGatewayPostOrders",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1b2c3d4e5/prod/POST/orders",
        SourceAccount=ACCOUNT,
    )


def extra(n):
    if n == 0:
        return
    arn = role(f"bulk-lambda-{REGION}", {"Version": "2012-10-17", "Statement": [LAMBDA_TRUST]})
    zipped = code()
    for i in range(n):
        lam.create_function(
            FunctionName=f"bulk-{REGION}-{i:05d}",
            Runtime="python3.13",
            Role=arn,
            Handler="app.handler",
            Code={"ZipFile": zipped},
        )


if EXTRA:
    extra(EXTRA)
else:
    insecure()
    secure()
print("ok")
