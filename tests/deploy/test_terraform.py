"""Static checks of terraform/ (offline: no terraform binary, no AWS, no network).

1. every .tf file parses; 2. versions are pinned, variables typed, described and validated, the
outputs exist; 3. checkov passes, every skip with a reason; 4. the firewall admits nothing but
TradingView and the owner (checked by a rule walker that is itself shown to catch mutations);
5. the cloud-init template renders into a host that reads its secrets from SSM and starts the
compose stack; 6. the instance, the Elastic IP and the host's IAM policy are as narrow as the
README says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hcl2.api import load as load_hcl

from gateway.core.sources import TRADINGVIEW_IPS
from tools.processes import ROOT

TERRAFORM = ROOT / "terraform"
EXAMPLE = TERRAFORM / "examples" / "basic"
TEMPLATE = TERRAFORM / "templates" / "cloud-init.yaml.tftpl"
TFVARS_EXAMPLE = EXAMPLE / "terraform.tfvars.example"

# The gateway's own preset is the source of truth; the firewall must open to exactly these.
TRADINGVIEW = [f"{ip}/32" for ip in TRADINGVIEW_IPS]
# The secret files the compose contract names; the host must create every one of them.
CONTRACT_SECRETS = (
    "webhook_passphrase",
    "dashboard_password",
    "session_secret",
    "bingx_api_key",
    "bingx_secret_key",
    "binance_api_key",
    "binance_secret_key",
    "grafana_admin_password",
)
CONTAINER_UID = 10001

# -- parsing helpers ------------------------------------------------------------------------------


def parse(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        parsed: dict[str, Any] = load_hcl(handle)
    return parsed


def one(value: Any) -> Any:
    """hcl2 wraps every attribute value in a one-element list; this unwraps it."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


@dataclass
class Module:
    """One Terraform directory's top-level blocks, merged across its .tf files."""

    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    resources: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    data: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        return next(body for k, n, body in self.resources if (k, n) == (kind, name))

    def data_source(self, kind: str, name: str) -> dict[str, Any]:
        return next(body for k, n, body in self.data if (k, n) == (kind, name))

    def of_kind(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(n, body) for k, n, body in self.resources if k == kind]

    def default(self, variable: str) -> Any:
        return one(self.variables[variable].get("default", [None]))

    def variable_type(self, variable: str) -> str:
        return str(one(self.variables[variable]["type"])).removeprefix("${").removesuffix("}")


def load_module(directory: Path) -> Module:
    module = Module()
    for path in sorted(directory.glob("*.tf")):
        parsed = parse(path)
        for block in parsed.get("variable", []):
            module.variables.update(block)
        for block in parsed.get("locals", []):
            module.locals.update({k: one(v) for k, v in block.items() if not k.startswith("__")})
        for block in parsed.get("resource", []):
            module.resources += [
                (kind, name, body) for kind, named in block.items() for name, body in named.items()
            ]
        for block in parsed.get("data", []):
            module.data += [
                (kind, name, body) for kind, named in block.items() for name, body in named.items()
            ]
        for block in parsed.get("output", []):
            module.outputs.update(block)
        for block in parsed.get("module", []):
            module.modules.update(block)
        module.terraform += parsed.get("terraform", [])
    return module


@pytest.fixture(scope="module")
def root_module() -> Module:
    return load_module(TERRAFORM)


@pytest.fixture(scope="module")
def example() -> Module:
    return load_module(EXAMPLE)


# -- 1. every file parses -------------------------------------------------------------------------

# Not what `terraform init` fetches into .terraform/.
TF_FILES = sorted(p for p in TERRAFORM.rglob("*.tf") if ".terraform" not in p.parts)


def test_both_the_module_and_the_example_have_terraform_files() -> None:
    assert {p.parent for p in TF_FILES} == {TERRAFORM, EXAMPLE}
    assert TEMPLATE.is_file()
    assert TFVARS_EXAMPLE.is_file()


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_terraform_file_parses(path: Path) -> None:
    parsed = parse(path)
    assert parsed, f"{path} holds no block"


# -- 2. pinned, typed, described, validated; the outputs exist ------------------------------------


@pytest.mark.parametrize("directory", [TERRAFORM, EXAMPLE], ids=["module", "example"])
def test_terraform_and_the_aws_provider_are_pinned_to_one_major_version(directory: Path) -> None:
    (settings,) = parse(directory / "versions.tf")["terraform"]
    required_version = one(settings["required_version"])
    assert ">=" in required_version and "< 2.0.0" in required_version
    aws = one(one(settings["required_providers"])["aws"])
    assert aws["source"] == "hashicorp/aws"
    # A floor for the features used and a ceiling below the next major, which renames them.
    assert re.fullmatch(r">= 5\.\d+\.\d+, < 6\.0\.0", aws["version"]), aws["version"]


@pytest.mark.parametrize("directory", [TERRAFORM, EXAMPLE], ids=["module", "example"])
def test_every_variable_has_a_type_and_a_description(directory: Path) -> None:
    module = load_module(directory)
    assert module.variables
    for name, body in module.variables.items():
        assert one(body.get("type", [""])), f"{name} has no type"
        assert len(str(one(body.get("description", [""]))).split()) >= 3, f"{name} has no description"


# Every variable a caller can get wrong is checked at plan time; the rest are booleans and tags.
VALIDATED = {
    "name",
    "domain",
    "acme_email",
    "admin_cidrs",
    "tradingview_cidrs",
    "ssh_public_key",
    "instance_type",
    "availability_zone",
    "vpc_cidr",
    "public_subnet_cidr",
    "root_volume_size_gb",
    "data_volume_size_gb",
    "repo_url",
    "repo_ref",
    "ssm_prefix",
    "default_exchange",
    "strategies",
    "route53_zone_id",
    "flow_log_retention_days",
    "kms_deletion_window_days",
}
UNVALIDATED = {
    "ssh_enabled",
    "acme_http01_open_to_all",
    "bingx_demo",
    "binance_testnet",
    "monitoring",
    "tags",
}


def test_the_variables_that_can_be_wrong_are_validated(root_module: Module) -> None:
    assert set(root_module.variables) == VALIDATED | UNVALIDATED
    for name in VALIDATED:
        validations = root_module.variables[name].get("validation", [])
        assert validations, f"{name} has no validation"
        for validation in validations:
            assert f"var.{name}" in one(validation["condition"])
            assert one(validation["error_message"]).endswith(".")
    for name in UNVALIDATED:
        assert root_module.variable_type(name) in {"bool", "map(string)"}, name


