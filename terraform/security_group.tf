# The host's only firewall. Inbound: 443 and 80 from TradingView's published senders and the
# owner (admin_cidrs), 22 from the owner only when ssh_enabled; nothing else. Rules are separate
# resources, one per source, so each shows up by name in a plan and none hides in a list.

resource "aws_security_group" "host" {
  name        = "${var.name}-host"
  description = "tvbridge host: HTTPS/HTTP from TradingView and the owner only"
  vpc_id      = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-host" })
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  for_each = toset(local.web_source_cidrs)

  security_group_id = aws_security_group.host.id
  description       = "HTTPS (webhook, dashboard) from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = local.tags
}

# Port 80: TradingView also posts to plain-HTTP URLs, and the TLS proxy answers ACME HTTP-01
# challenges and redirects everything else to HTTPS here.
resource "aws_vpc_security_group_ingress_rule" "http" {
  for_each = toset(local.web_source_cidrs)

  security_group_id = aws_security_group.host.id
  description       = "HTTP (redirect to HTTPS) from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.value

  tags = local.tags
}

# Let's Encrypt validates from addresses it does not publish, so a certificate can only be
# issued and renewed over HTTP-01 when port 80 is open to everyone. Opt-in, port 80 only: 443,
# where the webhook and the dashboard are, stays limited to the sources above.
resource "aws_vpc_security_group_ingress_rule" "acme_http01" {
  #checkov:skip=CKV_AWS_260:Opt-in (acme_http01_open_to_all, default false) port-80-only rule for Let's Encrypt HTTP-01, whose validation addresses are unpublished; 443 stays restricted.
  count = var.acme_http01_open_to_all ? 1 : 0

  security_group_id = aws_security_group.host.id
  description       = "HTTP from anywhere for Lets Encrypt HTTP-01 validation"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each = var.ssh_enabled ? toset(var.admin_cidrs) : toset([])

  security_group_id = aws_security_group.host.id
  description       = "SSH from the owner ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value

  tags = local.tags
}

# Egress 443 to anywhere: the exchanges (BingX, Binance), SSM and the other AWS APIs, Let's
# Encrypt, Docker Hub, GitHub and Docker's apt repository, and notification endpoints. Their
# addresses are many and change, so they cannot be listed as CIDRs.
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.host.id
  description       = "HTTPS out: exchanges, AWS APIs, ACME, registries, GitHub"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

# Egress 80: Debian's image fetches packages and security updates from its mirrors over plain
# HTTP. apt verifies every package against the signed Release files, so the transport needs no
# trust. DNS (the VPC resolver), NTP (Amazon Time Sync) and the metadata service are link-local
# and not subject to security groups.
resource "aws_vpc_security_group_egress_rule" "http" {
  security_group_id = aws_security_group.host.id
  description       = "HTTP out: Debian package mirrors (apt verifies signatures)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}
