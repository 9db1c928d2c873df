"""Static checks of deploy/k8s: each overlay builds, validates against the Kubernetes schemas,
passes checkov, and is wired the way the services need (offline, no cluster)."""

from __future__ import annotations

import copy
import functools
import importlib
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml
from fastapi.routing import APIRoute
from pydantic import SecretStr

from executor.config import ExecutorSettings
from gateway.api import routes as gateway_routes
from gateway.config import GatewaySettings
from tests.support.kustomize import KustomizeError, Manifest, build, identity, load_documents, merge
from tools.processes import ROOT

K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("single", "ha")
# The oldest Kubernetes the manifests promise to fit: native gRPC probes are GA since 1.27,
# matchLabelKeys in topology spread is on by default since 1.27.
KUBERNETES_VERSION = "1.30"
UID = 10001
MEMORY_LIMIT_MI = 256
# Checks a manifest may skip; each skip also carries its reason inline (asserted below).
ALLOWED_SKIPS = {"CKV_K8S_43", "CKV_K8S_15", "CKV_K8S_35"}
KEY_VARIABLES = ("BINGX_API_KEY", "BINGX_SECRET_KEY", "BINANCE_API_KEY", "BINANCE_SECRET_KEY")


# -- building ----------------------------------------------------------------------------------


@functools.cache
def _built(overlay: str) -> tuple[Manifest, ...]:
    return tuple(build(K8S / "overlays" / overlay))


def built(overlay: str) -> list[Manifest]:
    """A fresh copy each time, so no test can change what another sees."""
    return copy.deepcopy(list(_built(overlay)))


def by_identity(objects: list[Manifest]) -> list[Manifest]:
    return sorted(objects, key=identity)


def find(objects: list[Manifest], kind: str, name: str) -> Manifest:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def kinds(objects: list[Manifest], kind: str) -> list[Manifest]:
    return [o for o in objects if o["kind"] == kind]


def gateway(objects: list[Manifest]) -> Manifest:
    return find(objects, "Deployment", "tvbridge-gateway")


def executor(objects: list[Manifest]) -> Manifest:
    return find(objects, "Deployment", "tvbridge-executor")


def pod_spec(deployment: Manifest) -> Manifest:
    spec: Manifest = deployment["spec"]["template"]["spec"]
    return spec


def containers(deployment: Manifest) -> list[Manifest]:
    spec = pod_spec(deployment)
    return [*spec.get("initContainers", []), *spec["containers"]]


def only_container(deployment: Manifest) -> Manifest:
    spec = pod_spec(deployment)
    assert len(spec["containers"]) == 1 and "initContainers" not in spec
    container: Manifest = spec["containers"][0]
    return container


