# One customer-managed key encrypts the SecureString secrets, both EBS volumes and the flow log
# group. Unlike the AWS-managed aws/ssm key, which every principal in the account may use through
# SSM, this key is usable only by who the key policy and IAM allow: the host may decrypt with it
# only through SSM and only for parameters under ssm_prefix (iam.tf).

data "aws_iam_policy_document" "kms" {
  # The key policy's Resource "*" means this key; "kms:*" for the account root is AWS's default
  # statement that hands control to IAM, so administrators can manage the key and no statement
  # here can lock the account out of it.
  statement {
    #checkov:skip=CKV_AWS_109:Key policy: the account-root statement delegates to IAM (AWS default); Resource * is this key only.
    #checkov:skip=CKV_AWS_111:Key policy: the account-root statement delegates to IAM (AWS default); Resource * is this key only.
    #checkov:skip=CKV_AWS_356:Key policy: Resource * in a key policy always means this key and cannot be narrowed.
    sid       = "AccountAdministersThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts the flow log group with the key, for that one log group only.
  statement {
    sid       = "CloudWatchLogsForTheFlowLogGroup"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group_name}"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: SSM SecureString secrets, EBS volumes, flow logs"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json

  tags = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}
