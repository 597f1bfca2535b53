"""The Helm chart (deploy/helm/servicehall): lint + strict Kubernetes schema validation of
every ci/ scenario (tools/helm_validate.py), then the properties the schema cannot see:
probes, resources and pod hardening, hook ordering of the migrations, Service wiring,
and values the chart must refuse.

Needs the pinned helm (HELM, default .cache/bin/helm) and kubernetes-validate
(KUBERNETES_VALIDATE, default .venv/bin/kubernetes-validate). A missing tool fails the
tests; it never skips them.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import helm_validate

pytestmark = pytest.mark.deploy

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART = REPO_ROOT / "deploy" / "helm" / "servicehall"
SCENARIOS = sorted((CHART / "ci").glob("*-values.yaml"))
DEFAULT_SCENARIO = CHART / "ci" / "default-values.yaml"
KUBE_VERSION = helm_validate.BASELINE_KUBE_VERSION
RELEASE = "hall"

# The contract of the services: component -> (gRPC port, metrics port).
GRPC_SERVICES = {
    "cases": (50051, 9101),
    "fees": (50052, 9102),
    "attendance": (50053, 9103),
    "evaluation": (50054, 9104),
    "notification": (50055, 9105),
}
GATEWAY_PORT = 8080
APP_UID = 10001
# The variable each component reads its database URL from.
DATABASE_ENV = {**dict.fromkeys(GRPC_SERVICES, "DATABASE_URL"), "gateway": "GATEWAY_DATABASE_URL"}

Doc = dict[str, Any]


# --------------------------------------------------------------------------- helpers


@functools.cache
def _locate(finder) -> Path | str:
    try:
        return finder()
    except helm_validate.ToolMissing as missing:
        return str(missing)


def _require(finder) -> Path:
    """The tool's path; a missing tool FAILS the calling test (never a skip)."""
    found = _locate(finder)
    if isinstance(found, str):
        pytest.fail(found, pytrace=False)
    return found


def helm() -> Path:
    return _require(helm_validate.find_helm)


def kubernetes_validate() -> Path:
    return _require(helm_validate.find_kubernetes_validate)


def helm_template(*values: Path, chart: Path = CHART) -> subprocess.CompletedProcess[str]:
    cmd = [str(helm()), "template", RELEASE, str(chart), "--kube-version", KUBE_VERSION]
    for path in values:
        cmd += ["-f", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True)


@functools.cache
def render(*values: Path) -> list[Doc]:
    """Rendered documents (cached: treat as read-only)."""
    result = helm_template(*values)
    assert result.returncode == 0, f"helm template failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def write_values(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def of_kind(docs: list[Doc], kind: str) -> list[Doc]:
    return [d for d in docs if d["kind"] == kind]


def by_name(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in of_kind(docs, kind)}


def pod_spec(doc: Doc) -> Doc:
    return doc["spec"] if doc["kind"] == "Pod" else doc["spec"]["template"]["spec"]


def pod_labels(doc: Doc) -> dict[str, str]:
    return doc["metadata"]["labels"] if doc["kind"] == "Pod" else doc["spec"]["template"]["metadata"]["labels"]


def workloads(docs: list[Doc]) -> list[Doc]:
    return [d for d in docs if d["kind"] in ("Deployment", "Job", "Pod")]


def component(doc: Doc) -> str:
    return doc["metadata"]["labels"]["app.kubernetes.io/component"]


def env_of(container: Doc) -> dict[str, Doc]:
    return {e["name"]: e for e in container.get("env", [])}


def hook_events(doc: Doc) -> set[str]:
    value = doc["metadata"].get("annotations", {}).get("helm.sh/hook", "")
    return {e.strip() for e in value.split(",") if e.strip()}


def hook_weight(doc: Doc) -> int:
    return int(doc["metadata"].get("annotations", {}).get("helm.sh/hook-weight", "0"))


