variable "service" {
  description = "Name prefix of every resource"
  type        = string
  default     = "orders"
}

variable "environment" {
  type = string
}

variable "partner_account" {
  description = "Reporting partner allowed to invoke the API directly"
  type        = string
  default     = "444455556666"
}
