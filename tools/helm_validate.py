#!/usr/bin/env python3
"""Lint, render and schema-validate the servicehall Helm chart (`make helm-lint`).

For every scenario file deploy/helm/servicehall/ci/*-values.yaml and every target
Kubernetes version (1.30 and the newest version kubernetes-validate ships schemas for):

1. `helm lint --strict --kube-version <v>` on the chart with the scenario values;
2. `helm template --kube-version <v>` (hooks and test pods included);
3. `kubernetes-validate --strict -k <v>` on every rendered document: unknown fields,
   wrong types and missing required fields are errors.

Documents whose kind kubernetes-validate has no schema for are failures, except for the
custom resources listed in CUSTOM_RESOURCES (rendered only by opt-in values); those are
reported as not schema-checked. Exits non-zero, with every problem listed, on any failure.

Tools (no PATH lookup, so the pinned builds are what runs):
  HELM                 default <repo>/.cache/bin/helm
  KUBERNETES_VALIDATE  default <repo>/.venv/bin/kubernetes-validate
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CHART = REPO_ROOT / "deploy" / "helm" / "servicehall"
DEFAULT_HELM = REPO_ROOT / ".cache" / "bin" / "helm"
DEFAULT_KUBERNETES_VALIDATE = REPO_ROOT / ".venv" / "bin" / "kubernetes-validate"
HELM_PIN = "helm.sh/helm/v3/cmd/helm@v3.19.0"

# The oldest Kubernetes version the chart is validated against.
BASELINE_KUBE_VERSION = "1.30.0"
RELEASE_NAME = "servicehall"
NAMESPACE = "servicehall"

# (apiVersion, kind) of custom resources the chart may render; Kubernetes itself has no
# schema for them, so kubernetes-validate cannot check them.
CUSTOM_RESOURCES = {("monitoring.coreos.com/v1", "ServiceMonitor"), ("monitoring.coreos.com/v1", "PrometheusRule")}

_PASSED = re.compile(r"^INFO .* passed for resource (?P<resource>\S+) against version (?P<version>\S+)$")
_NO_SCHEMA = re.compile(r"^WARN .*Couldn't find schema for kind (?P<kind>\S+) with api version (?P<api>\S+) ")


class ToolMissing(Exception):
    """A required tool binary is not where it should be."""


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(message)


def _tool(env_name: str, default: Path, how_to_get: str) -> Path:
    path = Path(os.environ.get(env_name) or default)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ToolMissing(
            f"helm_validate: {env_name} tool not found or not executable at {path}.\n"
            f"  {how_to_get}\n  or set {env_name}=/path/to/it"
        )
    return path


def find_helm() -> Path:
    return _tool(
        "HELM",
        DEFAULT_HELM,
        f"Build it with: GOPATH={REPO_ROOT}/.cache/go GOBIN={REPO_ROOT}/.cache/bin go install {HELM_PIN}",
    )


def find_kubernetes_validate() -> Path:
    return _tool(
        "KUBERNETES_VALIDATE",
        DEFAULT_KUBERNETES_VALIDATE,
        f"Install it with: {REPO_ROOT}/.venv/bin/pip install kubernetes-validate==1.37.0",
    )


def _major_minor(version: str) -> str:
    return ".".join(version.lstrip("v").split(".")[:2])


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.lstrip("v").split("."))


def kubernetes_validate_versions(kv: Path) -> tuple[str, list[str]]:
    """(newest, all) Kubernetes versions the installed kubernetes-validate has schemas for.

    Asked of the library itself (utils.latest_version / all_versions) through the
    interpreter the kubernetes-validate script runs with; falls back to the default
    version printed by its --help, which is the same latest_version().
    """
    first_line = kv.read_text(errors="replace").splitlines()[0] if kv.stat().st_size else ""
    if first_line.startswith("#!") and "python" in first_line:
        interpreter = first_line[2:].strip().split()
        probe = subprocess.run(
            [
                *interpreter,
                "-c",
                "import json, kubernetes_validate.utils as u; "
                "print(json.dumps({'latest': u.latest_version(), 'all': sorted(set(u.all_versions()))}))",
            ],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0:
            info = json.loads(probe.stdout)
            return info["latest"], sorted(info["all"], key=_version_key)
    helped = subprocess.run([str(kv), "--help"], capture_output=True, text=True)
    match = re.search(r"Defaults\s+to\s+(\d+\.\d+\.\d+)", helped.stdout)
    if not match:
        raise SystemExit(f"helm_validate: cannot tell which Kubernetes versions {kv} supports")
    return match.group(1), [match.group(1)]


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True)


def _count_documents(manifest: str) -> list[tuple[str, str, str]]:

    docs = []
    for doc in yaml.safe_load_all(manifest):
        if doc:
            docs.append((doc.get("apiVersion", "?"), doc.get("kind", "?"), doc.get("metadata", {}).get("name", "?")))
    return docs


def validate_scenario(
    helm: Path, kv: Path, chart: Path, values: Path, version: str, out_dir: Path, outcome: Outcome
) -> None:
    label = f"{values.name} @ Kubernetes {version}"

    lint = _run([str(helm), "lint", "--strict", "--kube-version", version, str(chart), "-f", str(values)])
    if lint.returncode != 0:
        outcome.fail(f"{label}: helm lint --strict failed:\n{_indent(lint.stdout + lint.stderr)}")
        return

    rendered = _run(
        [
            str(helm),
            "template",
            RELEASE_NAME,
            str(chart),
            "--namespace",
            NAMESPACE,
            "--kube-version",
            version,
            "-f",
            str(values),
        ]
    )
    if rendered.returncode != 0:
        outcome.fail(f"{label}: helm template failed:\n{_indent(rendered.stderr)}")
        return
    manifest_path = out_dir / f"{values.stem}-{version}.yaml"
    manifest_path.write_text(rendered.stdout)
    documents = _count_documents(rendered.stdout)
    if not documents:
        outcome.fail(f"{label}: helm template rendered no objects")
        return

    checked = _run([str(kv), "--strict", "-k", version, str(manifest_path)])
    passed, skipped, problems = 0, [], []
    want = _major_minor(version)
    for line in checked.stdout.splitlines():
        if m := _PASSED.match(line):
            passed += 1
            if m.group("version") != want:
                problems.append(f"{m.group('resource')} was checked against {m.group('version')}, not {want}")
        elif m := _NO_SCHEMA.match(line):
            if (m.group("api"), m.group("kind")) in CUSTOM_RESOURCES:
                skipped.append(f"{m.group('kind')} ({m.group('api')})")
            else:
                problems.append(f"no Kubernetes {want} schema for {m.group('kind')} {m.group('api')}")
        elif line.strip():
            problems.append(line)
    if checked.returncode != 0 and not problems:
        problems.append(f"kubernetes-validate exited {checked.returncode}: {checked.stderr.strip()}")
    if passed + len(skipped) != len(documents):
        problems.append(f"{len(documents)} documents rendered but {passed} validated and {len(skipped)} skipped")
    if problems:
        outcome.fail(f"{label}: kubernetes-validate --strict:\n{_indent(chr(10).join(problems))}")
        return
    note = f"; not schema-checked (custom resources): {', '.join(sorted(set(skipped)))}" if skipped else ""
    outcome.lines.append(f"ok  {label}: lint clean, {passed}/{len(documents)} objects valid{note}")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", type=Path, default=DEFAULT_CHART, help="chart directory")
    parser.add_argument(
        "--kube-version",
        action="append",
        dest="kube_versions",
        help=f"Kubernetes version to validate against (repeatable; default {BASELINE_KUBE_VERSION} "
        "and the newest one kubernetes-validate knows)",
    )
    parser.add_argument("--keep", type=Path, help="write the rendered manifests into this directory")
    args = parser.parse_args(argv)

    try:
        helm = find_helm()
        kv = find_kubernetes_validate()
    except ToolMissing as missing:
        print(missing, file=sys.stderr)
        return 2

    chart = args.chart.resolve()
    scenarios = sorted((chart / "ci").glob("*-values.yaml"))
    if not scenarios:
        print(f"helm_validate: no scenario files {chart}/ci/*-values.yaml", file=sys.stderr)
        return 1

    newest, supported = kubernetes_validate_versions(kv)
    versions = args.kube_versions or [BASELINE_KUBE_VERSION, newest]
    versions = sorted({v.lstrip("v") for v in versions}, key=_version_key)
    unsupported = [v for v in versions if _major_minor(v) not in {_major_minor(s) for s in supported}]
    if unsupported:
        print(
            f"helm_validate: kubernetes-validate has no schemas for {', '.join(unsupported)} "
            f"(it knows {supported[0]} .. {supported[-1]})",
            file=sys.stderr,
        )
        return 1

    helm_version = _run([str(helm), "version", "--short"]).stdout.strip()
    kv_version = _run([str(kv), "--version"]).stdout.strip()
    print(f"helm {helm_version} ({helm}); kubernetes-validate {kv_version} ({kv})")
    print(
        f"chart {chart}; Kubernetes versions: {', '.join(versions)}; scenarios: " + ", ".join(s.name for s in scenarios)
    )

    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="helm-validate-") as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for version in versions:
            for values in scenarios:
                validate_scenario(helm, kv, chart, values, version, out_dir, outcome)

    for line in outcome.lines:
        print(line)
    if outcome.failures:
        print(f"\nhelm_validate: {len(outcome.failures)} failure(s):", file=sys.stderr)
        for failure in outcome.failures:
            print(f"FAIL {failure}", file=sys.stderr)
        return 1
    print(f"helm_validate: all {len(outcome.lines)} scenario/version combinations passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