def secret_value(docs: list[Doc], name: str, key: str) -> str | None:
    secret = by_name(docs, "Secret").get(name)
    if secret is None:
        return None
    return base64.b64decode(secret["data"][key]).decode()


each_scenario = pytest.mark.parametrize("values_file", SCENARIOS, ids=lambda p: p.name)


# ------------------------------------------------------------ lint + schema validation


def test_scenarios_exist():
    names = {p.name for p in SCENARIOS}
    assert {"default-values.yaml", "external-secrets-values.yaml"} <= names, names


def test_helm_validate_passes():
    """`make helm-lint`: helm lint --strict + kubernetes-validate --strict, every scenario,
    Kubernetes 1.30 and the newest version kubernetes-validate knows."""
    newest, _ = helm_validate.kubernetes_validate_versions(kubernetes_validate())
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "helm_validate.py")],
        capture_output=True,
        text=True,
        env=_tool_env(),
    )
    assert result.returncode == 0, f"helm_validate failed:\n{result.stdout}\n{result.stderr}"
    for version in (KUBE_VERSION, newest):
        for values in SCENARIOS:
            assert f"ok  {values.name} @ Kubernetes {version}" in result.stdout, result.stdout


def test_helm_validate_catches_an_invalid_object(tmp_path: Path):
    """The validation is not vacuous: an unknown pod-spec field fails it."""
    chart = tmp_path / "servicehall"
    shutil.copytree(CHART, chart)
    template = chart / "templates" / "_component.tpl"
    text = template.read_text()
    anchor = "      automountServiceAccountToken: false\n"
    assert anchor in text
    template.write_text(text.replace(anchor, anchor + "      bogusPodField: true\n", 1))
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "helm_validate.py"), "--chart", str(chart)],
        capture_output=True,
        text=True,
        env=_tool_env(),
    )
    assert result.returncode != 0
    assert "bogusPodField" in result.stderr, result.stderr


def _tool_env() -> dict[str, str]:
    return {**os.environ, "HELM": str(helm()), "KUBERNETES_VALIDATE": str(kubernetes_validate())}


# ------------------------------------------------------------------- workload shape


@each_scenario
def test_every_deployment_has_native_probes(values_file: Path):
    docs = render(values_file)
    deployments = of_kind(docs, "Deployment")
    assert deployments
    for deployment in deployments:
        (container,) = pod_spec(deployment)["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        name = deployment["metadata"]["name"]
        if "grpc" in ports:
            for probe in ("readinessProbe", "livenessProbe"):
                assert container[probe]["grpc"]["port"] == ports["grpc"], (name, probe)
                assert "httpGet" not in container[probe] and "exec" not in container[probe]
        else:
            assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, name
            assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}, name
            assert ports == {"http": GATEWAY_PORT}


@each_scenario
def test_every_pod_is_hardened_and_bounded(values_file: Path):
    docs = render(values_file)
    pods = workloads(docs)
    assert pods
    for doc in pods:
        where = f"{values_file.name}: {doc['kind']}/{doc['metadata']['name']}"
        spec = pod_spec(doc)
        assert spec["automountServiceAccountToken"] is False, where
        assert spec["serviceAccountName"], where
        pod_sc = spec["securityContext"]
        assert pod_sc["runAsNonRoot"] is True and pod_sc["runAsUser"] == APP_UID, where
        assert pod_sc["seccompProfile"] == {"type": "RuntimeDefault"}, where
        tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in spec["containers"]:
            sc = container["securityContext"]
            assert sc["runAsNonRoot"] is True and sc.get("runAsUser", APP_UID) != 0, where
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"]["drop"] == ["ALL"] and not sc["capabilities"].get("add"), where
            assert sc["seccompProfile"] == {"type": "RuntimeDefault"}, where
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), (where, bound)
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in tmp_volumes, where


