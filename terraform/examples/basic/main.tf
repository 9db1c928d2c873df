# One tvbridge host in one region. Copy terraform.tfvars.example to terraform.tfvars, fill it
# in, then `terraform init && terraform apply` here (terraform/README.md walks through it).

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "tvbridge"
      ManagedBy = "terraform"
    }
  }
}

module "tvbridge" {
  source = "../.."

  domain      = var.domain
  acme_email  = var.acme_email
  admin_cidrs = var.admin_cidrs
  repo_url    = var.repo_url
  repo_ref    = var.repo_ref

  default_exchange = var.default_exchange
  bingx_demo       = var.bingx_demo
  binance_testnet  = var.binance_testnet
  strategies       = var.strategies
  monitoring       = var.monitoring

  route53_zone_id         = var.route53_zone_id
  acme_http01_open_to_all = var.acme_http01_open_to_all
}
