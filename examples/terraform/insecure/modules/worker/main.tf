variable "name" {
  type = string
}

variable "role_arn" {
  type = string
}

variable "bucket_name" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = var.role_arn
  runtime       = "nodejs22.x"
  handler       = "index.handler"
  filename      = "${path.module}/build/worker.zip"
}

resource "aws_lambda_permission" "s3" {
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "s3.amazonaws.com"
}

output "function_arn" {
  value = aws_lambda_function.this.arn
}
