"""The shape every service keeps (docs/architecture.md): the layers contract of `make lint`
names every module of a service, and no module reaches for another's private names."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["cases", "fees", "attendance", "evaluation", "notification"]


def layer_contracts() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    found: dict[str, list[str]] = {}
    for contract in contracts:
        if contract["type"] == "layers":
            (container,) = contract["containers"]
            found[container] = [name.strip() for layer in contract["layers"] for name in layer.split("|")]
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_module_of_a_service_has_its_layer(service):
    layers = layer_contracts()
    assert f"services.{service}" in layers, f"pyproject.toml has no layers contract for services.{service}"
    modules = {p.stem for p in (ROOT / "services" / service).glob("*.py") if p.stem != "__init__"}
    unplaced = modules - set(layers[f"services.{service}"])
    assert not unplaced, f"modules of services.{service} outside its layers contract: {sorted(unplaced)}"


def private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name} from {node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.split(".")[0] in ("services", "shared", "gateway")
        for alias in node.names
        if alias.name.startswith("_")
    ]


def test_no_module_imports_a_private_name_of_another():
    sources = [
        p
        for folder in ("services", "shared", "gateway", "tests", "tools", "benchmarks")
        for p in (ROOT / folder).rglob("*.py")
    ]
    found = [line for path in sources for line in private_imports(path)]
    assert not found, "\n".join(found)
