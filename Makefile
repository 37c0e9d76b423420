# The two quick-start targets: `make demo` and `make test`. Each makes .venv and installs the project.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
OUT ?= out/helsinki

.PHONY: demo test lint clean

$(BIN)/planner: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/planner
	$(BIN)/planner demo --out $(OUT)

# What CI runs (.ci/run): style, the one-way layering, types, then the suite.
test: $(BIN)/planner
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(BIN)/planner
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .import_linter_cache
