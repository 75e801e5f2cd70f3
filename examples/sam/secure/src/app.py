"""Orders API: charges an order with Stripe and notifies the fulfilment partner. Callers
authenticate with SigV4 (the function URL's auth type is AWS_IAM); the Stripe key comes from
Secrets Manager through a cache that expires; logs carry ids, never the request or the key."""
import json
import os

import requests
import stripe
import yaml
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities import parameters

logger = Logger(service="orders")


@logger.inject_lambda_context
def handler(event, context):
    """Create an order and notify the fulfilment partner."""
    order = yaml.safe_load(event["body"])
    logger.info("order received", extra={"order_id": order["id"]})
    stripe.api_key = parameters.get_secret(os.environ["SECRET_ARN"], max_age=300)
    stripe.PaymentIntent.create(amount=order["amount"], currency="eur", metadata={"order": order["id"]})
    requests.post(os.environ["PARTNER_URL"], json=order, timeout=5)
    return {"statusCode": 201, "body": json.dumps({"id": order["id"]})}
