# tvbridge on one EC2 host: network (network.tf), firewall (security_group.tf), the KMS key
# and IAM (kms.tf, iam.tf), the host itself (compute.tf) and an optional DNS record (dns.tf).
# The module holds no secret value: the owner writes them to SSM Parameter Store, and the host
# reads them at every start with its instance role.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# The instance type decides the image's architecture (t4g/m7g are arm64) ...
data "aws_ec2_instance_type" "host" {
  instance_type = var.instance_type
}

# ... and which zones can run it (not every zone offers every type).
data "aws_ec2_instance_type_offerings" "host" {
  location_type = "availability-zone"

  filter {
    name   = "instance-type"
    values = [var.instance_type]
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  arm64             = contains(data.aws_ec2_instance_type.host.supported_architectures, "arm64")
  availability_zone = var.availability_zone != "" ? var.availability_zone : sort(data.aws_ec2_instance_type_offerings.host.locations)[0]

  # Everything that may reach 443 and 80: TradingView's senders and the owner.
  web_source_cidrs = distinct(concat(var.tradingview_cidrs, var.admin_cidrs))

  # The gateway's own allow-list repeats the firewall's, so a mistake in one is caught by the
  # other. "tradingview" is the gateway's preset for the four published senders; any sender
  # given beyond those is listed explicitly.
  tradingview_preset = ["52.89.214.238/32", "34.212.75.30/32", "54.218.53.128/32", "52.32.178.7/32"]
  allowed_sources = join(",", concat(
    ["tradingview"],
    [for c in var.tradingview_cidrs : c if !contains(local.tradingview_preset, c)],
    var.admin_cidrs,
  ))

  # The compose contract: one file per secret docker-compose.yml declares, in ./secrets/, an
  # empty file when the parameter is absent (compose refuses to start if a file is missing).
  secret_names = [
    "webhook_passphrase",
    "dashboard_password",
    "session_secret",
    "database_url",
    "telegram_bot_token",
    "discord_webhook_url",
    "notify_webhook_url",
    "bingx_api_key",
    "bingx_secret_key",
    "binance_api_key",
    "binance_secret_key",
    "postgres_password",
    "grafana_admin_password",
  ]
  # Compose bind-mounts each file with its host owner and mode, so a 0400 file must belong to
  # the uid that reads it: tvbridge's images run as 10001, Grafana's image as 472.
  secret_default_owner = 10001
  secret_owners        = { grafana_admin_password = 472 }

  # SSM names the path without its trailing slash (/tvbridge); parameters sit below it.
  ssm_path           = trimsuffix(var.ssm_prefix, "/")
  ssm_path_arn       = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.ssm_path}"
  ssm_parameters_arn = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.ssm_path}/*"

  flow_log_group_name = "/${var.name}/vpc-flow-logs"

  tags = merge({ Project = "tvbridge" }, var.tags)
}
