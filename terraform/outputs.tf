output "webhook_url" {
  description = "Paste into the TradingView alert's Webhook URL field."
  value       = "https://${var.domain}/webhook"
}

output "dashboard_url" {
  description = "The owner's dashboard (reachable from admin_cidrs only)."
  value       = "https://${var.domain}/dashboard"
}

output "public_ip" {
  description = "The Elastic IP: bind the exchange API keys to it and point the domain's A record at it."
  value       = aws_eip.host.public_ip
}

output "instance_id" {
  description = "The host, for Session Manager: aws ssm start-session --target <instance_id>."
  value       = aws_instance.host.id
}

output "kms_key_arn" {
  description = "The key to encrypt the SecureString secrets with (--key-id)."
  value       = aws_kms_key.this.arn
}

output "ssm_prefix" {
  description = "Where the secrets go in SSM Parameter Store."
  value       = var.ssm_prefix
}

output "put_parameter_commands" {
  description = "One aws ssm put-parameter command per secret, reading the value from a local file so it stays out of the shell history. Skip the ones you do not use."
  value = join("\n", [
    for name in local.secret_names :
    "aws ssm put-parameter --region ${local.region} --name '${var.ssm_prefix}${name}' --type SecureString --key-id '${aws_kms_key.this.arn}' --overwrite --value file://secrets/${name}"
  ])
}
