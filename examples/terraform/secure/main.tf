# Orders API — the SECURE version: the same application as ../insecure, built to pass every
# rule. `lambdasec scan examples/terraform/secure` reports nothing.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = "eu-west-1"
}

locals {
  name   = "${var.service}-${var.environment}"
  tags   = { service = var.service, environment = var.environment }
  region = "eu-west-1"
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

resource "aws_kms_key" "env" {
  description         = "Environment variables of ${local.name}"
  enable_key_rotation = true
}

resource "aws_kms_key" "logs" {
  description         = "CloudWatch Logs for ${local.name}"
  enable_key_rotation = true
}

resource "aws_sqs_queue" "api_failures" {
  name              = "${local.name}-api-failures"
  kms_master_key_id = "alias/aws/sqs"
}

resource "aws_signer_signing_profile" "release" {
  platform_id = "AWSLambda-SHA384-ECDSA"
}

resource "aws_lambda_code_signing_config" "release" {
  allowed_publishers {
    signing_profile_version_arns = [aws_signer_signing_profile.release.version_arn]
  }
  policies {
    untrusted_artifact_on_deployment = "Enforce"
  }
}

resource "aws_api_gateway_rest_api" "api" {
  name = "${local.name}-api"
}

resource "aws_lambda_layer_version" "shared" {
  layer_name          = "${local.name}-shared"
  filename            = "build/shared-layer.zip"
  compatible_runtimes = ["python3.13"]
}
