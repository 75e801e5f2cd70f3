import json
import os

import requests
import yaml


def handler(event, context):
    """Create an order and notify the fulfilment partner."""
    order = yaml.safe_load(event["body"])
    requests.post(os.environ["PARTNER_URL"], json=order, timeout=5)
    return {"statusCode": 201, "body": json.dumps({"id": order["id"]})}
