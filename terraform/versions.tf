terraform {
  # 1.6 for the provider features below and stable `terraform test`; the 1.x line keeps
  # the language this module is written in.
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.x: aws_vpc_security_group_*_rule and aws_eip.domain; 6.0 renames attributes used here.
      version = ">= 5.80.0, < 6.0.0"
    }
  }
}
