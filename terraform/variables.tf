# Every value that can be wrong is checked here, at plan time, before anything is created.
# Values that end up in cloud-init (domain, email, sources, repository) are also restricted to
# characters that cannot break the rendered YAML, the .env file or a shell command line.

variable "name" {
  type        = string
  description = "Prefix for resource names (IAM role, security group, KMS alias, log group) and the Name tag."
  default     = "tvbridge"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}$", var.name))
    error_message = "name must be 2-23 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "domain" {
  type        = string
  description = "Host name the webhook is served on (TVBRIDGE_DOMAIN); its A record must point at the public_ip output."

  validation {
    condition     = length(var.domain) <= 253 && can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase fully qualified host name such as tv.example.com."
  }
}

variable "acme_email" {
  type        = string
  description = "Contact address for the Let's Encrypt account (ACME_EMAIL); expiry warnings go there."

  validation {
    condition     = length(var.acme_email) <= 254 && can(regex("^[A-Za-z0-9._+-]+@([A-Za-z0-9-]+\\.)+[A-Za-z]{2,63}$", var.acme_email))
    error_message = "acme_email must be a plain e-mail address such as owner@example.com."
  }
}

variable "admin_cidrs" {
  type        = list(string)
  description = "The owner's own IPv4 addresses as CIDRs (e.g. [\"203.0.113.7/32\"]): they may reach the dashboard on 443/80 and, with ssh_enabled, port 22. An empty list leaves the dashboard to SSM port forwarding."

  validation {
    condition = alltrue([
      for c in var.admin_cidrs : can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false)
    ])
    error_message = "admin_cidrs entries must be IPv4 CIDRs in canonical form, e.g. 203.0.113.7/32 (host bits zero)."
  }

  validation {
    # A block wider than /16 is not "the owner's address"; it would let strangers reach the
    # dashboard login (and SSH) and is almost always a typo such as 0.0.0.0/0.
    condition     = alltrue([for c in var.admin_cidrs : try(tonumber(split("/", c)[1]) >= 16, false)])
    error_message = "admin_cidrs entries may be no wider than /16 (use /32 for a single address)."
  }

  validation {
    # Each entry costs two inbound rules (443 and 80) plus one for SSH; AWS allows 60 per group.
    condition     = length(var.admin_cidrs) <= 10
    error_message = "admin_cidrs takes at most 10 entries."
  }
}

variable "tradingview_cidrs" {
  type        = list(string)
  description = "TradingView's published webhook senders. Change only if TradingView publishes new ones."
  default     = ["52.89.214.238/32", "34.212.75.30/32", "54.218.53.128/32", "52.32.178.7/32"]

  validation {
    condition = length(var.tradingview_cidrs) >= 1 && length(var.tradingview_cidrs) <= 10 && alltrue([
      for c in var.tradingview_cidrs :
      can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0] && tonumber(split("/", c)[1]) >= 24, false)
    ])
    error_message = "tradingview_cidrs must hold 1-10 canonical IPv4 CIDRs no wider than /24."
  }
}

variable "ssh_enabled" {
  type        = bool
  description = "Open port 22 to admin_cidrs and install ssh_public_key. Off by default: use SSM Session Manager (no open port, IAM-authenticated, logged)."
  default     = false
}

variable "ssh_public_key" {
  type        = string
  description = "OpenSSH public key for the admin user, used only when ssh_enabled is true."
  default     = ""

  validation {
    condition     = var.ssh_public_key == "" || can(regex("^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+=*( [^\\n]*)?$", var.ssh_public_key))
    error_message = "ssh_public_key must be empty or one OpenSSH public key line (ssh-ed25519, ecdsa-sha2-* or ssh-rsa)."
  }
}

variable "acme_http01_open_to_all" {
  type        = bool
  description = "Open port 80 (only 80) to the whole internet so Let's Encrypt can validate the certificate by HTTP-01. Let's Encrypt does not publish its validation addresses, so with this off the TLS proxy cannot obtain or renew a certificate by HTTP-01 or TLS-ALPN-01. See README."
  default     = false
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type. A Nitro type (t3, t3a, t4g, m6i, ...) is expected; arm64 types get the arm64 Debian image."
  default     = "t3.small"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must look like t3.small or m7g.large."
  }
}

variable "availability_zone" {
  type        = string
  description = "Availability zone for the subnet, instance and data volume. Empty picks the first zone that offers instance_type."
  default     = ""

  validation {
    condition     = var.availability_zone == "" || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$", var.availability_zone))
    error_message = "availability_zone must be empty or a zone name such as eu-central-1a."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the VPC."
  default     = "10.42.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0], false)
    error_message = "vpc_cidr must be a canonical IPv4 CIDR such as 10.42.0.0/16."
  }
}

