"""A small, strict kustomize: exactly the features deploy/k8s uses, and an error for any other.

CI has no kustomize binary, and a builder that skipped a field it did not know would test
manifests nobody deploys. So every kustomization key, patch construct and workload kind this
module has not been taught raises `KustomizeError`. Where kubectl exists, the tests compare
this builder's output with `kubectl kustomize`, which is what the semantics below follow:

- resources: files (multi-document YAML) and directories holding a kustomization.yaml;
- patches: strategic-merge patch files (`- path: file`), each aimed by its own kind and name;
  maps merge, `null` deletes a key, and lists merge by key only where Kubernetes declares one
  for a Deployment (containers, env, volumeMounts, volumes): the patch's items first, in its
  order, then the original items it did not name;
- namespace, labels (pairs, includeTemplates, never includeSelectors), replicas, images
  (newName, newTag, digest), in kustomize's transformer order.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

KNOWN_KEYS = frozenset(
    {"apiVersion", "kind", "resources", "namespace", "labels", "patches", "replicas", "images"}
)
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CLUSTER_SCOPED = frozenset({"Namespace"})
# The kinds whose pod template the labels and images transformers are taught to reach.
WORKLOADS = frozenset({"Deployment"})
UNTAUGHT_WORKLOADS = frozenset({"Pod", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"})
# Strategic-merge keys of the Deployment lists a patch may merge into (from the Kubernetes API).
DEPLOYMENT_MERGE_KEYS = {
    "spec.template.spec.containers": "name",
    "spec.template.spec.initContainers": "name",
    "spec.template.spec.containers[].env": "name",
    "spec.template.spec.containers[].volumeMounts": "mountPath",
    "spec.template.spec.volumes": "name",
}


class KustomizeError(Exception):
    """The kustomization uses something this builder does not implement, or is wrong."""


def build(directory: Path) -> list[Manifest]:
    """The objects `kubectl kustomize directory` would print (order aside)."""
    kustomization = load_kustomization(directory)
    objects = _resources(directory, kustomization.get("resources", []))
    for entry in kustomization.get("patches", []):
        _apply_patch(objects, directory, entry)
    if "namespace" in kustomization:
        _set_namespace(objects, kustomization["namespace"])
    for entry in kustomization.get("labels", []):
        _add_labels(objects, entry)
    for entry in kustomization.get("replicas", []):
        _set_replicas(objects, entry)
    for entry in kustomization.get("images", []):
        _set_image(objects, entry)
    return objects


def load_kustomization(directory: Path) -> Manifest:
    found = [directory / name for name in KUSTOMIZATION_FILES if (directory / name).is_file()]
    if len(found) != 1:
        raise KustomizeError(f"{directory}: expected exactly one kustomization file, found {len(found)}")
    data = yaml.safe_load(found[0].read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise KustomizeError(f"{found[0]}: not a mapping")
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise KustomizeError(f"{found[0]}: unsupported kustomization keys {sorted(unknown)}")
    if data.get("apiVersion", "kustomize.config.k8s.io/v1beta1") != "kustomize.config.k8s.io/v1beta1":
        raise KustomizeError(f"{found[0]}: unsupported apiVersion {data['apiVersion']!r}")
    if data.get("kind", "Kustomization") != "Kustomization":
        raise KustomizeError(f"{found[0]}: kind must be Kustomization, not {data['kind']!r}")
    return data


def load_documents(path: Path) -> list[Manifest]:
    docs = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]
    for doc in docs:
        if not isinstance(doc, dict) or not {"apiVersion", "kind", "metadata"} <= set(doc):
            raise KustomizeError(f"{path}: every document needs apiVersion, kind and metadata")
        if not doc["metadata"].get("name"):
            raise KustomizeError(f"{path}: a {doc['kind']} without metadata.name")
    return docs


def identity(obj: Manifest) -> tuple[str, str, str]:
    return obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


# -- resources ---------------------------------------------------------------------------------


def _resources(directory: Path, entries: list[str]) -> list[Manifest]:
    objects: list[Manifest] = []
    for entry in entries:
        path = (directory / entry).resolve()
        if path.is_dir():
            objects.extend(build(path))
        elif path.is_file():
            objects.extend(load_documents(path))
        else:
            # kustomize would also try a remote URL here: never in a test.
            raise KustomizeError(f"{directory}: resource {entry!r} is neither a file nor a directory")
    seen: set[tuple[str, str, str]] = set()
    for obj in objects:
        if identity(obj) in seen:
            raise KustomizeError(f"{directory}: {identity(obj)} is declared twice")
        seen.add(identity(obj))
    return objects


# -- patches -----------------------------------------------------------------------------------


def _apply_patch(objects: list[Manifest], directory: Path, entry: Any) -> None:
    if not isinstance(entry, dict) or set(entry) != {"path"}:
        raise KustomizeError(f"{directory}: only `- path: file` patches are supported, not {entry!r}")
    path = directory / entry["path"]
    for patch in load_documents(path):
        kind, name = patch["kind"], patch["metadata"]["name"]
        namespace = patch["metadata"].get("namespace")
        targets = [
            obj
            for obj in objects
            if obj["kind"] == kind
            and obj["metadata"]["name"] == name
            and namespace in (None, obj["metadata"].get("namespace"))
        ]
        if len(targets) != 1:
            raise KustomizeError(f"{path}: patch for {kind}/{name} matches {len(targets)} objects")
        target = targets[0]
        if patch["apiVersion"] != target["apiVersion"]:
            raise KustomizeError(f"{path}: apiVersion {patch['apiVersion']} differs from the target's")
        merged = merge(target, patch, kind, "")
        target.clear()
        target.update(merged)


def merge(original: Any, patch: Any, kind: str, path: str) -> Any:
    """Strategic merge of `patch` into `original` (neither is modified)."""
    if isinstance(patch, dict) and isinstance(original, dict):
        out = copy.deepcopy(original)
        for key, value in patch.items():
            child = _child(path, key)
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value, kind, child)
            else:
                out[key] = _fresh(value, child)
        return out
    if isinstance(patch, list) and isinstance(original, list):
        return _merge_list(original, patch, kind, path)
    return _fresh(patch, path)


def _child(path: str, key: str) -> str:
    if key.startswith("$"):
        raise KustomizeError(f"{path}: patch directive {key!r} is not supported")
    return f"{path}.{key}" if path else key


def _fresh(value: Any, path: str) -> Any:
    """A patch value with nothing under it to merge into: itself, once directives are ruled out
    (and without its nulls, which delete nothing)."""
    if isinstance(value, dict):
        return {k: _fresh(v, _child(path, k)) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_fresh(item, f"{path}[]") for item in value]
    return value


def _merge_list(original: list[Any], patch: list[Any], kind: str, path: str) -> list[Any]:
    key = DEPLOYMENT_MERGE_KEYS.get(path) if kind in WORKLOADS else None
    if key is None:
        # Kubernetes replaces such lists whole, or merges them by a key not listed above:
        # rather than guess which, refuse.
        raise KustomizeError(f"{kind} {path}: merging into this list is not supported")
    if any(not isinstance(item, dict) or key not in item for item in patch):
        raise KustomizeError(f"{kind} {path}: every patch item needs {key!r}")
    by_key = {item[key]: item for item in original}
    named = [item[key] for item in patch]
    if path == "spec.template.spec.volumes" and set(named) & set(by_key):
        # Volumes also carry retainKeys (a new source replaces the old one): not modelled.
        raise KustomizeError(f"{kind} {path}: patching an existing volume is not supported")
    item_path = f"{path}[]"
    merged = [
        merge(by_key[item[key]], item, kind, item_path) if item[key] in by_key else _fresh(item, item_path)
        for item in patch
    ]
    # The patch's items first, in its order, then the original items it did not name.
    return merged + [copy.deepcopy(item) for item in original if item[key] not in named]


# -- transformers ------------------------------------------------------------------------------


def _set_namespace(objects: list[Manifest], namespace: str) -> None:
    for obj in objects:
        if obj["kind"] in {"RoleBinding", "ClusterRoleBinding"}:
            raise KustomizeError("kustomize rewrites binding subjects' namespaces; this builder does not")
        if obj["kind"] == "Namespace":
            # kustomize renames a Namespace object to the namespace: keep the two spelled alike.
            if obj["metadata"]["name"] != namespace:
                raise KustomizeError(f"Namespace {obj['metadata']['name']!r} is not {namespace!r}")
        elif obj["kind"] not in CLUSTER_SCOPED:
            obj["metadata"]["namespace"] = namespace


def _add_labels(objects: list[Manifest], entry: Manifest) -> None:
    unknown = set(entry) - {"pairs", "includeSelectors", "includeTemplates"}
    if unknown or entry.get("includeSelectors", False):
        raise KustomizeError(f"labels: only pairs and includeTemplates are supported, not {entry!r}")
    pairs = {str(k): str(v) for k, v in entry["pairs"].items()}
    for obj in objects:
        obj["metadata"].setdefault("labels", {}).update(pairs)
        if entry.get("includeTemplates", False):
            for template in _templates(obj):
                template.setdefault("metadata", {}).setdefault("labels", {}).update(pairs)


def _templates(obj: Manifest) -> list[Manifest]:
    if obj["kind"] in UNTAUGHT_WORKLOADS:
        raise KustomizeError(f"{obj['kind']}: pod templates of this kind are not supported")
    if obj["kind"] in WORKLOADS:
        template: Manifest = obj["spec"]["template"]
        return [template]
    return []


def _set_replicas(objects: list[Manifest], entry: Manifest) -> None:
    if set(entry) != {"name", "count"}:
        raise KustomizeError(f"replicas: only name and count are supported, not {entry!r}")
    targets = [
        obj for obj in objects if obj["kind"] in WORKLOADS and obj["metadata"]["name"] == entry["name"]
    ]
    if len(targets) != 1:
        raise KustomizeError(f"replicas: {entry['name']!r} matches {len(targets)} workloads")
    targets[0]["spec"]["replicas"] = int(entry["count"])


def _set_image(objects: list[Manifest], entry: Manifest) -> None:
    unknown = set(entry) - {"name", "newName", "newTag", "digest"}
    if unknown or "name" not in entry:
        raise KustomizeError(f"images: only name, newName, newTag and digest are supported, not {entry!r}")
    for obj in objects:
        for template in _templates(obj):
            spec = template["spec"]
            for container in spec.get("containers", []) + spec.get("initContainers", []):
                container["image"] = retag(container["image"], entry)


def split_image(image: str) -> tuple[str, str]:
    """(name, the `:tag`, `@digest` or both that follow it)."""
    name, at, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:  # a colon after the last slash is a tag, not a registry port
        return name[:colon], name[colon:] + at + digest
    return name, at + digest


def retag(image: str, entry: Manifest) -> str:
    name, suffix = split_image(image)
    if name != entry["name"]:
        return image
    new_name = str(entry.get("newName", name))
    tag, digest = entry.get("newTag"), entry.get("digest")
    if tag is not None and digest is not None:
        return f"{new_name}:{tag}@{digest}"
    if digest is not None:
        return f"{new_name}@{digest}"
    if tag is not None:
        return f"{new_name}:{tag}"
    return new_name + suffix