def environment(objects: list[Manifest], container: Manifest) -> dict[str, Any]:
    """Every variable the container gets: ConfigMap keys via envFrom, then env (which wins)."""
    out: dict[str, Any] = {}
    for source in container.get("envFrom", []):
        assert set(source) == {"configMapRef"}, "only ConfigMaps are read whole"
        out.update(find(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
    for variable in container.get("env", []):
        out[variable["name"]] = variable.get("value", variable.get("valueFrom"))
    return out


def mounted_secret(deployment: Manifest, path: str) -> tuple[str, str]:
    """(Secret name, key) of the file at `path` inside the container."""
    container = only_container(deployment)
    for mount in container.get("volumeMounts", []):
        directory = mount["mountPath"].rstrip("/") + "/"
        if path.startswith(directory):
            volume = next(v for v in pod_spec(deployment)["volumes"] if v["name"] == mount["name"])
            assert mount.get("readOnly") is True, f"{mount['mountPath']} must be read-only"
            return volume["secret"]["secretName"], path.removeprefix(directory)
    raise AssertionError(f"{path} is on no mounted volume")


def secret_fields(settings: type[GatewaySettings] | type[ExecutorSettings]) -> set[str]:
    return {
        name.upper()
        for name, info in settings.model_fields.items()
        if info.annotation in (SecretStr, SecretStr | None)
    }


def mebibytes(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "K": 1e3 / 2**20, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]i?)?", quantity)
    assert match, f"unexpected memory quantity {quantity!r}"
    return float(match[1]) * units.get(match[2] or "", 1 / 2**20)


def millicores(quantity: str) -> float:
    return float(quantity[:-1]) if quantity.endswith("m") else float(quantity) * 1000


def secrets_example() -> list[Manifest]:
    return load_documents(K8S / "secrets.example.yaml")


# -- a NetworkPolicy evaluator -------------------------------------------------------------------


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: Mapping[str, str]
    namespace_labels: Mapping[str, str] = field(default_factory=dict)

    def namespace_labels_with_name(self) -> dict[str, str]:
        # Kubernetes puts this label on every namespace; policies select namespaces by it.
        return {**self.namespace_labels, "kubernetes.io/metadata.name": self.namespace}


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    unknown = set(selector) - {"matchLabels", "matchExpressions"}
    assert not unknown, f"selector keys {unknown}"
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        ok = {
            "In": present and labels.get(key) in values,
            "NotIn": not present or labels.get(key) not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]
        if not ok:
            return False
    return True


def peer_admits(peer: Mapping[str, Any], policy_namespace: str, source: Pod) -> bool:
    if "ipBlock" in peer:
        raise NotImplementedError("ipBlock peers are not modelled")
    namespaces, pods = peer.get("namespaceSelector"), peer.get("podSelector")
    if namespaces is None:
        namespace_ok = source.namespace == policy_namespace  # a bare podSelector: this namespace only
    else:
        namespace_ok = selects(namespaces, source.namespace_labels_with_name())
    return namespace_ok and (pods is None or selects(pods, source.labels))


def port_admits(rule_port: Mapping[str, Any], port: int, protocol: str) -> bool:
    if rule_port.get("protocol", "TCP") != protocol:
        return False
    if "port" not in rule_port:
        return True
    if isinstance(rule_port["port"], str):
        raise NotImplementedError("named ports are not modelled")
    first = int(rule_port["port"])
    return first <= port <= int(rule_port.get("endPort", first))


def rule_admits(
    rule: Mapping[str, Any], policy_namespace: str, source: Pod, port: int, protocol: str
) -> bool:
    # An absent or empty `ports` or `from` places no limit on that side.
    ports_ok = not rule.get("ports") or any(port_admits(p, port, protocol) for p in rule["ports"])
    peers_ok = not rule.get("from") or any(peer_admits(p, policy_namespace, source) for p in rule["from"])
    return ports_ok and peers_ok


def ingress_policy_types(policy: Manifest) -> list[str]:
    default = ["Ingress", *(["Egress"] if "egress" in policy["spec"] else [])]
    types: list[str] = policy["spec"].get("policyTypes", default)
    return types


def admitted(policies: list[Manifest], target: Pod, source: Pod, port: int, protocol: str = "TCP") -> bool:
    """Whether a connection from `source` to `target`'s `port` is allowed in."""
    selecting = [
        p
        for p in policies
        if p["metadata"].get("namespace") == target.namespace
        and "Ingress" in ingress_policy_types(p)
        and selects(p["spec"]["podSelector"], target.labels)
    ]
    if not selecting:
        return True  # a pod no policy selects is open to all
    return any(
        rule_admits(rule, target.namespace, source, port, protocol)
        for p in selecting
        for rule in p["spec"].get("ingress", [])
    )


def pod_of(deployment: Manifest) -> Pod:
    return Pod(deployment["metadata"]["namespace"], deployment["spec"]["template"]["metadata"]["labels"])


INGRESS_CONTROLLER = Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
PROMETHEUS = Pod("monitoring", {"app.kubernetes.io/name": "prometheus"})


# -- 1. every overlay builds and fits the Kubernetes API ----------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_object_validates_against_the_kubernetes_schemas(overlay: str) -> None:
    objects = built(overlay)
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_the_example_secrets_validate_and_hold_no_value() -> None:
    for secret in secrets_example():
        kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)
        assert "data" not in secret, "values belong in stringData, and empty"
        assert secret["stringData"], secret["metadata"]["name"]
        assert all(value == "" for value in secret["stringData"].values()), secret["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_build_carries_no_secret_so_applying_it_never_overwrites_one(overlay: str) -> None:
    assert not kinds(built(overlay), "Secret")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_builder_matches_kubectl_kustomize(overlay: str) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed; the builder is then trusted on its own strictness")
    printed = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    theirs = [doc for doc in yaml.safe_load_all(printed) if doc is not None]
    assert by_identity(built(overlay)) == by_identity(theirs)


# -- 2. checkov -----------------------------------------------------------------------------------


def offline_checkov_environment() -> dict[str, str]:
    # An API key in the environment would make checkov upload the results to its platform.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "PRISMA_", "CKV_"))}
    return {**env, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}


@pytest.fixture(scope="module")
def checkov_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One checkov run over every overlay's built manifests (and the example secrets)."""
    root = tmp_path_factory.mktemp("k8s-built")
    for overlay in OVERLAYS:
        (root / overlay).mkdir()
        (root / overlay / "manifests.yaml").write_text(
            yaml.safe_dump_all(by_identity(built(overlay)), sort_keys=True), encoding="utf-8"
        )
    (root / "secrets").mkdir()
    shutil.copy(K8S / "secrets.example.yaml", root / "secrets" / "secrets.example.yaml")
    checkov = Path(sys.executable).with_name("checkov")
    # --skip-download, and no update check at import: checkov must never reach the network.
    # Not --quiet: it would leave the skipped checks, and so their reasons, out of the report.
    result = subprocess.run(
        [
            str(checkov),
            "-d",
            str(root),
            "--framework",
            "kubernetes",
            "--skip-download",
            "--compact",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=offline_checkov_environment(),
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["check_type"] == "kubernetes"
    return report


def checks_of(report: dict[str, Any], kind: str, directory: str) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = report["results"].get(kind, [])
    return [c for c in checks if c["file_path"].startswith(f"/{directory}/")]


def test_checkov_parses_everything_and_fails_nothing(checkov_report: dict[str, Any]) -> None:
    summary = checkov_report["summary"]
    assert summary["parsing_errors"] == 0
    assert summary["failed"] == 0, [
        (c["check_id"], c["resource"], c["file_path"]) for c in checkov_report["results"]["failed_checks"]
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_checkov_checked_each_overlay_and_every_skip_has_a_reason(
    checkov_report: dict[str, Any], overlay: str
) -> None:
    assert len(checks_of(checkov_report, "passed_checks", overlay)) > 100, "checkov saw the manifests"
    assert not checks_of(checkov_report, "failed_checks", overlay)
    for check in checks_of(checkov_report, "skipped_checks", overlay):
        assert check["check_id"] in ALLOWED_SKIPS, check["check_id"]
        reason = check["check_result"].get("suppress_comment") or ""
        assert len(reason.split()) >= 5, (
            f"{check['check_id']} on {check['resource']} is skipped without a reason"
        )


# -- 3. wiring ------------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_executor_service_is_internal_and_exposes_only_grpc_and_metrics(overlay: str) -> None:
    objects = built(overlay)
    service = find(objects, "Service", "tvbridge-executor")
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert {p["port"] for p in service["spec"]["ports"]} == {50051, 9101}
    assert selects({"matchLabels": service["spec"]["selector"]}, pod_of(executor(objects)).labels)
    container_ports = {p["name"]: p["containerPort"] for p in only_container(executor(objects))["ports"]}
    assert {container_ports[p["targetPort"]] for p in service["spec"]["ports"]} == {50051, 9101}
    # Nothing else publishes a way in from outside the cluster.
    for other in kinds(objects, "Service"):
        assert other["spec"].get("type", "ClusterIP") == "ClusterIP"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_reaches_the_executors_grpc_port(overlay: str) -> None:
    objects = built(overlay)
    policies = kinds(objects, "NetworkPolicy")
    target, source = pod_of(executor(objects)), pod_of(gateway(objects))
    assert admitted(policies, target, source, 50051)
    assert not admitted(policies, target, source, 9101), "the gateway has no business with metrics"
    assert not admitted(policies, target, source, 50052)
    assert not admitted(policies, target, Pod(target.namespace, {"app": "anything"}), 50051)
    assert not admitted(policies, target, Pod("elsewhere", source.labels), 50051), (
        "same labels, other namespace"
    )
    assert not admitted(policies, target, INGRESS_CONTROLLER, 50051)
    assert not admitted(policies, target, PROMETHEUS, 50051)
    assert admitted(policies, target, PROMETHEUS, 9101)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_is_reached_only_through_the_ingress_controller_and_by_prometheus(overlay: str) -> None:
    objects = built(overlay)
    policies = kinds(objects, "NetworkPolicy")
    target = pod_of(gateway(objects))
    assert admitted(policies, target, INGRESS_CONTROLLER, 5000)
    assert admitted(policies, target, PROMETHEUS, 5000)
    assert not admitted(policies, target, INGRESS_CONTROLLER, 5001)
    assert not admitted(policies, target, Pod("ingress-nginx", {"app": "other"}), 5000)
    assert not admitted(policies, target, Pod(target.namespace, {"app": "anything"}), 5000)
    # And every pod of the namespace is behind the default deny.
    anything = Pod(target.namespace, {"app.kubernetes.io/name": "anything"})
    assert not admitted(policies, anything, INGRESS_CONTROLLER, 80)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_executor_alone_holds_the_keys_as_files(overlay: str) -> None:
    objects = built(overlay)
    example = {s["metadata"]["name"]: s["stringData"] for s in secrets_example()}
    executor_env = environment(objects, only_container(executor(objects)))
    for variable in KEY_VARIABLES:
        assert variable not in executor_env, f"{variable} as a plain variable"
        name, key = mounted_secret(executor(objects), executor_env[f"{variable}_FILE"])
        assert name == "tvbridge-executor"
        assert key in example[name], f"{key} is missing from secrets.example.yaml"
    gateway_env = environment(objects, only_container(gateway(objects)))
    assert not [v for v in gateway_env if v.startswith(("BINGX_", "BINANCE_"))]
    gateway_secrets = {
        v["secret"]["secretName"] for v in pod_spec(gateway(objects))["volumes"] if "secret" in v
    }
    assert "tvbridge-executor" not in gateway_secrets


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_is_a_setting_and_every_secret_file_a_declared_key(overlay: str) -> None:
    """A misspelt name would be ignored (extra="ignore"), silently: each must be a real setting."""
    objects = built(overlay)
    example = {s["metadata"]["name"]: s["stringData"] for s in secrets_example()}
    for deployment, settings in ((gateway(objects), GatewaySettings), (executor(objects), ExecutorSettings)):
        env = environment(objects, only_container(deployment))
        for variable, value in env.items():
            if variable.endswith("_FILE") and variable.removesuffix("_FILE") in secret_fields(settings):
                name, key = mounted_secret(deployment, value)
                assert key in example[name], f"{name}/{key} is missing from secrets.example.yaml"
            else:
                assert variable.lower() in settings.model_fields, (
                    f"{variable} is no {settings.__name__} field"
                )
        for secret_ref in (v["secretKeyRef"] for v in env.values() if isinstance(v, dict)):
            assert secret_ref["key"] in example[secret_ref["name"]]
            assert not secret_ref.get("optional", False)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_meets_the_restricted_pod_security_standard(overlay: str) -> None:
    objects = built(overlay)
    namespace = find(objects, "Namespace", "tvbridge")["metadata"]["labels"]
    assert namespace["pod-security.kubernetes.io/enforce"] == "restricted"
    accounts = {a["metadata"]["name"]: a for a in kinds(objects, "ServiceAccount")}
    for deployment in kinds(objects, "Deployment"):
        spec = pod_spec(deployment)
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] == UID
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["automountServiceAccountToken"] is False
        assert accounts[spec["serviceAccountName"]]["automountServiceAccountToken"] is False
        assert not spec.get("hostNetwork") and not spec.get("hostPID") and not spec.get("hostIPC")
        assert spec["enableServiceLinks"] is False, "Docker-link variables could shadow settings"
        for container in containers(deployment):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] == UID
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context.get("privileged", False) is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}
            tmp = next(m for m in container["volumeMounts"] if m["mountPath"] == "/tmp")
            assert "emptyDir" in next(v for v in spec["volumes"] if v["name"] == tmp["name"])
    # Distinct identities: neither service runs as the other, nor as "default".
    names = {pod_spec(d)["serviceAccountName"] for d in kinds(objects, "Deployment")}
    assert len(names) == 2 and "default" not in names


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_ask_each_service_in_its_own_protocol(overlay: str) -> None:
    objects = built(overlay)
    web = only_container(gateway(objects))
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    # Not /readyz: with the executor down the gateway must stay in the Service and journal alerts.
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert ports[web[probe]["httpGet"]["port"]] == GatewaySettings.model_fields["gateway_port"].default
    grpc = only_container(executor(objects))
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert grpc[probe]["grpc"]["port"] == ExecutorSettings.model_fields["executor_port"].default
        assert "service" not in grpc[probe]["grpc"], "the server's overall health (the empty name)"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_requests_and_is_limited_in_cpu_and_memory(overlay: str) -> None:
    for deployment in kinds(built(overlay), "Deployment"):
        for container in containers(deployment):
            requests, limits = container["resources"]["requests"], container["resources"]["limits"]
            assert mebibytes(requests["memory"]) <= mebibytes(limits["memory"]) <= MEMORY_LIMIT_MI
            assert millicores(requests["cpu"]) <= millicores(limits["cpu"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_one_executor_and_never_two_at_once(overlay: str) -> None:
    deployment = executor(built(overlay))
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}


def test_single_runs_one_gateway_on_a_persistent_sqlite_journal() -> None:
    objects = built("single")
    deployment = gateway(objects)
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    mount = next(m for m in only_container(deployment)["volumeMounts"] if m["mountPath"] == "/app/data")
    volume = next(v for v in pod_spec(deployment)["volumes"] if v["name"] == mount["name"])
    claim = find(objects, "PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    # The journal's default path is what lands on that volume (the image's WORKDIR is /app).
    env = environment(objects, only_container(deployment))
    assert "DATABASE_URL" not in env and "DATABASE_URL_FILE" not in env
    default = GatewaySettings.model_fields["database_url"].default
    text = default.get_secret_value() if isinstance(default, SecretStr) else str(default)
    assert text.startswith("sqlite:///./data/")


def test_ha_runs_spread_gateways_on_a_shared_postgresql_journal() -> None:
    objects = built("ha")
    deployment = gateway(objects)
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    env = environment(objects, only_container(deployment))
    # From an environment variable on purpose: empty, it stops the gateway instead of falling
    # back to a private SQLite file per replica (an empty DATABASE_URL_FILE would count as unset).
    assert env["DATABASE_URL"] == {"secretKeyRef": {"name": "tvbridge-database", "key": "DATABASE_URL"}}
    assert "DATABASE_URL_FILE" not in env
    assert not kinds(objects, "PersistentVolumeClaim")
    spread = pod_spec(deployment)["topologySpreadConstraints"]
    by_node = next(c for c in spread if c["topologyKey"] == "kubernetes.io/hostname")
    assert by_node["whenUnsatisfiable"] == "DoNotSchedule"
    assert selects(by_node["labelSelector"], pod_of(deployment).labels)
    budget = find(objects, "PodDisruptionBudget", "tvbridge-gateway")["spec"]
    assert budget == {"minAvailable": 1, "selector": budget["selector"]}
    assert selects(budget["selector"], pod_of(deployment).labels)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_budget_and_service_selects_real_pods(overlay: str) -> None:
    objects = built(overlay)
    pods = [pod_of(d).labels for d in kinds(objects, "Deployment")]
    for budget in kinds(objects, "PodDisruptionBudget"):
        assert sum(selects(budget["spec"]["selector"], labels) for labels in pods) == 1
    for service in kinds(objects, "Service"):
        assert sum(selects({"matchLabels": service["spec"]["selector"]}, labels) for labels in pods) == 1


def app_paths() -> Iterator[str]:
    """Every path the gateway serves, with its parameters filled in."""
    for module in pkgutil.iter_modules(gateway_routes.__path__):
        router = importlib.import_module(f"{gateway_routes.__name__}.{module.name}").router
        for route in router.routes:
            assert isinstance(route, APIRoute)
            yield re.sub(r"\{[^}]+\}", "x", route.path)
    yield "/static/x"  # the dashboard's assets, mounted in gateway/app.py


def routed(ingress: Manifest, path: str) -> bool:
    for rule in ingress["spec"]["rules"]:
        for entry in rule["http"]["paths"]:
            prefix = entry["path"].rstrip("/")
            if entry["pathType"] == "Exact" and path == entry["path"]:
                return True
            if entry["pathType"] == "Prefix" and (path == entry["path"] or path.startswith(prefix + "/")):
                return True
    return False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_serves_the_webhook_and_dashboard_over_tls_and_keeps_metrics_inside(overlay: str) -> None:
    objects = built(overlay)
    ingress = find(objects, "Ingress", "tvbridge-gateway")
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert hosts == {h for t in ingress["spec"]["tls"] for h in t["hosts"]}
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "16k"
    assert GatewaySettings.model_fields["max_body_bytes"].default <= 16 * 1024
    internal = {"/healthz", "/readyz", "/metrics"}
    for path in app_paths():
        assert routed(ingress, path) == (path not in internal), path
    service = find(objects, "Service", "tvbridge-gateway")
    for rule in ingress["spec"]["rules"]:
        for entry in rule["http"]["paths"]:
            backend = entry["backend"]["service"]
            assert backend["name"] == "tvbridge-gateway"
            assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


# -- 4. the checkers catch what they are for -------------------------------------------------


def test_the_evaluator_sees_an_open_policy_for_what_it_is() -> None:
    target = Pod("tvbridge", {"role": "executor"})
    neighbour, stranger = Pod("tvbridge", {"app": "random"}), Pod("elsewhere", {"app": "random"})
    deny: Manifest = {
        "metadata": {"namespace": "tvbridge"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }
    assert admitted([], target, stranger, 50051), "no policy: open"
    assert not admitted([deny], target, neighbour, 50051)
    any_pod_here = copy.deepcopy(deny)
    any_pod_here["spec"]["ingress"] = [{"from": [{"podSelector": {}}], "ports": [{"port": 50051}]}]
    assert admitted([deny, any_pod_here], target, neighbour, 50051)
    assert not admitted([deny, any_pod_here], target, stranger, 50051), "podSelector alone: this namespace"
    anyone = copy.deepcopy(deny)
    anyone["spec"]["ingress"] = [{}]
    assert admitted([deny, anyone], target, stranger, 1234)
    every_namespace = copy.deepcopy(deny)
    every_namespace["spec"]["ingress"] = [{"from": [{"namespaceSelector": {}, "podSelector": {}}]}]
    assert admitted([every_namespace], target, stranger, 50051)
    ranged = copy.deepcopy(deny)
    ranged["spec"]["ingress"] = [{"ports": [{"port": 9000, "endPort": 9999}]}]
    assert admitted([ranged], target, stranger, 9101) and not admitted([ranged], target, stranger, 50051)
    assert not admitted([ranged], target, stranger, 9101, protocol="UDP")


def test_the_evaluator_catches_the_real_executor_policy_loosened() -> None:
    objects = built("single")
    policies = kinds(objects, "NetworkPolicy")
    target, stranger = pod_of(executor(objects)), Pod("tvbridge", {"app": "anything"})
    assert not admitted(policies, target, stranger, 50051)
    policy = find(policies, "NetworkPolicy", "executor-from-gateway")
    policy["spec"]["ingress"][0]["from"] = [{"podSelector": {}}]
    assert admitted(policies, target, stranger, 50051)
    del policy["spec"]["ingress"][0]["ports"]
    assert admitted(policies, target, pod_of(gateway(objects)), 9999)


def test_the_evaluator_refuses_what_it_does_not_model() -> None:
    policy: Manifest = {
        "metadata": {"namespace": "tvbridge"},
        "spec": {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]},
    }
    with pytest.raises(NotImplementedError):
        admitted([policy], Pod("tvbridge", {}), Pod("tvbridge", {}), 1)


def copy_tree(tmp_path: Path) -> Path:
    target = tmp_path / "k8s"
    shutil.copytree(K8S, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SINGLE = "overlays/single/kustomization.yaml"
BASE = "base/kustomization.yaml"
PATCH = "overlays/single/gateway-patch.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "complaint"),
    [
        pytest.param(SINGLE, "resources:", "namePrefix: x-\nresources:", "namePrefix", id="unknown-key"),
        pytest.param(
            SINGLE, "patches:\n", "patchesStrategicMerge: []\npatches:\n", "patchesStrat", id="old-patch-key"
        ),
        pytest.param(
            SINGLE,
            "- path: gateway-patch.yaml",
            "- path: gateway-patch.yaml\n    target: {}",
            "path",
            id="target",
        ),
        pytest.param(
            SINGLE, "- name: tvbridge-gateway", "- name: nothing", "matches 0", id="replicas-of-nothing"
        ),
        pytest.param(BASE, "namespace: tvbridge", "namespace: other", "is not", id="namespace-rename"),
        pytest.param(
            BASE, "includeSelectors: false", "includeSelectors: true", "includeSelectors", id="selectors"
        ),
        pytest.param(
            BASE, "  - namespace.yaml\n", "  - namespace.yaml\n  - https://x/y.yaml\n", "neither", id="url"
        ),
        pytest.param(BASE, "  - executor-pdb.yaml\n", "  - executor-pdb.yaml\n" * 2, "twice", id="duplicate"),
        pytest.param(
            PATCH, "name: tvbridge-gateway", "name: tvbridge-gatewya", "matches 0", id="patch-of-nothing"
        ),
        pytest.param(
            PATCH, "    type: Recreate", "    type: Recreate\n  $patch: replace", "directive", id="directive"
        ),
        pytest.param(
            PATCH,
            "volumes:\n        - name: data",
            "volumes:\n        - name: tmp",
            "existing volume",
            id="volume",
        ),
    ],
)
def test_the_builder_refuses_what_it_does_not_implement(
    tmp_path: Path, file: str, old: str, new: str, complaint: str
) -> None:
    root = copy_tree(tmp_path)
    edit(root / file, old, new)
    with pytest.raises(KustomizeError, match=re.escape(complaint)):
        build(root / "overlays" / "single")


def test_the_builder_merges_lists_the_way_kustomize_does() -> None:
    original = {
        "spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "A"}, {"name": "B"}]}]}}}
    }
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "a", "env": [{"name": "X"}, {"name": "B", "value": "2"}]}]}
            }
        }
    }
    merged = merge(original, patch, "Deployment", "")
    env = merged["spec"]["template"]["spec"]["containers"][0]["env"]
    # The patch's items first, in its order, then the originals it did not name.
    assert env == [{"name": "X"}, {"name": "B", "value": "2"}, {"name": "A"}]
    assert merge({"a": 1, "b": 2}, {"b": None}, "PodDisruptionBudget", "") == {"a": 1}
    with pytest.raises(KustomizeError, match="not supported"):
        merge(
            {"spec": {"tolerations": [{"key": "a"}]}},
            {"spec": {"tolerations": [{"key": "b"}]}},
            "Deployment",
            "",
        )
