# KeyRx: `make run` sets up and runs the daemon, `make test` sets up and runs every test.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# setuptools explains its editable-install strategy (a flat layout gets a meta path finder) in a
# 10-line UserWarning on every `pip install -e .`; it is information, not a problem: keep it out
PIP_INSTALL := PYTHONWARNINGS=ignore::UserWarning:setuptools.command.editable_wheel $(BIN)/pip install -q

.PHONY: run test test-fast bench lint setup setup-test deb clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[test]'
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test
	sh scripts/install-test-deps.sh

run: setup
	@echo "keyrx: the daemon at http://127.0.0.1:9867; in another shell, \`. $(VENV)/bin/activate\` puts \`keyrx\` on PATH"
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

# dist/keyrx_<version>_<arch>.deb: the daemon in /opt/keyrx, unit, udev rule and sysusers in /usr/lib
deb: setup
	BUILD_PY=$(BIN)/python sh scripts/build-deb.sh dist

clean:
	rm -rf $(VENV) .vmcache build dist *.egg-info
