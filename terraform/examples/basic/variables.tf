# The example's own inputs; the module checks each value again (terraform/variables.tf).

variable "region" {
  type        = string
  description = "AWS region to deploy into. TradingView sends from us-west-2 (Oregon); a nearby region keeps the webhook fast."
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be a region name such as us-west-2."
  }
}

variable "domain" {
  type        = string
  description = "Host name for the webhook, e.g. tv.example.com."
}

variable "acme_email" {
  type        = string
  description = "Let's Encrypt contact address."
}

variable "admin_cidrs" {
  type        = list(string)
  description = "Your own public IPv4 address(es) as /32 CIDRs."
}

variable "repo_url" {
  type        = string
  description = "HTTPS URL of the tvbridge repository to deploy."
}

variable "repo_ref" {
  type        = string
  description = "Branch, tag or commit to deploy; changing it rebuilds the host."
  default     = "main"
}

variable "default_exchange" {
  type        = string
  description = "bingx or binance."
  default     = "bingx"
}

variable "bingx_demo" {
  type        = bool
  description = "Trade BingX's demo (VST) account."
  default     = true
}

variable "binance_testnet" {
  type        = bool
  description = "Trade the Binance futures testnet."
  default     = true
}

variable "strategies" {
  type        = list(string)
  description = "Strategy names watched for silence."
  default     = []
}

variable "monitoring" {
  type        = bool
  description = "Start Prometheus and Grafana too."
  default     = false
}

variable "route53_zone_id" {
  type        = string
  description = "Route 53 zone for the A record; empty to manage DNS yourself."
  default     = ""
}

variable "acme_http01_open_to_all" {
  type        = bool
  description = "Open port 80 to everyone for Let's Encrypt HTTP-01 (see terraform/README.md, Certificates)."
  default     = false
}
