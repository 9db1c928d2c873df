# The two commands a trader needs are `make demo` and `make test`; everything
# else here is what they are built from.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
# uv is pinned and installed inside the project, so a fresh machine needs only python3.
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PROTO_SRC := proto/tvbridge/executor/v1/executor.proto
STAMP := .venv/.tvbridge-setup
# The dashboard's Bootstrap, from its npm package (package-lock.json pins it); npm is optional.
ASSETS := gateway/dashboard/static/vendor/.built

.PHONY: help setup demo test lint typecheck unit e2e bench certs proto run-gateway run-executor run-simulator clean

help:
	@echo "make demo   - install what is missing, start simulator + executor + gateway (Ctrl-C stops all)"
	@echo "make test   - install what is missing, then lint, type-check and run the whole test suite"
	@echo "make setup  - only install (.venv/ holds everything)"
	@echo "make proto  - regenerate the Python gRPC stubs from $(PROTO_SRC)"
	@echo "make bench  - tvbridge against a naive bot over a simulated network (writes bench/out/results.json)"
	@echo "make lint | typecheck | unit | e2e"

# Debian and Ubuntu ship venv's ensurepip in a separate package (python3.X-venv); without it
# `python3 -m venv` stops halfway through with a page of text. Asking ensurepip for its version
# installs nothing and takes a blink, so that case gets one line saying what to install instead.
# A .tools/ without uv is always a failed or interrupted run: it is removed, never built upon.
$(UV):
	@command -v python3 >/dev/null || { echo "python3 (3.11 or newer) is needed: install python3" >&2; exit 1; }
	@python3 -Im ensurepip --version >/dev/null 2>&1 || { \
	  venv_package="python$$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"; \
	  echo "python3 -m venv is unavailable: install $$venv_package (apt-get install $$venv_package), then run make again" >&2; \
	  exit 1; }
	@echo ">> installing uv $(UV_VERSION) (the package manager) into .tools/"
	@rm -rf .tools
	python3 -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
	  || { rm -rf .tools; exit 1; }

$(STAMP): pyproject.toml uv.lock | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --python python3
	@touch $(STAMP)

$(ASSETS): package.json package-lock.json tools/build_assets.py | $(STAMP)
	$(PY) -m tools.build_assets
	@touch $(ASSETS)

setup: $(STAMP) $(ASSETS)

proto: $(STAMP)
	$(PY) -m tools.gen_proto

demo: $(STAMP) $(ASSETS)
	$(PY) -m tools.demo

test: $(STAMP) $(ASSETS) lint typecheck
	$(PY) -m pytest

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: $(STAMP)
	.venv/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest -m "not e2e"

e2e: $(STAMP) $(ASSETS)
	$(PY) -m pytest -m e2e

bench: $(STAMP)
	$(PY) -m bench.run --json bench/out/results.json

certs: $(STAMP)
	$(PY) -m tools.dev_certs certs

run-gateway: $(STAMP) $(ASSETS)
	$(PY) -m gateway
run-executor: $(STAMP)
	$(PY) -m executor
run-simulator: $(STAMP)
	$(PY) -m simulator

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache node_modules gateway/dashboard/static/vendor
