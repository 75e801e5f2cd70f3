# Orders API — the INSECURE version. It breaks most of the Lambda security checklist on
# purpose; `lambdasec scan examples/terraform/insecure` reports every line it breaks.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = "eu-west-1"
}

locals {
  name = "${var.service}-${var.environment}"
  tags = { service = var.service, environment = var.environment }
}

resource "aws_dynamodb_table" "orders" {
  name         = "${local.name}-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_secretsmanager_secret" "stripe" {
  name = "${local.name}/stripe"
}

resource "aws_api_gateway_rest_api" "api" {
  name = "${local.name}-api"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "${local.name}-uploads"
}

module "worker" {
  source      = "./modules/worker"
  name        = "${local.name}-worker"
  role_arn    = aws_iam_role.lambda.arn
  bucket_name = aws_s3_bucket.uploads.bucket
}
