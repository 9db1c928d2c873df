# Optional: with route53_zone_id set, the domain points at the Elastic IP. Without it, create the
# A record wherever the domain's DNS is hosted (README, step 3).
resource "aws_route53_record" "host" {
  count = var.route53_zone_id == "" ? 0 : 1

  zone_id = var.route53_zone_id
  name    = var.domain
  type    = "A"
  ttl     = 300
  records = [aws_eip.host.public_ip]
}
