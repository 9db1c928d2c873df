output "webhook_url" {
  description = "Paste into TradingView's Webhook URL field."
  value       = module.tvbridge.webhook_url
}

output "dashboard_url" {
  description = "The dashboard, from your admin address."
  value       = module.tvbridge.dashboard_url
}

output "public_ip" {
  description = "Bind the exchange API keys to this IP; point the domain here."
  value       = module.tvbridge.public_ip
}

output "instance_id" {
  description = "For aws ssm start-session --target."
  value       = module.tvbridge.instance_id
}

output "kms_key_arn" {
  description = "--key-id for aws ssm put-parameter."
  value       = module.tvbridge.kms_key_arn
}

output "ssm_prefix" {
  description = "Where the secrets live in Parameter Store."
  value       = module.tvbridge.ssm_prefix
}

output "put_parameter_commands" {
  description = "Ready-made aws ssm put-parameter commands, one per secret."
  value       = module.tvbridge.put_parameter_commands
}
