# KeyRx: `make run` sets up and runs the daemon, `make test` sets up and runs every test.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test test-fast bench lint setup setup-test clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test
	sh scripts/install-test-deps.sh

run: setup
	$(BIN)/gunicorn -c config/gunicorn.conf.py wsgi:app

test: setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not vm and not browser and not slow" $(PYTEST_ARGS)

bench: setup-test
	$(BIN)/python -m bench

lint: $(VENV)/.installed-test
	$(BIN)/ruff check app hw tests bench examples scripts
	$(BIN)/mypy --strict hw app

clean:
	rm -rf $(VENV) .vmcache build *.egg-info
