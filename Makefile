# One-command set-up: `make run` and `make test` create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@echo "== plxc check examples/"
	$(BIN)/plxc check examples/
	@echo "== plxc check --format concise examples/consensus_review.plx"
	$(BIN)/plxc check --format concise examples/consensus_review.plx

lint: $(STAMP)
	$(BIN)/ruff check parallax_dsl tests
	$(BIN)/ruff format --check parallax_dsl tests

typecheck: $(STAMP)
	$(BIN)/mypy parallax_dsl

unit: $(STAMP)
	$(BIN)/python -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
