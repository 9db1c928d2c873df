# The host. It is disposable: any change to what cloud-init renders (repo_ref, domain, sources,
# flags) replaces it. What must outlive it does: the Elastic IP sits on a network interface of its
# own (the exchanges' key binding never moves), and Docker's volumes (the journal, the TLS
# certificates, monitoring data) live on a separate encrypted data volume.

# Debian 12 from Debian's own AWS account (136693071363), never a look-alike from anyone else.
data "aws_ami" "debian" {
  most_recent = true
  owners      = ["136693071363"]

  filter {
    name   = "name"
    values = [local.arm64 ? "debian-12-arm64-*" : "debian-12-amd64-*"]
  }

  filter {
    name   = "architecture"
    values = [local.arm64 ? "arm64" : "x86_64"]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }

  filter {
    name   = "root-device-type"
    values = ["ebs"]
  }
}

# The primary interface, created on its own so the Elastic IP is attached to it before the
# instance boots (cloud-init reaches the internet from its first second) and stays attached
# while the instance is replaced.
resource "aws_network_interface" "host" {
  subnet_id       = aws_subnet.public.id
  security_groups = [aws_security_group.host.id]
  description     = "${var.name} host (carries the Elastic IP)"

  tags = merge(local.tags, { Name = "${var.name}-host" })
}

# The address the exchanges bind the API keys to. BingX deletes a trading key that is bound to no
# IP after 14 idle days; this one never changes unless the module is destroyed.
resource "aws_eip" "host" {
  #checkov:skip=CKV2_AWS_19:Attached through aws_eip_association to the instance's primary network interface (device 0), which this check does not follow.
  domain = "vpc"

  tags = merge(local.tags, { Name = "${var.name}-host" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_eip_association" "host" {
  allocation_id        = aws_eip.host.id
  network_interface_id = aws_network_interface.host.id
}

resource "aws_key_pair" "admin" {
  count = var.ssh_enabled ? 1 : 0

  key_name   = "${var.name}-admin"
  public_key = var.ssh_public_key

  tags = local.tags
}

resource "aws_ebs_volume" "data" {
  availability_zone = local.availability_zone
  size              = var.data_volume_size_gb
  type              = "gp3"
  encrypted         = true
  kms_key_id        = aws_kms_key.this.arn

  tags = merge(local.tags, { Name = "${var.name}-data" })
}

locals {
  user_data = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    region = local.region
    # The instance role reads the secrets at every start; none is rendered here.
    ssm_path           = local.ssm_path
    secret_names       = local.secret_names
    secret_owner       = local.secret_default_owner
    secret_owners      = local.secret_owners
    repo_url           = var.repo_url
    repo_ref           = var.repo_ref
    data_volume_serial = replace(aws_ebs_volume.data.id, "-", "")
    compose_profiles   = var.monitoring ? "--profile monitoring" : ""
    domain             = var.domain
    acme_email         = var.acme_email
    allowed_sources    = local.allowed_sources
    default_exchange   = var.default_exchange
    strategies         = join(",", var.strategies)
    bingx_demo         = var.bingx_demo
    binance_testnet    = var.binance_testnet
  })
}

resource "aws_instance" "host" {
  ami                  = data.aws_ami.debian.id
  instance_type        = var.instance_type
  iam_instance_profile = aws_iam_instance_profile.host.name
  key_name             = var.ssh_enabled ? aws_key_pair.admin[0].key_name : null
  monitoring           = true
  ebs_optimized        = true

  user_data                   = local.user_data
  user_data_replace_on_change = true

  network_interface {
    network_interface_id = aws_network_interface.host.id
    device_index         = 0
  }

  # IMDSv2 only: a request needs a session token obtained by a PUT, which an SSRF through the
  # gateway cannot make. Hop limit 1: the host's aws CLI reads the role's credentials, while
  # containers (one hop further, behind Docker's bridge) cannot reach the metadata service at
  # all, so a compromised container cannot borrow the role to read the secrets.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gb
    encrypted             = true
    kms_key_id            = aws_kms_key.this.arn
    delete_on_termination = true
  }

  tags = merge(local.tags, { Name = "${var.name}-host" })

  lifecycle {
    # A newer Debian image alone does not replace the host (unattended-upgrades patches it in
    # place); the next replacement for another reason picks the newest image.
    ignore_changes = [ami]

    precondition {
      condition     = !var.ssh_enabled || var.ssh_public_key != ""
      error_message = "ssh_enabled needs ssh_public_key."
    }
  }

  depends_on = [aws_eip_association.host, aws_route_table_association.public]
}

# Detaching after a stop lets the old host shut the stack down and unmount cleanly before the
# replacement attaches the volume; cloud-init on the new host waits for it.
resource "aws_volume_attachment" "data" {
  device_name                    = "/dev/sdf"
  volume_id                      = aws_ebs_volume.data.id
  instance_id                    = aws_instance.host.id
  stop_instance_before_detaching = true
}
