# servicehall: the front door. `make up` runs the platform, `make test` runs the tests.
# Everything is installed from the registries (PyPI, Maven Central, the Go module proxy)
# into git-ignored folders: .venv/ and .cache/.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CACHE := $(CURDIR)/.cache
GOBIN := $(CACHE)/bin
export PIP_CACHE_DIR := $(CACHE)/pip
# Pinned tool versions (Go modules).
HELM_VERSION := v3.19.0
GRPCURL_VERSION := v1.9.3
# What helm's own release build stamps in (from its client-go v0.34); a plain `go install`
# would leave "v3.19" and a default Kubernetes of 1.20, which our chart refuses.
HELM_LDFLAGS := -X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION) \
	-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=34 \
	-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=34
GO_ENV := GOPATH=$(CACHE)/go GOBIN=$(GOBIN) GOFLAGS="-buildvcs=false -modcacherw" GOMODCACHE=$(CACHE)/go/pkg/mod

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed ## Create the virtualenv with the pinned dependencies

proto: venv ## Generate the Python code of protos/ (never edit it by hand)
	$(PY) tools/gen_protos.py

proto-check: venv ## Fail when the generated code is stale
	$(PY) tools/gen_protos.py --check

kafka-jars: ## Resolve the Kafka broker jars from Maven Central into .cache/
	$(PYTHON) -c 'from pathlib import Path; from tools.kafka.broker import ensure_jars; ensure_jars(Path("."))'

# Stamp files name the version, so changing a pin rebuilds the tool.
$(GOBIN)/.helm-$(HELM_VERSION):
	$(GO_ENV) go install -ldflags '$(HELM_LDFLAGS)' helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)
	touch $@

$(GOBIN)/.grpcurl-$(GRPCURL_VERSION):
	$(GO_ENV) go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)
	touch $@

tools: $(GOBIN)/.helm-$(HELM_VERSION) $(GOBIN)/.grpcurl-$(GRPCURL_VERSION) ## Build helm and grpcurl (pinned) with go install

up: proto kafka-jars ## Start Kafka and the platform in the background; prints every URL
	$(PY) tools/stack.py up

down: ## Stop everything `make up` started
	$(PY) tools/stack.py down

status: ## Show what is running
	$(PY) tools/stack.py status

helm-lint: venv tools ## helm lint + kubernetes-validate --strict on the rendered chart
	HELM=$(GOBIN)/helm $(PY) tools/helm_validate.py

test: venv proto-check kafka-jars tools ## All tests: unit, integration (real Kafka, PostgreSQL if TEST_DATABASE_URL), e2e, chart
	PATH=$(GOBIN):$$PATH $(PY) -m pytest -rA --durations=10

test-unit: venv ## Only the fast unit tests
	$(PY) -m pytest -ra tests/unit

bench: venv kafka-jars ## Measure speed, write docs/benchmarks.md (PostgreSQL too with BENCH_DATABASE_URL)
	$(PY) -m benchmarks.run --write docs/benchmarks.md

clean: down ## Stop everything and remove local state (databases, logs, broker data)
	rm -rf run data

.PHONY: help venv proto proto-check kafka-jars tools up down status helm-lint test test-unit bench clean
