"""docker-compose.yml, checked statically (no Docker engine here): the Compose Specification's
schema, then the wiring the deployment's safety depends on."""

from __future__ import annotations

import ipaddress
import json
import re
import stat
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tools import compose_init
from tools.processes import ROOT

COMPOSE = ROOT / "docker-compose.yml"
KEY_SECRETS = {"bingx_api_key", "bingx_secret_key", "binance_api_key", "binance_secret_key"}
_VAR = re.compile(r"\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}, strictly: a missing required
    variable raises with its message, as `docker compose config` would refuse."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        value = env.get(name, "")
        if op in (":?", "?") and not value:
            raise KeyError(f"{name}: {arg}")
        if op in (":-", "-") and not value:
            return arg
        return value

    return _VAR.sub(one, text)


def env_file(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def validate(document: dict[str, Any]) -> list[str]:
    schema_file = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_file_follows_the_compose_specification() -> None:
    assert validate(compose()) == []
    # With the demo's .env filled in, as `docker compose --profile demo up` would see it.
    resolved = yaml.safe_load(interpolate(COMPOSE.read_text(), env_file(compose_init.DEMO_ENV)))
    assert validate(resolved) == []


def test_the_schema_check_can_fail() -> None:
    broken = compose()
    broken["services"]["executor"]["ports"] = "50051"  # a string where a list belongs
    broken["services"]["gateway"]["restart"] = ["always"]
    assert len(validate(broken)) >= 2


def test_required_settings_stop_compose_with_a_message() -> None:
    required = {m.group(1) for m in _VAR.finditer(COMPOSE.read_text()) if m.group(2) in (":?", "?")}
    assert required == {"TVBRIDGE_DOMAIN", "ACME_EMAIL"}
    with pytest.raises(KeyError, match=r"TVBRIDGE_DOMAIN: set TVBRIDGE_DOMAIN in \.env"):
        interpolate(COMPOSE.read_text(), {"ACME_EMAIL": "me@example.com"})


def test_only_the_tls_proxy_faces_the_internet() -> None:
    published = {name: svc.get("ports", []) for name, svc in services().items() if svc.get("ports")}
    assert published == {"caddy": ["80:80", "443:443"], "grafana": ["127.0.0.1:3000:3000"]}
    # TradingView sends only to 80 and 443; nothing else may be open on the host.


def test_the_executor_is_unpublished_private_and_the_only_key_holder() -> None:
    svc = services()
    executor = svc["executor"]
    assert "ports" not in executor and "expose" not in executor
    assert set(executor["networks"]) == {"internal", "egress"}
    networks = compose()["networks"]
    assert networks["internal"]["internal"] is True
    assert set(executor["secrets"]) == KEY_SECRETS
    for name, service in svc.items():
        if name not in ("executor", "simulator"):
            assert not KEY_SECRETS & set(service.get("secrets", [])), name
            assert not any("BINGX" in k or "BINANCE" in k for k in service.get("environment", {})), name
    # Keys arrive as files, never as environment variables that `docker inspect` would show.
    for key in KEY_SECRETS:
        env_name = key.upper() + "_FILE"
        assert executor["environment"][env_name] == f"/run/secrets/{key}"
        assert key.upper() not in executor["environment"]
    # Only the gateway shares a network with the executor's gRPC port (besides monitoring).
    sharing = {n for n, s in svc.items() if "internal" in s.get("networks", []) and n != "executor"}
    assert sharing == {"gateway", "postgres", "prometheus", "grafana"}


def test_every_secret_is_a_file_that_compose_init_writes(tmp_path: Path) -> None:
    declared = compose()["secrets"]
    assert set(declared) == set(compose_init.SECRETS)
    assert all(spec == {"file": f"./secrets/{name}"} for name, spec in declared.items())
    used = {s for svc in services().values() for s in svc.get("secrets", [])}
    assert used == set(declared)
    gateway = services()["gateway"]
    for name in gateway["secrets"]:
        assert f"/run/secrets/{name}" in gateway["environment"].values(), name


def test_every_service_is_healthchecked_and_waits_for_healthy_dependencies() -> None:
    for name, svc in services().items():
        assert svc["healthcheck"]["test"][0] == "CMD", name
        for dependency, rule in svc.get("depends_on", {}).items():
            assert rule["condition"] == "service_healthy", (name, dependency)
            assert dependency in services()
    chain = {n: set(s.get("depends_on", {})) for n, s in services().items()}
    assert chain["caddy"] == {"gateway"} and "executor" in chain["gateway"]
    # A dependency is required exactly when it is on whenever this service is.
    for name, svc in services().items():
        mine = set(svc.get("profiles", []))
        for dependency, rule in svc.get("depends_on", {}).items():
            theirs = set(services()[dependency].get("profiles", []))
            always_on_with_me = not theirs or bool(mine and mine <= theirs)
            assert rule.get("required", True) is always_on_with_me, (name, dependency)


def test_every_service_is_hardened_and_pinned() -> None:
    for name, svc in services().items():
        assert svc["read_only"] is True, name
        assert svc["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in svc["security_opt"], name
        assert svc["restart"] == "unless-stopped", name
        image = svc["image"]
        assert not image.endswith(":latest") and re.search(r":(\$\{[^}]+\}|[\w.-]*\d[\w.-]*)$", image), name
    assert services()["caddy"]["cap_add"] == ["NET_BIND_SERVICE"]


def test_the_gateway_believes_only_the_proxy() -> None:
    svc = services()
    proxy_ip = svc["caddy"]["networks"]["edge"]["ipv4_address"]
    subnet = compose()["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_ip) in ipaddress.ip_network(subnet)
    assert svc["gateway"]["environment"]["TRUSTED_PROXIES"] == proxy_ip
    assert "edge" in svc["gateway"]["networks"]
    caddyfile = (ROOT / "deploy" / "caddy" / "Caddyfile").read_text()
    assert "reverse_proxy gateway:5000" in caddyfile
    assert "header_up X-Forwarded-For {remote_host}" in caddyfile  # replaced, not appended
    assert "header_up -X-Client-Subject" in caddyfile  # a client cannot claim a verified certificate
    assert "respond /metrics 404" in caddyfile
    assert "{$TVBRIDGE_DOMAIN}" in caddyfile and "{$ACME_EMAIL}" in caddyfile
    assert "./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro" in svc["caddy"]["volumes"]


def test_the_journal_lives_on_a_volume_or_postgres() -> None:
    gateway = services()["gateway"]
    assert "journal:/app/data" in gateway["volumes"]  # SQLite under the image's /app
    assert gateway["environment"]["DATABASE_URL_FILE"] == "/run/secrets/database_url"
    postgres = services()["postgres"]
    assert postgres["profiles"] == ["postgres"] and "internal" in postgres["networks"]
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"


def test_the_demo_profile_trades_on_the_simulator() -> None:
    svc = services()
    demo = env_file(compose_init.DEMO_ENV)
    assert svc["simulator"]["profiles"] == ["demo"]
    assert set(svc["simulator"]["networks"]) & set(svc["executor"]["networks"]) == {"egress"}
    executor_env = {k: interpolate(str(v), demo) for k, v in svc["executor"]["environment"].items()}
    assert executor_env["BINGX_BASE_URL"] == executor_env["BINANCE_BASE_URL"] == "http://simulator:8900"
    assert "8900" in " ".join(svc["simulator"]["healthcheck"]["test"])
    assert set(svc["simulator"]["secrets"]) == KEY_SECRETS  # it accepts the keys it is given
    live = env_file(compose_init.LIVE_ENV)
    assert "BINGX_BASE_URL" not in live and live["BINGX_DEMO"] == "true"  # live starts on demo money


def test_prometheus_and_grafana_are_wired_to_the_services() -> None:
    svc = services()
    scrape = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    targets = {t for job in scrape["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    assert targets == {"gateway:5000", "executor:9101"}
    assert svc["executor"]["environment"]["EXECUTOR_METRICS_HOST"] == "0.0.0.0"
    assert "internal" in svc["prometheus"]["networks"]
    assert "./deploy/prometheus/rules:/etc/prometheus/rules:ro" in svc["prometheus"]["volumes"]
    datasource = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"
    assert (
        svc["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD__FILE"]
        == "/run/secrets/grafana_admin_password"
    )


def test_compose_init_writes_what_compose_needs_once(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("")
    assert compose_init.main(["--dir", str(tmp_path)]) == 0
    folder = tmp_path / "secrets"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {p.name for p in folder.iterdir()} == set(compose_init.SECRETS)
    passphrase = (folder / "webhook_passphrase").read_text().strip()
    assert len(passphrase) >= 24
    assert all((folder / k).read_text() == "" for k in KEY_SECRETS)  # the owner's keys, not ours
    assert (folder / "database_url").read_text() == ""  # SQLite unless --postgres
    env = env_file((tmp_path / ".env").read_text())
    assert env["TVBRIDGE_DOMAIN"] == "" and stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600

    # Run again with --postgres: what exists is kept, the database is added.
    (folder / "bingx_api_key").write_text("owner-key\n")
    assert compose_init.main(["--dir", str(tmp_path), "--postgres"]) == 0
    assert (folder / "webhook_passphrase").read_text().strip() == passphrase
    assert (folder / "bingx_api_key").read_text() == "owner-key\n"
    password = (folder / "postgres_password").read_text().strip()
    assert (
        folder / "database_url"
    ).read_text().strip() == f"postgresql://tvbridge:{password}@postgres:5432/tvbridge"


def test_compose_init_demo_makes_keys_the_simulator_accepts(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("")
    assert compose_init.main(["--dir", str(tmp_path), "--demo"]) == 0
    folder = tmp_path / "secrets"
    assert re.fullmatch(r"[0-9a-f]{64}", (folder / "binance_api_key").read_text().strip())
    assert (folder / "bingx_api_key").read_text().startswith("demo")
    assert env_file((tmp_path / ".env").read_text())["TVBRIDGE_DOMAIN"] == "localhost"
