# The host's instance role: read the secrets under ssm_prefix, decrypt them with this module's
# key through SSM, and let the SSM agent open Session Manager shells. Nothing else: no S3, no
# EC2 API, no other parameter, no other key.
#
# Session Manager is granted by the five agent actions below rather than by the AWS-managed
# AmazonSSMManagedInstanceCore policy, because that policy also grants ssm:GetParameter and
# ssm:GetParameters on every parameter in the account (and, through the aws/ssm key, every
# SecureString encrypted with it), which would undo the prefix limit. What is left out with it
# (Run Command, State Manager, Patch Manager, Inventory) is not used here.

data "aws_iam_policy_document" "host_assume" {
  statement {
    sid     = "Ec2AssumesTheHostRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  name                 = "${var.name}-host"
  description          = "tvbridge host: read its SSM secrets, Session Manager"
  assume_role_policy   = data.aws_iam_policy_document.host_assume.json
  max_session_duration = 3600

  tags = local.tags
}

data "aws_iam_policy_document" "host" {
  statement {
    sid     = "ReadTheSecretsUnderThePrefix"
    actions = ["ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"]
    # GetParametersByPath is authorised against the path itself, the others against each name.
    resources = [local.ssm_path_arn, local.ssm_parameters_arn]
  }

  statement {
    sid       = "DecryptThemThroughSsmOnly"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]

    # Only SSM may use the key on the host's behalf, and only for parameters under the prefix:
    # the role cannot decrypt a volume snapshot or a log export with it, even with the ciphertext.
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:PARAMETER_ARN"
      values   = [local.ssm_parameters_arn]
    }
  }

  # The SSM agent's own channel for Session Manager. These actions name no resource type that
  # could narrow them; the session itself is authorised on the caller's side (ssm:StartSession).
  statement {
    #checkov:skip=CKV_AWS_111:The SSM agent's registration and message-channel actions accept no narrower resource.
    #checkov:skip=CKV_AWS_356:The SSM agent's registration and message-channel actions accept no narrower resource.
    sid = "SessionManagerAgent"
    actions = [
      "ssm:UpdateInstanceInformation",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "host" {
  name   = "tvbridge-host"
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.host.json
}

resource "aws_iam_instance_profile" "host" {
  name = "${var.name}-host"
  role = aws_iam_role.host.name

  tags = local.tags
}