def test_the_cidr_validations_parse_the_address_and_bound_its_width(root_module: Module) -> None:
    conditions = {
        name: " ".join(one(v["condition"]) for v in root_module.variables[name]["validation"])
        for name in ("admin_cidrs", "tradingview_cidrs", "vpc_cidr", "public_subnet_cidr")
    }
    for name, condition in conditions.items():
        # cidrnetmask accepts IPv4 CIDRs only; cidrhost(c, 0) == address rejects host bits.
        assert "cidrnetmask(" in condition and "cidrhost(" in condition, name
    assert ">= 16" in conditions["admin_cidrs"]
    assert ">= 24" in conditions["tradingview_cidrs"]


def regex_of(module: Module, variable: str) -> re.Pattern[str]:
    """The first regex() literal in a variable's validation, with HCL's string escapes undone."""
    condition = " ".join(one(v["condition"]) for v in module.variables[variable]["validation"])
    match = re.search(r'regex\("((?:[^"\\]|\\.)*)"', condition)
    assert match, f"{variable} is validated without a regex"
    pattern = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), match.group(1))
    return re.compile(pattern)


# Terraform's regex is RE2; these patterns use only syntax RE2 and Python share.
REGEX_CASES: dict[str, tuple[list[str], list[str]]] = {
    "domain": (
        ["tv.example.com", "a.b-c.example.io"],
        ["example", "TV.example.com", "-x.example.com", "x.example.com.", "x.example.com\nA=1", "x y.com"],
    ),
    "acme_email": (
        ["owner@example.com", "first.last+tv@mail.example.org"],
        ["owner", "owner@example", "a b@example.com", "o'wner@example.com", "owner@example.com\nX=1"],
    ),
    "instance_type": (
        ["t3.small", "m7g.large", "c6in.xlarge", "t4g.micro"],
        ["t3", "small", "T3.small", "t3.small;"],
    ),
    "repo_url": (
        ["https://github.com/owner/tvbridge.git", "https://git.example.com:8443/team/tvbridge"],
        [
            "http://github.com/owner/tvbridge.git",
            "https://token@github.com/owner/tvbridge.git",
            "git@github.com:owner/tvbridge.git",
            "https://github.com/owner/tv bridge",
            "https://github.com/owner/tvbridge'; rm -rf /",
        ],
    ),
    "repo_ref": (
        ["main", "v1.2.3", "release/2024-06", "0123456789abcdef0123456789abcdef01234567"],
        ["-upload-pack=evil", "", "main branch", "a'b", "$(id)"],
    ),
    "ssm_prefix": (["/tvbridge/", "/prod/tvbridge/"], ["tvbridge/", "/tvbridge", "/", "//", "/a b/"]),
    "route53_zone_id": (["Z0123456789ABCDEFGHIJ"], ["z123", "Z123-45", "/hostedzone/Z123"]),
    "availability_zone": (["eu-central-1a", "us-gov-west-1b"], ["eu-central-1", "a", "EU-central-1a"]),
    "name": (["tvbridge", "tv-prod2"], ["TV", "1tv", "t", "tv_bridge", "a" * 24]),
    "strategies": (["ema-cross", "Breakout_1.5m"], ["", "a,b", "-x", "a b"]),
    "ssh_public_key": (
        ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB owner@laptop"],
        ["ssh-dss AAAAB3Nza", "ssh-ed25519 AAAA\nssh-rsa BBBB", "AAAAC3NzaC1lZDI1NTE5"],
    ),
}


@pytest.mark.parametrize("variable", sorted(REGEX_CASES))
def test_validation_regexes_accept_good_values_and_refuse_bad_ones(
    root_module: Module, variable: str
) -> None:
    pattern = regex_of(root_module, variable)
    good, bad = REGEX_CASES[variable]
    for value in good:
        assert pattern.search(value), f"{variable} refuses {value!r}"
    for value in bad:
        assert not pattern.search(value), f"{variable} accepts {value!r}"


def test_ssm_prefix_validation_also_keeps_out_the_reserved_aws_and_ssm_roots(root_module: Module) -> None:
    condition = one(root_module.variables["ssm_prefix"]["validation"][0]["condition"])
    assert '!can(regex("^/(aws|ssm)"' in condition


REQUIRED_OUTPUTS = {
    "webhook_url",
    "public_ip",
    "dashboard_url",
    "kms_key_arn",
    "ssm_prefix",
    "put_parameter_commands",
}


@pytest.mark.parametrize("directory", [TERRAFORM, EXAMPLE], ids=["module", "example"])
def test_the_outputs_the_owner_needs_exist_and_are_described(directory: Path) -> None:
    outputs = load_module(directory).outputs
    assert set(outputs) >= REQUIRED_OUTPUTS
    for name, body in outputs.items():
        assert one(body.get("description", [""])), f"output {name} has no description"


def test_the_urls_and_the_ip_point_where_the_readme_says(root_module: Module) -> None:
    outputs = root_module.outputs
    assert one(outputs["webhook_url"]["value"]) == "https://${var.domain}/webhook"
    assert one(outputs["dashboard_url"]["value"]) == "https://${var.domain}/dashboard"
    assert one(outputs["public_ip"]["value"]) == "${aws_eip.host.public_ip}"
    assert one(outputs["kms_key_arn"]["value"]) == "${aws_kms_key.this.arn}"
    assert one(outputs["ssm_prefix"]["value"]) == "${var.ssm_prefix}"
    commands = one(outputs["put_parameter_commands"]["value"])
    for piece in (
        "local.secret_names",
        "put-parameter",
        "--type SecureString",
        "aws_kms_key.this.arn",
        "file://",
    ):
        assert piece in commands, piece


def test_the_example_calls_the_module_with_every_required_input(root_module: Module, example: Module) -> None:
    (call,) = example.modules.values()
    assert one(call["source"]) == "../.."
    passed = {k for k in call if not k.startswith("__") and k != "source"}
    required = {name for name, body in root_module.variables.items() if "default" not in body}
    assert required == {"domain", "acme_email", "admin_cidrs", "repo_url"}
    assert required <= passed
    assert passed <= set(root_module.variables)
    assert set(example.outputs) <= set(root_module.outputs)


def test_the_tfvars_example_sets_every_required_example_input(example: Module) -> None:
    values = parse(TFVARS_EXAMPLE)
    assert set(values) <= set(example.variables)
    required = {name for name, body in example.variables.items() if "default" not in body}
    assert required <= set(values)
    assert one(values["bingx_demo"]) is True and one(values["binance_testnet"]) is True


