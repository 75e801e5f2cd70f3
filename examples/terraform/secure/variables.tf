variable "service" {
  type    = string
  default = "orders"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "account_id" {
  description = "The account this stack deploys to"
  type        = string
  default     = "111122223333"
}
