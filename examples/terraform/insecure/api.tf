data "aws_lambda_layer_version" "shared" {
  layer_name = "${var.service}-shared"
}

resource "aws_lambda_function" "api" {
  function_name = "${local.name}-api"
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.8"
  handler       = "app.handler"
  filename      = data.archive_file.api.output_path
  timeout       = 10
  layers = [
    data.aws_lambda_layer_version.shared.arn,
    "arn:aws:lambda:eu-west-1:999999999999:layer:observability:12",
  ]

  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
      SECRET_ARN = aws_secretsmanager_secret.stripe.arn
    }
  }

  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id]
    security_group_ids = [aws_security_group.api.id]
  }

  tracing_config {
    mode = "PassThrough"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "api" {
  name = "/aws/lambda/${aws_lambda_function.api.function_name}"
}

resource "aws_lambda_function_url" "api" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "NONE"

  cors {
    allow_credentials = true
    allow_origins     = ["*"]
    allow_methods     = ["*"]
  }
}

resource "aws_lambda_permission" "apigw" {
  statement_id  = "AllowAPIGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"
}

resource "aws_lambda_permission" "public" {
  statement_id  = "AllowEveryone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "*"
}

resource "aws_lambda_permission" "partner" {
  statement_id  = "AllowPartner"
  action        = "lambda:*"
  function_name = aws_lambda_function.api.function_name
  principal     = var.partner_account
}

# The function's code: src/ zipped at plan time (the scanner reads src/).
data "archive_file" "api" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/api.zip"
}
