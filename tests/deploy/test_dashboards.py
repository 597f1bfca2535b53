"""Grafana dashboards and alert rules: kept once in the chart, rendered unchanged, and
referring only to metrics the code actually exposes."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "servicehall"
DASHBOARDS = sorted((CHART / "dashboards").glob("*.json"))
RULES = CHART / "rules" / "servicehall-alerts.yaml"
METRIC = re.compile(r"\b((?:servicehall|grpc_server)_[a-z0-9_]+)")
# What the exposition adds to a family's name.
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def exposed_metric_names() -> set[str]:
    """Every metric family name written as a string in the services, shared and gateway code."""
    names: set[str] = set()
    for folder in ("services", "shared", "gateway"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(re.findall(r'"((?:servicehall|grpc_server)_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    return names


def base_names(name: str) -> set[str]:
    candidates = {name}
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            candidates.add(name.removesuffix(suffix))
            candidates.add(name.removesuffix(suffix) + "_total")
    return candidates


def expressions() -> list[tuple[str, str]]:
    found = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            found += [(f"{path.name}: {panel['title']}", t["expr"]) for t in panel["targets"]]
    for group in yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]:
        found += [(f"rule {r['alert']}", r["expr"]) for r in group["rules"]]
    return found


def test_dashboards_have_fixed_unique_uids_and_a_datasource_variable():
    uids = []
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        uids.append(dashboard["uid"])
        assert dashboard["uid"] == path.stem  # the file name is the uid: links stay stable
        assert any(v["name"] == "datasource" for v in dashboard["templating"]["list"])
        for panel in dashboard["panels"]:
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
            assert panel["targets"], panel["title"]
    assert len(uids) == len(set(uids)) >= 2


def test_every_metric_in_dashboards_and_alerts_is_exposed_by_the_code():
    exposed = exposed_metric_names()
    assert "servicehall_cases_submitted_total" in exposed  # the scan itself works
    missing = [
        (where, name)
        for where, expr in expressions()
        for name in METRIC.findall(expr)
        if not base_names(name) & exposed
    ]
    assert missing == []


def test_alert_rules_are_well_formed():
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    alerts = [rule for group in groups for rule in group["rules"]]
    assert alerts and all(rule["alert"].startswith("Servicehall") for rule in alerts)
    assert all(rule["labels"]["severity"] in ("info", "warning", "critical") for rule in alerts)
    assert all(rule["annotations"]["summary"] for rule in alerts)


def test_the_chart_ships_the_dashboards_and_rules_unchanged():
    helm = os.environ.get("HELM", str(ROOT / ".cache" / "bin" / "helm"))
    assert os.access(helm, os.X_OK), f"helm is missing at {helm}: run `make tools`"
    rendered = subprocess.run(
        [
            helm,
            "template",
            "servicehall",
            str(CHART),
            "-f",
            str(CHART / "ci" / "production-values.yaml"),
            "--kube-version",
            "1.30.0",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    documents = [d for d in yaml.safe_load_all(rendered) if d]
    config_maps = {k: v for d in documents if d["kind"] == "ConfigMap" for k, v in d["data"].items()}
    for path in DASHBOARDS:
        assert json.loads(config_maps[path.name]) == json.loads(path.read_text(encoding="utf-8"))
        assert (
            next(d for d in documents if d["kind"] == "ConfigMap" and path.name in d["data"])["metadata"]["labels"][
                "grafana_dashboard"
            ]
            == "1"
        )
    [rule] = [d for d in documents if d["kind"] == "PrometheusRule"]
    assert rule["spec"] == yaml.safe_load(RULES.read_text(encoding="utf-8"))
