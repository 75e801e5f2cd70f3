"""Orders API: a partner posts an order, the function charges it with Stripe and notifies
the fulfilment partner. INSECURE on purpose: it logs the whole request (headers and tokens
included), trusts any caller of its public URL (no signature check), and reads the Stripe
key from Secrets Manager on every request."""
import json
import logging
import os

import boto3
import requests
import stripe
import yaml

logger = logging.getLogger()
logger.setLevel(logging.INFO)

secrets = boto3.client("secretsmanager")


def handler(event, context):
    """Create an order and notify the fulfilment partner."""
    logger.info("received %s", json.dumps(event))
    stripe.api_key = secrets.get_secret_value(SecretId=os.environ["SECRET_ARN"])["SecretString"]
    order = yaml.safe_load(event["body"])
    stripe.PaymentIntent.create(amount=order["amount"], currency="eur", metadata={"order": order["id"]})
    requests.post(os.environ["PARTNER_URL"], json=order, timeout=5)
    return {"statusCode": 201, "body": json.dumps({"id": order["id"]})}