# -- 3. checkov -----------------------------------------------------------------------------------


def checkov_reports(*extra: str) -> list[dict[str, Any]]:
    checkov = Path(sys.executable).with_name("checkov")
    assert checkov.exists(), "checkov is a dev dependency (uv sync)"
    # --skip-download and no update check at import: checkov must never reach the network.
    # Not --quiet: it leaves the skipped checks, and so their reasons, out of the report.
    result = subprocess.run(
        [
            str(checkov),
            *("-d", str(TERRAFORM), "--framework", "terraform"),
            *("--skip-download", "--compact", "-o", "json"),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"},
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    loaded: dict[str, Any] | list[dict[str, Any]] = json.loads(result.stdout)
    # One framework gives a dict, several a list of them.
    return loaded if isinstance(loaded, list) else [loaded]


@pytest.mark.parametrize(
    "extra",
    [(), ("--var-file", str(TFVARS_EXAMPLE))],
    ids=["module-defaults", "example-tfvars"],
)
def test_checkov_passes_and_every_skip_has_a_reason(extra: tuple[str, ...]) -> None:
    (report,) = checkov_reports(*extra)
    summary = report["summary"]
    results = report["results"]
    assert summary["parsing_errors"] == 0
    assert summary["failed"] == 0, [(c["check_id"], c["resource"]) for c in results.get("failed_checks", [])]
    assert summary["passed"] > 100, "checkov saw the resources"
    for check in results.get("skipped_checks", []):
        reason = check.get("suppress_comment") or check["check_result"].get("suppress_comment") or ""
        where = f"{check['check_id']} on {check['resource']}"
        assert len(reason.split()) >= 5, f"{where} is skipped without a reason"


def test_every_inline_skip_in_the_sources_carries_a_reason() -> None:
    for path in TF_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "checkov:skip" in line:
                reasoned = re.search(r"#checkov:skip=CKV2?_[A-Z0-9]+_\d+:\S.{20,}", line)
                assert reasoned, f"{path.name}: {line.strip()}"


# -- 4. the firewall --------------------------------------------------------------------------------

REFERENCE = re.compile(r"\b(var|local|each)\.([A-Za-z_][A-Za-z0-9_-]*)")
IPV4_CIDR = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b")
IPV6_CIDR = re.compile(r"[0-9A-Fa-f]*:[0-9A-Fa-f:]*/\d{1,3}")
WEB_SOURCES = frozenset({"var.tradingview_cidrs", "var.admin_cidrs"})
SSH_SOURCES = frozenset({"var.admin_cidrs"})
ACME_SWITCH = "var.acme_http01_open_to_all"


@dataclass(frozen=True)
class Origin:
    """What an expression can evaluate to, as far as a firewall rule cares."""

    sources: frozenset[str] = frozenset()  # literal CIDRs and the non-boolean variables reached
    gates: frozenset[str] = frozenset()  # the boolean variables it depends on

    def __or__(self, other: Origin) -> Origin:
        return Origin(self.sources | other.sources, self.gates | other.gates)


def resolve(expression: Any, module: Module, each: Any = None, seen: frozenset[str] = frozenset()) -> Origin:
    """Follows locals, for_each's each.value and variables down to CIDR literals and variables."""
    if expression is None:
        return Origin()
    text = expression if isinstance(expression, str) else json.dumps(expression)
    origin = Origin(frozenset(IPV4_CIDR.findall(text)) | frozenset(IPV6_CIDR.findall(text)))
    for kind, name in REFERENCE.findall(text):
        if kind == "var":
            known = name in module.variables and module.variable_type(name) == "bool"
            key = frozenset({f"var.{name}"})
            origin = origin | (Origin(gates=key) if known else Origin(sources=key))
        elif kind == "local" and name not in seen:
            inner = module.locals.get(name, f"unknown local {name}")
            origin = origin | resolve(inner, module, each, seen | {name})
        elif kind == "each":
            # each.value outside a for_each is an error Terraform would catch; flag it here too.
            inner_origin = (
                resolve(each, module, None, seen) if each is not None else Origin(frozenset({"each?"}))
            )
            origin = origin | inner_origin
    return origin


@dataclass(frozen=True)
class Ingress:
    where: str
    protocol: str
    from_port: Any
    to_port: Any
    origin: Origin  # where packets may come from
    gates: frozenset[str]  # booleans that decide whether the rule exists at all
    ipv6: bool
    peers: tuple[str, ...]  # security groups, prefix lists, self: sources that are no CIDR


# (protocol attribute, IPv4 source attributes, IPv6 source attributes, non-CIDR peer attributes)
RULE_SHAPES = {
    "inline": (
        "protocol",
        ("cidr_blocks",),
        ("ipv6_cidr_blocks",),
        ("security_groups", "prefix_list_ids", "self"),
    ),
    "aws_security_group_rule": (
        "protocol",
        ("cidr_blocks",),
        ("ipv6_cidr_blocks",),
        ("source_security_group_id", "prefix_list_ids", "self"),
    ),
    "aws_vpc_security_group_ingress_rule": (
        "ip_protocol",
        ("cidr_ipv4",),
        ("cidr_ipv6",),
        ("referenced_security_group_id", "prefix_list_id"),
    ),
}


def ingress_of(
    where: str, shape: str, body: dict[str, Any], module: Module, owner: dict[str, Any]
) -> Ingress:
    """One rule; `owner` is the resource whose count/for_each decide whether (and as what) it exists."""
    protocol_key, v4, v6, peer_keys = RULE_SHAPES[shape]
    each = one(owner["for_each"]) if "for_each" in owner else None
    switch = resolve(one(owner.get("count")), module) | resolve(each, module)
    origin = Origin()
    for key in v4 + v6:
        origin = origin | resolve(one(body.get(key)), module, each)
    return Ingress(
        where=where,
        protocol=str(one(body.get(protocol_key, ["?"]))).lower(),
        from_port=one(body.get("from_port")),
        to_port=one(body.get("to_port")),
        origin=origin,
        gates=switch.gates,
        ipv6=any(one(body.get(key)) not in (None, [], "") for key in v6),
        peers=tuple(key for key in peer_keys if one(body.get(key)) not in (None, [], "", False)),
    )


def ingress_rules(module: Module) -> tuple[list[Ingress], list[str]]:
    """Every inbound rule in the module, in any of the three ways AWS provider code can write one."""
    rules: list[Ingress] = []
    problems: list[str] = []
    for kind, name, body in module.resources:
        where = f"{kind}.{name}"
        if kind == "aws_security_group":
            for block in body.get("ingress", []):
                rules.append(ingress_of(f"{where}.ingress", "inline", block, module, body))
            if any("ingress" in block for block in body.get("dynamic", [])):
                problems.append(f"{where}: a dynamic ingress block is not checked; write rules as resources")
        elif kind == "aws_security_group_rule":
            direction = one(body.get("type"))
            if direction == "ingress":
                rules.append(ingress_of(where, kind, body, module, body))
            elif direction != "egress":
                problems.append(f"{where}: type {direction!r} is not a literal ingress or egress")
        elif kind == "aws_vpc_security_group_ingress_rule":
            rules.append(ingress_of(where, kind, body, module, body))
    return rules, problems


def is_acme_opt_in(rule: Ingress, module: Module) -> bool:
    """The one rule allowed to name 0.0.0.0/0: port 80 only, behind a switch that is off by default."""
    return (
        rule.from_port == rule.to_port == 80
        and rule.origin.sources == {"0.0.0.0/0"}
        and rule.gates == {ACME_SWITCH}
        and module.default(ACME_SWITCH.removeprefix("var.")) is False
    )


def rule_problems(rule: Ingress, module: Module) -> list[str]:
    problems: list[str] = []
    if rule.protocol not in {"tcp", "6"}:
        problems.append(f"{rule.where}: protocol {rule.protocol!r}; only tcp is opened")
    if not isinstance(rule.from_port, int) or rule.from_port != rule.to_port:
        problems.append(f"{rule.where}: ports {rule.from_port}-{rule.to_port}; one literal port per rule")
    elif rule.from_port not in {443, 80, 22}:
        problems.append(f"{rule.where}: port {rule.from_port} is not 443, 80 or 22")
    if rule.ipv6:
        problems.append(f"{rule.where}: IPv6 source; the VPC is IPv4-only and no IPv6 sender is expected")
    if rule.peers:
        problems.append(f"{rule.where}: non-CIDR sources {rule.peers}")
    literals = {s for s in rule.origin.sources if not s.startswith("var.")}
    variables = rule.origin.sources - literals
    if literals and not is_acme_opt_in(rule, module):
        problems.append(f"{rule.where}: literal sources {sorted(literals)}")
    if rule.from_port in (443, 80) and not variables <= WEB_SOURCES:
        problems.append(f"{rule.where}: sources {sorted(variables)} beyond tradingview_cidrs and admin_cidrs")
    if rule.from_port == 22:
        if not variables <= SSH_SOURCES:
            problems.append(f"{rule.where}: SSH from {sorted(variables)}, not only admin_cidrs")
        if "var.ssh_enabled" not in rule.gates:
            problems.append(f"{rule.where}: SSH is not switched by ssh_enabled")
    return problems


def coverage_problems(rules: list[Ingress], module: Module) -> list[str]:
    """The intended openings exist, exactly, and the switches default to closed."""
    problems: list[str] = []
    for port in (443, 80):
        opened: frozenset[str] = frozenset()
        for rule in rules:
            if rule.from_port == rule.to_port == port and not rule.gates:
                opened |= rule.origin.sources
        if opened != WEB_SOURCES:
            problems.append(f"port {port} is open to {sorted(opened)}, not exactly {sorted(WEB_SOURCES)}")
    for switch in ("ssh_enabled", "acme_http01_open_to_all"):
        if module.default(switch) is not False:
            problems.append(f"{switch} does not default to false")
    if module.default("tradingview_cidrs") != TRADINGVIEW:
        problems.append("tradingview_cidrs does not default to TradingView's four published senders")
    if "default" in module.variables["admin_cidrs"]:
        problems.append("admin_cidrs has a default; the owner must name their own address")
    return problems


def firewall_findings(directory: Path) -> list[str]:
    module = load_module(directory)
    rules, problems = ingress_rules(module)
    for rule in rules:
        problems += rule_problems(rule, module)
    return problems + coverage_problems(rules, module)


def test_the_firewall_admits_only_tradingview_and_the_owner() -> None:
    assert firewall_findings(TERRAFORM) == []


def test_the_walker_sees_every_intended_rule(root_module: Module) -> None:
    rules, _ = ingress_rules(root_module)
    by_where = {rule.where: rule for rule in rules}
    assert set(by_where) == {
        "aws_vpc_security_group_ingress_rule.https",
        "aws_vpc_security_group_ingress_rule.http",
        "aws_vpc_security_group_ingress_rule.acme_http01",
        "aws_vpc_security_group_ingress_rule.ssh",
    }
    assert by_where["aws_vpc_security_group_ingress_rule.https"].origin.sources == WEB_SOURCES
    assert by_where["aws_vpc_security_group_ingress_rule.ssh"].origin.sources == SSH_SOURCES
    assert by_where["aws_vpc_security_group_ingress_rule.ssh"].gates == {"var.ssh_enabled"}
    assert is_acme_opt_in(by_where["aws_vpc_security_group_ingress_rule.acme_http01"], root_module)
    # No inline rules on the group, where they would fight the rule resources.
    (_, group), *others = root_module.of_kind("aws_security_group")
    assert not others and "ingress" not in group and "egress" not in group


def test_egress_is_https_and_http_only(root_module: Module) -> None:
    rules = root_module.of_kind("aws_vpc_security_group_egress_rule")
    ports = sorted((one(b["ip_protocol"]), one(b["from_port"]), one(b["to_port"])) for _, b in rules)
    assert ports == [("tcp", 80, 80), ("tcp", 443, 443)]
    assert not root_module.of_kind("aws_security_group_rule")


# What EC2 accepts in a security group's or a rule's description; anything else fails at apply.
EC2_DESCRIPTION = re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{0,255}")


def test_security_group_descriptions_use_only_characters_ec2_accepts(root_module: Module) -> None:
    kinds = (
        "aws_security_group",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    )
    described = [(k, n, one(b["description"])) for k, n, b in root_module.resources if k in kinds]
    assert len(described) == 7
    for kind, name, description in described:
        assert EC2_DESCRIPTION.fullmatch(description), f"{kind}.{name}: {description!r}"


def _add(text: str) -> Callable[[Path], None]:
    def mutate(directory: Path) -> None:
        (directory / "mutant.tf").write_text(text, encoding="utf-8")

    return mutate


def _replace(filename: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(directory: Path) -> None:
        path = directory / filename
        text = path.read_text(encoding="utf-8")
        assert old in text, f"the mutation no longer applies to {filename}: {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def _hcl(block: str, **attributes: object) -> str:
    """A block with one `name = value` line per attribute; string values carry their own quotes."""
    lines = "".join(f"  {name} = {value}\n" for name, value in attributes.items())
    return f"{block} {{\n{lines}}}\n"


def _rule(**attributes: object) -> str:
    return _hcl(
        'resource "aws_vpc_security_group_ingress_rule" "mutant"',
        security_group_id="aws_security_group.host.id",
        **attributes,
    )


TCP = '"tcp"'
INLINE_SG = """
resource "aws_security_group" "mutant" {
  vpc_id = aws_vpc.this.id
  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.0.0/8"]
  }
}
"""
DYNAMIC_SG = """
resource "aws_security_group" "mutant" {
  vpc_id = aws_vpc.this.id
  dynamic "ingress" {
    for_each = var.admin_cidrs
    content {
      protocol    = "tcp"
      from_port   = 443
      to_port     = 443
      cidr_blocks = [ingress.value]
    }
  }
}
"""

MUTANTS: dict[str, Callable[[Path], None]] = {
    "https-from-anywhere": _add(_rule(ip_protocol=TCP, from_port=443, to_port=443, cidr_ipv4='"0.0.0.0/0"')),
    "https-from-anywhere-v6": _add(_rule(ip_protocol=TCP, from_port=443, to_port=443, cidr_ipv6='"::/0"')),
    "legacy-rule-ssh-from-anywhere": _add(
        _hcl(
            'resource "aws_security_group_rule" "mutant"',
            type='"ingress"',
            security_group_id="aws_security_group.host.id",
            protocol=TCP,
            from_port=22,
            to_port=22,
            cidr_blocks='["0.0.0.0/0"]',
        )
    ),
    "inline-ingress-from-a-wide-block": _add(INLINE_SG),
    "dynamic-ingress": _add(DYNAMIC_SG),
    "all-protocols": _add(_rule(ip_protocol='"-1"', cidr_ipv4="var.admin_cidrs[0]")),
    "port-range": _add(_rule(ip_protocol=TCP, from_port=0, to_port=65535, cidr_ipv4="var.admin_cidrs[0]")),
    "another-port": _add(
        _rule(ip_protocol=TCP, from_port=8080, to_port=8080, cidr_ipv4="var.admin_cidrs[0]")
    ),
    "source-through-a-local": _add(
        _hcl("locals", partners='["198.51.100.0/24"]')
        + _rule(
            for_each="toset(local.partners)",
            ip_protocol=TCP,
            from_port=443,
            to_port=443,
            cidr_ipv4="each.value",
        )
    ),
    "source-through-a-variable": _add(
        _hcl('variable "partners"', type="list(string)", description='"x y z"', default='["0.0.0.0/0"]')
        + _rule(
            for_each="toset(var.partners)",
            ip_protocol=TCP,
            from_port=443,
            to_port=443,
            cidr_ipv4="each.value",
        )
    ),
    "another-security-group-as-source": _add(
        _rule(
            ip_protocol=TCP,
            from_port=443,
            to_port=443,
            referenced_security_group_id="aws_default_security_group.this.id",
        )
    ),
    "ssh-not-switched": _replace(
        "security_group.tf", "var.ssh_enabled ? toset(var.admin_cidrs) : toset([])", "toset(var.admin_cidrs)"
    ),
    "ssh-on-by-default": _replace(
        "variables.tf",
        'default     = false\n}\n\nvariable "ssh_public_key"',
        'default     = true\n}\n\nvariable "ssh_public_key"',
    ),
    "acme-on-by-default": _replace(
        "variables.tf",
        'default     = false\n}\n\nvariable "instance_type"',
        'default     = true\n}\n\nvariable "instance_type"',
    ),
    "acme-rule-on-443": _replace(
        "security_group.tf",
        'from_port         = 80\n  to_port           = 80\n  cidr_ipv4         = "0.0.0.0/0"',
        'from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = "0.0.0.0/0"',
    ),
    "tradingview-locked-out-of-443": _replace(
        "security_group.tf",
        '"https" {\n  for_each = toset(local.web_source_cidrs)',
        '"https" {\n  for_each = toset(var.admin_cidrs)',
    ),
    "wider-default-senders": _replace("variables.tf", '"52.32.178.7/32"]', '"52.32.178.0/24"]'),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_the_firewall_walker_catches_a_mutated_copy(tmp_path: Path, mutant: str) -> None:
    for path in TERRAFORM.glob("*.tf"):
        shutil.copy(path, tmp_path / path.name)
    assert firewall_findings(tmp_path) == [], "the unmutated copy is clean"
    MUTANTS[mutant](tmp_path)
    assert firewall_findings(tmp_path), f"{mutant} went unnoticed"


# -- 5. cloud-init --------------------------------------------------------------------------------

INTERPOLATION = re.compile(r"(?<!\$)\$\{([^}]*)\}")
TEMPLATEFILE_CALL = re.compile(
    r'\$\{templatefile\("\$\{path\.module\}/templates/cloud-init\.yaml\.tftpl",\{(.*)\}\)\}'
)
MAP_ENTRY = re.compile(r"'(\w+)': (?:'((?:[^'\\]|\\.)*)'|(\w+))")


def template_arguments_text(module: Module) -> str:
    call = module.locals["user_data"]
    match = TEMPLATEFILE_CALL.fullmatch(call)
    assert match, call
    return match.group(1)


def _pairs(text: str) -> list[tuple[str, str]]:
    """hcl2 prints the map as {'name': 'expression', 'number': 10001}."""
    return [(key, quoted or bare) for key, quoted, bare in MAP_ENTRY.findall(text)]


def render(values: dict[str, Any]) -> str:
    """templatefile() for the subset the template may use: names and jsonencode(name)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    assert not re.search(r"(?<!%)%\{", template), "no template directives: the test renders names only"

    def substitute(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        call = re.fullmatch(r"jsonencode\((\w+)\)", expression)
        if call:
            return json.dumps(values[call.group(1)], separators=(",", ":"))
        assert re.fullmatch(r"\w+", expression), f"unsupported template expression {expression!r}"
        value = values[expression]
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    return INTERPOLATION.sub(substitute, template).replace("$${", "${").replace("%%{", "%{")


def used_names() -> set[str]:
    names: set[str] = set()
    for expression in INTERPOLATION.findall(TEMPLATE.read_text(encoding="utf-8")):
        names |= set(re.findall(r"\b([a-z_]+)\b", expression)) - {"jsonencode"}
    return names


def sample_values(root_module: Module, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "region": "us-west-2",
        "ssm_path": "/tvbridge",
        "secret_names": root_module.locals["secret_names"],
        "secret_owner": root_module.locals["secret_default_owner"],
        "secret_owners": root_module.locals["secret_owners"],
        "repo_url": "https://github.com/owner/tvbridge.git",
        "repo_ref": "v1.2.3",
        "data_volume_serial": "vol0123456789abcdef0",
        "compose_profiles": "",
        "domain": "tv.example.com",
        "acme_email": "owner@example.com",
        "allowed_sources": "tradingview,203.0.113.7/32",
        "default_exchange": "bingx",
        "strategies": "ema-cross,breakout",
        "bingx_demo": True,
        "binance_testnet": True,
    }
    values.update(overrides)
    return values


def cloud_config(root_module: Module, **overrides: Any) -> dict[str, Any]:
    rendered = render(sample_values(root_module, **overrides))
    assert rendered.startswith("#cloud-config\n")
    # EC2 refuses user data above 16 KiB.
    assert len(rendered.encode()) < 16 * 1024
    loaded: dict[str, Any] = yaml.safe_load(rendered)
    return loaded


def written(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["path"]: entry for entry in config["write_files"]}


def test_the_template_gets_exactly_the_values_it_uses(root_module: Module) -> None:
    arguments = dict(_pairs(template_arguments_text(root_module)))
    assert set(arguments) == used_names() == set(sample_values(root_module))
    assert arguments["secret_names"] == "${local.secret_names}"
    assert arguments["compose_profiles"] == '${var.monitoring ? "--profile monitoring" : ""}'
    # Nothing secret is handed to the template: names and settings only.
    assert not [k for k in arguments if re.search(r"passphrase|password|secret_key|api_key|token", k)]


def test_the_host_creates_every_secret_file_of_the_compose_contract(root_module: Module) -> None:
    names = root_module.locals["secret_names"]
    assert set(CONTRACT_SECRETS) <= set(names)
    assert len(set(names)) == len(names)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    declared = {
        Path(spec["file"]).name
        for spec in (compose.get("secrets") or {}).values()
        if Path(spec.get("file", "")).parent.name == "secrets"
    }
    # compose refuses to start when a declared secret file is missing, so the host makes them all.
    assert declared <= set(names), sorted(declared - set(names))


def test_env_holds_the_settings_and_no_secret(root_module: Module) -> None:
    env = written(cloud_config(root_module))["/opt/tvbridge/.env"]
    assert env["permissions"] == "0600"
    settings = dict(
        line.split("=", 1) for line in env["content"].splitlines() if line and not line.startswith("#")
    )
    assert settings == {
        "TVBRIDGE_DOMAIN": "tv.example.com",
        "ACME_EMAIL": "owner@example.com",
        "ALLOWED_SOURCES": "tradingview,203.0.113.7/32",
        "DEFAULT_EXCHANGE": "bingx",
        "STRATEGIES": "ema-cross,breakout",
        "BINGX_DEMO": "true",
        "BINANCE_TESTNET": "true",
    }


def test_allowed_sources_repeat_the_firewall(root_module: Module) -> None:
    expression = root_module.locals["allowed_sources"]
    assert "'tradingview'" in expression and "var.admin_cidrs" in expression
    assert "var.tradingview_cidrs" in expression
    assert root_module.locals["tradingview_preset"] == TRADINGVIEW


def unit_settings(root_module: Module, compose_profiles: str = "") -> dict[str, list[str]]:
    """tvbridge.service as {key: [values]}, with runs of spaces collapsed."""
    config = cloud_config(root_module, compose_profiles=compose_profiles)
    unit = written(config)["/etc/systemd/system/tvbridge.service"]["content"]
    settings: dict[str, list[str]] = {}
    for line in unit.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(" ".join(value.split()))
    return settings


def test_the_service_starts_compose_and_refreshes_secrets_first(root_module: Module) -> None:
    unit = unit_settings(root_module)
    assert unit["ExecStartPre"] == ["/usr/local/sbin/tvbridge-secrets"]
    # --force-recreate: every container mounts the secret files just written.
    assert unit["ExecStart"] == ["/usr/bin/docker compose up -d --build --force-recreate --remove-orphans"]
    assert unit["ExecStop"] == ["/usr/bin/docker compose down"]
    assert unit["WorkingDirectory"] == ["/opt/tvbridge"]
    assert unit["WantedBy"] == ["multi-user.target"]
    assert unit["Requires"] == ["docker.service"]
    assert unit["RequiresMountsFor"] == ["/var/lib/docker/volumes"]
    assert unit["Restart"] == ["on-failure"]
    monitored = unit_settings(root_module, "--profile monitoring")
    assert monitored["ExecStart"] == [
        "/usr/bin/docker compose --profile monitoring up -d --build --force-recreate --remove-orphans"
    ]
    assert monitored["ExecStop"] == ["/usr/bin/docker compose --profile monitoring down"]


def test_the_bootstrap_is_valid_bash_and_does_each_step(root_module: Module) -> None:
    config = cloud_config(root_module)
    assert config["runcmd"] == [["/usr/local/sbin/tvbridge-bootstrap"]]
    script = written(config)["/usr/local/sbin/tvbridge-bootstrap"]["content"]
    bash = shutil.which("bash")
    if bash:
        checked = subprocess.run([bash, "-n"], input=script, capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
    assert "set -euo pipefail" in script and "set -x" not in script  # -x would log every line
    for step in (
        "docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin",
        "9DC858229FC7DD38854AE2D88D81803C0EBFCD88",  # Docker's release key, checked before use
        "awscli",
        "amazon-ssm-agent",
        "readonly REPO_URL='https://github.com/owner/tvbridge.git'",
        "readonly REPO_REF='v1.2.3'",
        'fetch -q --depth 1 origin "$REPO_REF"',
        "git init -q /opt/tvbridge",
        "nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0",
        "systemctl enable tvbridge.service",
    ):
        assert step in script, step
    # A replacement host must never format the volume that holds the journal.
    assert re.search(r'if ! blkid "\$device".*\n.*\n\s+mkfs\.ext4', script)


def test_no_metadata_call_without_an_imdsv2_token() -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    if "169.254.169.254" in template or "/latest/meta-data" in template:
        assert "X-aws-ec2-metadata-token" in template


def test_no_secret_value_is_in_terraform_or_the_template(root_module: Module) -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    assert "get-parameters-by-path" in template and "--with-decryption" in template
    # The host only reads: no value is passed, and no secret setting is written into .env.
    assert "--value" not in template and "WEBHOOK_PASSPHRASE=" not in template
    # An aws_ssm_parameter (resource or data source) would copy the values into the state.
    for path in TF_FILES:
        assert "aws_ssm_parameter" not in path.read_text(encoding="utf-8"), path.name


@pytest.fixture
def secrets_script(root_module: Module, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The rendered tvbridge-secrets, loaded as a module writing into tmp_path with chown recorded."""
    source = written(cloud_config(root_module))["/usr/local/sbin/tvbridge-secrets"]["content"]
    assert source.startswith("#!/usr/bin/python3\n")
    namespace: dict[str, Any] = {"__name__": "tvbridge_secrets"}
    exec(compile(source, "tvbridge-secrets", "exec"), namespace)
    namespace["DIRECTORY"] = str(tmp_path / "secrets")
    # chown is recorded, not done (the test may not run as root); each file is chowned under a
    # temporary name and then renamed, so the renames say which file it was.
    chowned: list[tuple[str, int, int]] = []
    renamed: dict[str, str] = {}
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        renamed[Path(source).name] = Path(target).name
        real_replace(source, target)

    monkeypatch.setattr(os, "chown", lambda path, uid, gid: chowned.append((Path(path).name, uid, gid)))
    monkeypatch.setattr(os, "replace", replace)
    namespace["owners"] = lambda: [(renamed.get(name, name), uid, gid) for name, uid, gid in chowned]
    return namespace


def fake_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: Any, exit_code: int = 0) -> Path:
    """An `aws` on PATH that records its arguments and prints `output` as JSON."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "aws-calls.json"
    script = bin_dir / "aws"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"print(json.dumps({output!r}))\nsys.exit({exit_code})\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return calls


def test_secrets_are_read_from_ssm_with_decryption_and_written_0400(
    secrets_script: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls = fake_aws(
        tmp_path,
        monkeypatch,
        [
            ["/tvbridge/webhook_passphrase", "pass-VALUE-1"],
            ["/tvbridge/bingx_api_key", "key-VALUE-2"],
            ["/tvbridge/grafana_admin_password", "graf-VALUE-3"],
            ["/tvbridge/typo_name", "stray-VALUE-4"],
        ],
    )
    assert secrets_script["main"]() == 0
    (arguments,) = [json.loads(line) for line in calls.read_text(encoding="utf-8").splitlines()]
    assert arguments[:2] == ["ssm", "get-parameters-by-path"]
    assert {"--with-decryption", "--path", "/tvbridge", "--region", "us-west-2"} <= set(arguments)
    directory = tmp_path / "secrets"
    names = secrets_script["NAMES"]
    assert sorted(p.name for p in directory.iterdir()) == sorted(names)
    assert set(CONTRACT_SECRETS) <= set(names)
    for path in directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o400, path.name
    assert (directory / "webhook_passphrase").read_text(encoding="utf-8") == "pass-VALUE-1"
    assert (directory / "bingx_api_key").read_text(encoding="utf-8") == "key-VALUE-2"
    assert (directory / "binance_secret_key").read_text(encoding="utf-8") == ""  # absent = unused
    assert not (directory / "typo_name").exists()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    chowned = secrets_script["owners"]()
    owners = {name: uid for name, uid, gid in chowned if uid == gid}
    assert len(owners) == len(chowned), "uid and gid always match, each path once"
    assert owners.pop("secrets") == 0
    assert owners.pop("grafana_admin_password") == 472  # Grafana's image runs as 472
    assert set(owners.values()) == {CONTAINER_UID}
    printed = capsys.readouterr()
    assert "VALUE" not in printed.out + printed.err  # names may be logged, values never
    assert "typo_name" in printed.err


def test_an_ssm_outage_keeps_the_last_good_files_but_a_first_boot_fails(
    secrets_script: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_aws(tmp_path, monkeypatch, {"error": "unreachable"}, exit_code=255)
    assert secrets_script["main"]() == 1
    assert not (tmp_path / "secrets").exists()
    directory = tmp_path / "secrets"
    directory.mkdir()
    for name in secrets_script["NAMES"]:
        (directory / name).write_text("old", encoding="utf-8")
    assert secrets_script["main"]() == 0
    assert (directory / "webhook_passphrase").read_text(encoding="utf-8") == "old"


# -- 6. the instance, its address, its role -------------------------------------------------------


def test_the_instance_requires_imdsv2_and_encrypts_its_disks(root_module: Module) -> None:
    instance = root_module.resource("aws_instance", "host")
    metadata = one(instance["metadata_options"])
    assert one(metadata["http_tokens"]) == "required"
    assert one(metadata["http_endpoint"]) == "enabled"
    # 1: the host's aws CLI reaches the metadata service, containers (a hop further) do not.
    assert one(metadata["http_put_response_hop_limit"]) == 1
    root = one(instance["root_block_device"])
    assert one(root["encrypted"]) is True
    assert one(root["kms_key_id"]) == "${aws_kms_key.this.arn}"
    assert one(instance["monitoring"]) is True
    assert one(instance["ebs_optimized"]) is True
    assert one(instance["iam_instance_profile"]) == "${aws_iam_instance_profile.host.name}"
    assert one(instance["user_data"]) == "${local.user_data}"
    assert one(instance["user_data_replace_on_change"]) is True
    assert root_module.default("instance_type") == "t3.small"
    data = root_module.resource("aws_ebs_volume", "data")
    assert one(data["encrypted"]) is True and one(data["kms_key_id"]) == "${aws_kms_key.this.arn}"
    attachment = root_module.resource("aws_volume_attachment", "data")
    assert one(attachment["instance_id"]) == "${aws_instance.host.id}"
    assert one(attachment["volume_id"]) == "${aws_ebs_volume.data.id}"


def test_the_image_is_debian_12_from_debians_own_account(root_module: Module) -> None:
    ami = root_module.data_source("aws_ami", "debian")
    assert one(ami["owners"]) == ["136693071363"]
    filters = {one(f["name"]): one(f["values"]) for f in ami["filter"]}
    assert "debian-12-amd64-*" in filters["name"][0] and "debian-12-arm64-*" in filters["name"][0]
    assert one(ami["most_recent"]) is True


def test_the_elastic_ip_is_associated_with_the_instances_own_interface(root_module: Module) -> None:
    assert one(root_module.resource("aws_eip", "host")["domain"]) == "vpc"
    association = root_module.resource("aws_eip_association", "host")
    assert one(association["allocation_id"]) == "${aws_eip.host.id}"
    assert one(association["network_interface_id"]) == "${aws_network_interface.host.id}"
    interface = one(root_module.resource("aws_instance", "host")["network_interface"])
    assert one(interface["network_interface_id"]) == "${aws_network_interface.host.id}"
    assert one(interface["device_index"]) == 0
    eni = root_module.resource("aws_network_interface", "host")
    assert one(eni["security_groups"]) == ["${aws_security_group.host.id}"]
    assert one(root_module.resource("aws_subnet", "public")["map_public_ip_on_launch"]) is False


def test_the_dns_record_is_optional_and_points_at_the_elastic_ip(root_module: Module) -> None:
    record = root_module.resource("aws_route53_record", "host")
    assert one(record["count"]) == '${var.route53_zone_id == "" ? 0 : 1}'
    assert one(record["type"]) == "A"
    assert one(record["name"]) == "${var.domain}"
    assert one(record["records"]) == ["${aws_eip.host.public_ip}"]
    assert root_module.default("route53_zone_id") == ""


def statements(module: Module, document: str) -> dict[str, dict[str, Any]]:
    body = module.data_source("aws_iam_policy_document", document)
    return {one(s["sid"]): s for s in body["statement"]}


SESSION_MANAGER_ACTIONS = [
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
]


def conditions_of(statement: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {one(c["variable"]): (one(c["test"]), one(c["values"])) for c in statement.get("condition", [])}


def test_the_host_role_reads_only_its_prefix_and_decrypts_only_through_ssm(root_module: Module) -> None:
    policy = statements(root_module, "host")
    assert set(policy) == {"ReadTheSecretsUnderThePrefix", "DecryptThemThroughSsmOnly", "SessionManagerAgent"}
    for statement in policy.values():
        assert one(statement.get("effect", ["Allow"])) == "Allow"
        assert not {"not_actions", "not_resources", "principals"} & set(statement)

    read = policy["ReadTheSecretsUnderThePrefix"]
    assert one(read["actions"]) == ["ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"]
    assert one(read["resources"]) == ["${local.ssm_path_arn}", "${local.ssm_parameters_arn}"]
    assert root_module.locals["ssm_path"] == '${trimsuffix(var.ssm_prefix,"/")}'
    account = "arn:${local.partition}:ssm:${local.region}:${local.account_id}"
    assert root_module.locals["ssm_path_arn"] == account + ":parameter${local.ssm_path}"
    assert root_module.locals["ssm_parameters_arn"] == account + ":parameter${local.ssm_path}/*"

    decrypt = policy["DecryptThemThroughSsmOnly"]
    assert one(decrypt["actions"]) == ["kms:Decrypt"]
    assert one(decrypt["resources"]) == ["${aws_kms_key.this.arn}"]
    assert conditions_of(decrypt) == {
        "kms:ViaService": ("StringEquals", ["ssm.${local.region}.amazonaws.com"]),
        "kms:EncryptionContext:PARAMETER_ARN": ("StringLike", ["${local.ssm_parameters_arn}"]),
    }

    # "*" only where the action has no resource to name: the SSM agent's own channel.
    agent = policy["SessionManagerAgent"]
    assert one(agent["actions"]) == SESSION_MANAGER_ACTIONS
    assert one(agent["resources"]) == ["*"]
    assert not conditions_of(agent)


def test_the_host_role_carries_that_one_policy_and_nothing_else(root_module: Module) -> None:
    role = root_module.resource("aws_iam_role", "host")
    assert "managed_policy_arns" not in role and "inline_policy" not in role
    assert one(role["assume_role_policy"]) == "${data.aws_iam_policy_document.host_assume.json}"
    (assume,) = statements(root_module, "host_assume").values()
    assert one(assume["actions"]) == ["sts:AssumeRole"]
    assert {one(p["type"]): one(p["identifiers"]) for p in assume["principals"]} == {
        "Service": ["ec2.amazonaws.com"]
    }
    # In particular not AmazonSSMManagedInstanceCore: it grants ssm:GetParameter(s) on every parameter.
    assert not root_module.of_kind("aws_iam_role_policy_attachment")
    assert not root_module.of_kind("aws_iam_policy")
    policies = {one(b["role"]): one(b["policy"]) for _, b in root_module.of_kind("aws_iam_role_policy")}
    assert policies == {
        "${aws_iam_role.host.id}": "${data.aws_iam_policy_document.host.json}",
        "${aws_iam_role.flow_logs.id}": "${data.aws_iam_policy_document.flow_logs.json}",
    }
    profile = root_module.resource("aws_iam_instance_profile", "host")
    assert one(profile["role"]) == "${aws_iam_role.host.name}"


def test_the_key_rotates_and_only_cloudwatch_logs_gets_a_service_grant(root_module: Module) -> None:
    key = root_module.resource("aws_kms_key", "this")
    assert one(key["enable_key_rotation"]) is True
    assert one(key["policy"]) == "${data.aws_iam_policy_document.kms.json}"
    policy = statements(root_module, "kms")
    assert set(policy) == {"AccountAdministersThroughIam", "CloudWatchLogsForTheFlowLogGroup"}
    logs = policy["CloudWatchLogsForTheFlowLogGroup"]
    assert {one(p["type"]): one(p["identifiers"]) for p in logs["principals"]} == {
        "Service": ["logs.${local.region}.amazonaws.com"]
    }
    assert "kms:EncryptionContext:aws:logs:arn" in conditions_of(logs)


def test_flow_logs_are_encrypted_and_kept_a_year(root_module: Module) -> None:
    group = root_module.resource("aws_cloudwatch_log_group", "flow_logs")
    assert one(group["kms_key_id"]) == "${aws_kms_key.this.arn}"
    assert one(group["retention_in_days"]) == "${var.flow_log_retention_days}"
    assert root_module.default("flow_log_retention_days") >= 365
    flow_log = root_module.resource("aws_flow_log", "this")
    assert one(flow_log["traffic_type"]) == "ALL"
    assert one(flow_log["vpc_id"]) == "${aws_vpc.this.id}"


def _all_strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_strings(item)


def test_no_iam_statement_anywhere_uses_a_wildcard_action() -> None:
    for path in TF_FILES:
        for kind, named in ((k, n) for block in parse(path).get("data", []) for k, n in block.items()):
            if kind != "aws_iam_policy_document":
                continue
            for name, body in named.items():
                for statement in body["statement"]:
                    actions = list(_all_strings(statement.get("actions", [])))
                    wild = [a for a in actions if a.endswith(":*") or a == "*"]
                    # The key policy's root statement is AWS's default delegation to IAM.
                    delegation = (name, one(statement["sid"])) == ("kms", "AccountAdministersThroughIam")
                    assert not wild or delegation
