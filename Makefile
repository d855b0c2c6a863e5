# One-command set-up: `make run` and `make test` create .venv on first use; nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SARIF_SCHEMA := $(VENV)/sarif-2.1.0.json
SARIF_NPM := @microsoft/jest-sarif@1.0.0-beta.0
EXAMPLE := examples/consensus_review.plx
# Extras installed into .venv: the dev tools and Ray (so `make test` runs the Ray backend tests);
# `make test EXTRAS=dev` skips Ray and its tests.
EXTRAS ?= dev,ray

.PHONY: run test lint typecheck unit bench bench-distributed bench-langgraph clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

# The official SARIF 2.1.0 JSON Schema, taken from an npm package, for the SARIF output test.
$(SARIF_SCHEMA):
	@mkdir -p $(VENV)/sarif-download
	cd $(VENV)/sarif-download && npm pack --silent $(SARIF_NPM) >/dev/null && \
	  tar xzf *.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json && \
	  mv package/lib/schemas/sarif-2.1.0-rtm.5.json ../sarif-2.1.0.json
	rm -rf $(VENV)/sarif-download

run: $(STAMP)
	@echo "== plxc check examples/"
	@$(BIN)/plxc check examples/
	@echo "== plxc compile $(EXAMPLE) (first lines of the YAML)"
	@$(BIN)/plxc compile $(EXAMPLE) | head -n 16
	@echo "== plxc run $(EXAMPLE) with the built-in local demo agents (examples/agents.py)"
	@$(BIN)/plxc run $(EXAMPLE) --input @examples/inputs/consensus_review.json --agents examples/agents.py
	@echo "== plxc test examples/"
	@$(BIN)/plxc test examples/

lint: $(STAMP)
	$(BIN)/ruff check parallax_dsl tests
	$(BIN)/ruff format --check parallax_dsl tests

typecheck: $(STAMP)
	$(BIN)/mypy parallax_dsl

unit: $(STAMP) $(SARIF_SCHEMA)
	$(BIN)/plxc test examples/ $(wildcard stdlib_patterns)
	$(BIN)/python -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Benchmarks (issue 9): tables on stdout, JSON in benchmarks/results/. Never part of `make test`.
bench: $(STAMP)
	$(BIN)/python benchmarks/frontend.py
	$(BIN)/python benchmarks/cli.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/scheduler.py
	$(BIN)/python benchmarks/makespan.py

# Local vs Ray (issue 10; needs the ray extra): about a minute, not part of `make bench`.
bench-distributed: $(STAMP)
	$(BIN)/python benchmarks/distributed.py

# The scheduler benchmark with LangGraph's ratio too: installs the `langgraph` extra into .venv first.
bench-langgraph: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[langgraph]'
	$(BIN)/python benchmarks/scheduler.py