variable "public_subnet_cidr" {
  type        = string
  description = "IPv4 range of the single public subnet; must lie inside vpc_cidr."
  default     = "10.42.1.0/24"

  validation {
    condition     = can(cidrnetmask(var.public_subnet_cidr)) && try(cidrhost(var.public_subnet_cidr, 0) == split("/", var.public_subnet_cidr)[0], false)
    error_message = "public_subnet_cidr must be a canonical IPv4 CIDR such as 10.42.1.0/24."
  }
}

variable "root_volume_size_gb" {
  type        = number
  description = "Size of the encrypted root volume (OS, Docker images and build cache), GiB."
  default     = 20

  validation {
    condition     = var.root_volume_size_gb == floor(var.root_volume_size_gb) && var.root_volume_size_gb >= 8 && var.root_volume_size_gb <= 1024
    error_message = "root_volume_size_gb must be a whole number from 8 to 1024."
  }
}

variable "data_volume_size_gb" {
  type        = number
  description = "Size of the encrypted data volume mounted at /var/lib/docker/volumes (journal, certificates, monitoring data), GiB. It outlives the instance."
  default     = 10

  validation {
    condition     = var.data_volume_size_gb == floor(var.data_volume_size_gb) && var.data_volume_size_gb >= 1 && var.data_volume_size_gb <= 1024
    error_message = "data_volume_size_gb must be a whole number from 1 to 1024."
  }
}

variable "repo_url" {
  type        = string
  description = "HTTPS URL of the tvbridge repository the host clones into /opt/tvbridge. No credentials in it: it is readable in user data and state."

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)+/?$", var.repo_url))
    error_message = "repo_url must be a plain https:// URL without credentials, e.g. https://github.com/owner/tvbridge.git."
  }
}

variable "repo_ref" {
  type        = string
  description = "Branch, tag or full commit SHA to deploy. Changing it rebuilds the host (same IP, same data volume)."
  default     = "main"

  validation {
    # No leading "-" (it would reach git as an option) and no "..", which git refuses anyway.
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$", var.repo_ref)) && !strcontains(var.repo_ref, "..")
    error_message = "repo_ref must be a branch, tag or commit: letters, digits, ., _, / and -, not starting with - and without \"..\"."
  }
}

variable "ssm_prefix" {
  type        = string
  description = "SSM Parameter Store path holding the secrets, e.g. /tvbridge/ for /tvbridge/webhook_passphrase. The host may read only below it."
  default     = "/tvbridge/"

  validation {
    condition     = can(regex("^/([A-Za-z0-9_.-]+/)+$", var.ssm_prefix)) && !can(regex("^/(aws|ssm)", lower(var.ssm_prefix)))
    error_message = "ssm_prefix must start and end with \"/\", name at least one level (not \"/\" alone) and not start with /aws or /ssm (reserved)."
  }
}

variable "default_exchange" {
  type        = string
  description = "Exchange a signal without an explicit one trades on (DEFAULT_EXCHANGE)."
  default     = "bingx"

  validation {
    condition     = contains(["bingx", "binance"], var.default_exchange)
    error_message = "default_exchange must be bingx or binance."
  }
}

variable "strategies" {
  type        = list(string)
  description = "Strategy names watched for silence (STRATEGIES); see the project README on heartbeats."
  default     = []

  validation {
    condition     = alltrue([for s in var.strategies : can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", s))])
    error_message = "strategies entries must be 1-64 letters, digits, ., _ or -."
  }
}

variable "bingx_demo" {
  type        = bool
  description = "BINGX_DEMO: true trades BingX's VST demo account. Set false only when going live on purpose."
  default     = true
}

variable "binance_testnet" {
  type        = bool
  description = "BINANCE_TESTNET: true trades the Binance USD-M futures testnet. Set false only when going live on purpose."
  default     = true
}

variable "monitoring" {
  type        = bool
  description = "Also start the compose \"monitoring\" profile (Prometheus, Grafana)."
  default     = false
}

variable "route53_zone_id" {
  type        = string
  description = "Route 53 hosted zone to create the domain's A record in. Empty: no record, point DNS yourself."
  default     = ""

  validation {
    condition     = var.route53_zone_id == "" || can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be empty or a hosted zone ID such as Z0123456789ABCDEFGHIJ."
  }
}

variable "flow_log_retention_days" {
  type        = number
  description = "Days the VPC flow log (every accepted and rejected connection) is kept."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch retention of at least a year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Days a scheduled deletion of the KMS key can still be cancelled. Deleting it makes the secrets and volumes unreadable."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days == floor(var.kms_deletion_window_days) && var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource this module creates."
  default     = {}
}
