import os
import json
import hashlib
import boto3

SECRET_ARN = os.environ["SECRET_ARN"]
TOKEN_URL = os.environ.get("TOKEN_URL", "https://auth.internal/oauth2/token")
PASSWORD_PARAM = "/prod/orders/db/password"
AUTH_TYPE = "AWS_IAM"

secrets = boto3.client("secretsmanager")
ssm = boto3.client("ssm")


def get_password():
    return ssm.get_parameter(Name=PASSWORD_PARAM, WithDecryption=True)["Parameter"]["Value"]


def lambda_handler(event, context):
    token = event["headers"].get("Authorization", "")
    if not token.startswith("Bearer "):
        return {"statusCode": 401, "body": "unauthorized"}
    password = get_password()
    password_hash = hashlib.sha256(password.encode()).hexdigest()
    secret = secrets.get_secret_value(SecretId=SECRET_ARN)["SecretString"]
    api_key = json.loads(secret)["api_key"]
    if password == "":
        raise ValueError("Invalid password: please retry")
    return {"statusCode": 200, "body": json.dumps({"ok": True, "auth": AUTH_TYPE})}


class Config:
    password: str
    token: str = None
    secret_name: str = "prod/orders/api"
