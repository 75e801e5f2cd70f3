resource "aws_lambda_function" "api" {
  function_name                  = "${local.name}-api"
  role                           = aws_iam_role.api.arn
  runtime                        = "python3.13"
  handler                        = "app.handler"
  filename                       = "build/api.zip"
  timeout                        = 10
  reserved_concurrent_executions = 50
  code_signing_config_arn        = aws_lambda_code_signing_config.release.arn
  layers                         = [aws_lambda_layer_version.shared.arn]
  kms_key_arn                    = aws_kms_key.env.arn

  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
      SECRET_ARN = aws_secretsmanager_secret.stripe.arn
    }
  }

  vpc_config {
    subnet_ids         = [for s in aws_subnet.private : s.id]
    security_group_ids = [aws_security_group.api.id]
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.api_failures.arn
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/lambda/${aws_lambda_function.api.function_name}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_lambda_function_url" "api" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "AWS_IAM"

  cors {
    allow_origins = ["https://orders.example.com"]
    allow_methods = ["GET", "POST"]
  }
}

resource "aws_lambda_permission" "apigw" {
  statement_id   = "AllowAPIGatewayPostOrders"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.api.function_name
  principal      = "apigateway.amazonaws.com"
  source_arn     = "${aws_api_gateway_rest_api.api.execution_arn}/prod/POST/orders"
  source_account = var.account_id
}