@each_scenario
def test_chart_created_service_account_is_used(values_file: Path):
    docs = render(values_file)
    accounts = by_name(docs, "ServiceAccount")
    for deployment in of_kind(docs, "Deployment"):
        name = pod_spec(deployment)["serviceAccountName"]
        if accounts:  # serviceAccount.create: true
            assert name in accounts, (values_file.name, name)
            assert accounts[name]["automountServiceAccountToken"] is False
            assert not hook_events(accounts[name]), "the runtime ServiceAccount must not be a hook"


@each_scenario
def test_grpc_services_get_their_settings(values_file: Path):
    docs = render(values_file)
    for deployment in of_kind(docs, "Deployment"):
        comp = component(deployment)
        if comp == "gateway":
            continue
        grpc_port, metrics_port = GRPC_SERVICES[comp]
        (container,) = pod_spec(deployment)["containers"]
        env = env_of(container)
        assert container["args"] == ["python", "-m", f"services.{comp}", "serve"]
        assert {p["name"]: p["containerPort"] for p in container["ports"]} == {
            "grpc": grpc_port,
            "metrics": metrics_port,
        }
        assert env["GRPC_HOST"]["value"] == "0.0.0.0"
        assert env["GRPC_PORT"]["value"] == str(grpc_port)
        assert env["METRICS_PORT"]["value"] == str(metrics_port)
        assert env["KAFKA_BOOTSTRAP_SERVERS"]["value"]
        assert set(env["DATABASE_URL"]["valueFrom"]) == {"secretKeyRef"}
        assert env["OTEL_SERVICE_NAME"]["value"] == comp
        assert env["LOG_LEVEL"]["value"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


@each_scenario
def test_gateway_reaches_every_enabled_service(values_file: Path):
    docs = render(values_file)
    gateways = [d for d in of_kind(docs, "Deployment") if component(d) == "gateway"]
    assert len(gateways) == 1
    (container,) = pod_spec(gateways[0])["containers"]
    env = env_of(container)
    assert container["args"] == ["python", "-m", "gateway"]
    assert env["HTTP_PORT"]["value"] == str(GATEWAY_PORT)
    assert set(env["GATEWAY_DATABASE_URL"]["valueFrom"]) == {"secretKeyRef"}
    assert env["AUTH_ISSUER"]["value"] == "servicehall"
    services = by_name(docs, "Service")
    deployed = {component(d) for d in of_kind(docs, "Deployment")} - {"gateway"}
    addresses = {k[: -len("_ADDR")].lower(): v["value"] for k, v in env.items() if k.endswith("_ADDR")}
    assert set(addresses) == deployed
    for comp, address in addresses.items():
        host, port = address.rsplit(":", 1)
        assert host in services, address
        grpc_ports = [p["port"] for p in services[host]["spec"]["ports"] if p["name"] == "grpc"]
        assert grpc_ports == [int(port)] == [GRPC_SERVICES[comp][0]]


@each_scenario
def test_services_select_only_their_deployment(values_file: Path):
    """Each Service routes to its Deployment's named ports, and no migration or test pod
    carries labels that would put it behind a Service."""
    docs = render(values_file)
    for service in of_kind(docs, "Service"):
        selector = service["spec"]["selector"]
        matching = [w for w in workloads(docs) if selector.items() <= pod_labels(w).items()]
        assert [(w["kind"], w["metadata"]["name"]) for w in matching] == [("Deployment", service["metadata"]["name"])]
        (container,) = pod_spec(matching[0])["containers"]
        port_names = {p["name"] for p in container["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, (service["metadata"]["name"], port)


def test_zero_replicas_is_kept(tmp_path: Path):
    values = write_values(tmp_path, "zero.yaml", "components:\n  fees:\n    replicas: 0\n")
    docs = render(DEFAULT_SCENARIO, values)
    replicas = {component(d): d["spec"]["replicas"] for d in of_kind(docs, "Deployment")}
    assert replicas["fees"] == 0
    assert replicas["cases"] == 1


def test_scrape_annotations_point_at_the_metrics_port():
    for deployment in of_kind(render(DEFAULT_SCENARIO), "Deployment"):
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        comp = component(deployment)
        port = GATEWAY_PORT if comp == "gateway" else GRPC_SERVICES[comp][1]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(port)
        assert annotations["prometheus.io/path"] == "/metrics"


def test_service_monitors_match_services():
    docs = render(CHART / "ci" / "production-values.yaml")
    monitors = of_kind(docs, "ServiceMonitor")
    assert {component(m) for m in monitors} == set(GRPC_SERVICES) | {"gateway"}
    for monitor in monitors:
        selector = monitor["spec"]["selector"]["matchLabels"]
        services = [s for s in of_kind(docs, "Service") if selector.items() <= s["metadata"]["labels"].items()]
        assert len(services) == 1, monitor["metadata"]["name"]
        port_names = {p["name"] for p in services[0]["spec"]["ports"]}
        for endpoint in monitor["spec"]["endpoints"]:
            assert endpoint["port"] in port_names and endpoint["path"] == "/metrics"


# ----------------------------------------------------------------- migrations (hooks)


@each_scenario
def test_migration_jobs_are_hooks_that_can_run_on_first_install(values_file: Path):
    """One Job per gRPC service and one for the gateway, run before install and upgrade,
    with the same database URL as the component. Whatever chart object a Job needs (ServiceAccount,
    Secret) must itself be an earlier hook: ordinary objects do not exist yet when
    pre-install hooks run."""
    docs = render(values_file)
    jobs = {component(j).removesuffix("-migrate"): j for j in of_kind(docs, "Job")}
    deployments = {component(d): d for d in of_kind(docs, "Deployment")}
    if values_file.name == "minimal-values.yaml":
        assert not jobs, "migrations.enabled: false renders no Job"
        return
    assert set(jobs) == set(deployments)
    for comp, job in jobs.items():
        where = f"{values_file.name}: Job/{job['metadata']['name']}"
        annotations = job["metadata"]["annotations"]
        assert hook_events(job) == {"pre-install", "pre-upgrade"}, where
        assert set(annotations["helm.sh/hook-delete-policy"].split(",")) == {
            "before-hook-creation",
            "hook-succeeded",
        }, where
        spec = pod_spec(job)
        assert spec["restartPolicy"] == "Never"
        (container,) = spec["containers"]
        module = "gateway" if comp == "gateway" else f"services.{comp}"
        assert container["args"] == ["python", "-m", module, "migrate"], where

        needed = [("ServiceAccount", spec["serviceAccountName"])]
        ref = env_of(container)[DATABASE_ENV[comp]]["valueFrom"]["secretKeyRef"]
        needed.append(("Secret", ref["name"]))
        for kind, name in needed:
            dependency = by_name(docs, kind).get(name)
            if dependency is None:
                continue  # provided outside the chart (existingSecret, serviceAccount.create: false)
            assert hook_events(dependency) >= {"pre-install", "pre-upgrade"}, (where, kind, name)
            assert hook_weight(dependency) < hook_weight(job), (where, kind, name)

        (service_container,) = pod_spec(deployments[comp])["containers"]
        service_ref = env_of(service_container)[DATABASE_ENV[comp]]["valueFrom"]["secretKeyRef"]
        if service_ref["name"] in by_name(docs, "Secret"):
            assert secret_value(docs, ref["name"], ref["key"]) == secret_value(
                docs, service_ref["name"], service_ref["key"]
            ), where
        else:
            assert ref == service_ref, where


def test_external_secrets_are_used_as_is():
    docs = render(CHART / "ci" / "external-secrets-values.yaml")
    assert not of_kind(docs, "Secret"), "no chart-managed Secret when every URL is external"
    for doc in of_kind(docs, "Deployment") + of_kind(docs, "Job"):
        comp = component(doc).removesuffix("-migrate")
        (container,) = pod_spec(doc)["containers"]
        ref = env_of(container)[DATABASE_ENV[comp]]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": f"servicehall-{comp}-db", "key": "uri"}


# ---------------------------------------------------------------------------- identity


@each_scenario
def test_every_service_verifies_tokens_with_the_gateway_keys_and_hides_its_api(values_file: Path):
    """AUTH_JWKS_URL is the gateway Service's JWKS (a service without it refuses to start),
    the issuer is the gateway's, and reflection is never switched on, in no workload."""
    docs = render(values_file)
    gateway = by_name(docs, "Service")[f"{_fullname(values_file)}-gateway"]
    jwks = f"http://{gateway['metadata']['name']}:{GATEWAY_PORT}/.well-known/jwks.json"
    services = [d for d in of_kind(docs, "Deployment") if component(d) != "gateway"]
    assert services
    for deployment in services:
        (container,) = pod_spec(deployment)["containers"]
        env = env_of(container)
        assert env["AUTH_JWKS_URL"]["value"] == jwks, component(deployment)
        assert env["AUTH_ISSUER"]["value"] == "servicehall"
        assert env["GRPC_REFLECTION"]["value"] == "false"
    for workload in workloads(docs):
        for container in pod_spec(workload)["containers"]:
            for variable in container.get("env", []):
                if variable["name"] == "GRPC_REFLECTION":
                    assert variable == {"name": "GRPC_REFLECTION", "value": "false"}, workload["metadata"]["name"]


def _fullname(values_file: Path) -> str:
    override = (yaml.safe_load(values_file.read_text()) or {}).get("fullnameOverride")
    return override or f"{RELEASE}-servicehall"


def test_the_jwks_url_can_name_another_issuer(tmp_path: Path):
    values = write_values(
        tmp_path, "auth.yaml", "auth:\n  issuer: county-hall\n  jwksUrl: https://sso.example.org/jwks\n"
    )
    for deployment in of_kind(render(DEFAULT_SCENARIO, values), "Deployment"):
        (container,) = pod_spec(deployment)["containers"]
        env = env_of(container)
        assert env["AUTH_ISSUER"]["value"] == "county-hall"
        if component(deployment) != "gateway":
            assert env["AUTH_JWKS_URL"]["value"] == "https://sso.example.org/jwks"


# ---------------------------------------------------------------------- helm test hook


def test_helm_test_pod_checks_gateway_readyz():
    default_docs = render(DEFAULT_SCENARIO)
    pods = of_kind(default_docs, "Pod")
    assert len(pods) == 1
    (pod,) = pods
    assert hook_events(pod) == {"test"}
    (container,) = pod["spec"]["containers"]
    url = env_of(container)["READYZ_URL"]["value"]
    gateway = by_name(default_docs, "Service")[f"{RELEASE}-servicehall-gateway"]
    assert url == f"http://{gateway['metadata']['name']}:{GATEWAY_PORT}/readyz"
    assert pod["spec"]["restartPolicy"] == "Never"


# ------------------------------------------------------------ values the chart refuses


SCHEMA_VIOLATIONS = {
    "unknown-top-level-key": ("replicaCount: 2\n", "additional properties 'replicaCount'"),
    "unknown-component-key": ("components:\n  cases:\n    replica: 2\n", "additional properties 'replica'"),
    "unknown-component": (
        "components:\n  billing:\n    enabled: true\n    kind: grpc\n",
        "additional properties 'billing'",
    ),
    "negative-replicas": ("components:\n  fees:\n    replicas: -1\n", "/components/fees/replicas"),
    "negative-default-replicas": ("defaults:\n  replicas: -3\n", "/defaults/replicas"),
    "port-out-of-range": ("components:\n  cases:\n    ports:\n      grpc: 70000\n", "/components/cases/ports/grpc"),
    "bad-pull-policy": ("image:\n  pullPolicy: Sometimes\n", "/image/pullPolicy"),
    "root-uid": ("podSecurity:\n  runAsUser: 0\n", "/podSecurity/runAsUser"),
    "gateway-as-grpc": ("components:\n  gateway:\n    kind: grpc\n", "/components/gateway/kind"),
    "limits-missing": (
        "defaults:\n  resources:\n    requests: {cpu: 10m, memory: 10Mi}\n    limits: null\n",
        "/defaults/resources",
    ),
    "bad-kafka-list": ("kafka:\n  bootstrapServers: 'kafka-0:9092, kafka-1:9092'\n", "/kafka/bootstrapServers"),
    "bad-log-level": ("logLevel: verbose\n", "/logLevel"),
}


@pytest.mark.parametrize("case", sorted(SCHEMA_VIOLATIONS))
def test_schema_rejects(tmp_path: Path, case: str):
    text, expected = SCHEMA_VIOLATIONS[case]
    bad = write_values(tmp_path, f"{case}.yaml", text)
    result = helm_template(DEFAULT_SCENARIO, bad)
    assert result.returncode != 0, f"{case} was accepted"
    assert "values don't meet the specifications of the schema" in result.stderr, result.stderr
    assert expected in result.stderr, result.stderr


def test_lint_rejects_schema_violation(tmp_path: Path):
    bad = write_values(tmp_path, "bad.yaml", "components:\n  cases:\n    replicas: -1\n")
    result = subprocess.run(
        [str(helm()), "lint", "--strict", str(CHART), "-f", str(DEFAULT_SCENARIO), "-f", str(bad)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "/components/cases/replicas" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kafka:\n  bootstrapServers: ''\n", "kafka.bootstrapServers is required"),
        ("components:\n  cases:\n    database:\n      url: ''\n", "components.cases.database: set url"),
        (
            "components:\n  fees:\n    database:\n      existingSecret: fees-db\n",
            "components.fees.database: set either url or existingSecret, not both",
        ),
        (
            "serviceAccount:\n  create: false\n  name: ''\n",
            "serviceAccount.name must name an existing ServiceAccount",
        ),
        ("components:\n  gateway:\n    database:\n      url: ''\n", "components.gateway.database: set url"),
        (
            "components:\n  gateway:\n    enabled: false\n",
            "auth.jwksUrl is required when components.gateway is disabled",
        ),
        (
            "components:\n  cases:\n    env:\n      - name: GRPC_REFLECTION\n        value: 'true'\n",
            "GRPC_REFLECTION stays off in the chart",
        ),
    ],
    ids=[
        "no-kafka",
        "no-database",
        "two-databases",
        "no-service-account",
        "no-gateway-database",
        "no-gateway-no-jwks",
        "reflection-on",
    ],
)
def test_render_refuses_incomplete_externals(tmp_path: Path, text: str, expected: str):
    bad = write_values(tmp_path, "bad.yaml", text)
    result = helm_template(DEFAULT_SCENARIO, bad)
    assert result.returncode != 0
    assert expected in result.stderr, result.stderr


# ------------------------------------------------------------- values.yaml and schema


def test_every_values_key_is_commented():
    lines = (CHART / "values.yaml").read_text().splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema="), "schema header"
    uncommented = [
        f"{number}: {line}"
        for number, line in enumerate(lines, start=1)
        if re.match(r"^\s*[A-Za-z][\w.-]*:", line) and not lines[number - 2].strip().startswith("#")
    ]
    assert not uncommented, "keys without a comment line above them:\n" + "\n".join(uncommented)


def test_schema_is_closed_at_every_level():
    schema = json.loads((CHART / "values.schema.json").read_text())
    open_objects = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "properties" in node and node.get("additionalProperties") is not False:
                open_objects.append(where)
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{where}/{index}")

    walk(schema, "#")
    assert not open_objects, f"objects accepting unknown keys: {open_objects}"
