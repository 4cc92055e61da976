# Two commands for a new user: `make run` and `make test`. Both create .venv on demand.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: run test bench clean

run: $(STAMP)
	$(VENV)/bin/neurocar

test: $(TESTSTAMP)
	$(PY) -m pytest -q

# The benchmarks behind the README's figures (the firmware one needs the AVR toolchain).
bench: $(STAMP)
	$(PY) -m tests.bench_train
	$(PY) -m tests.bench_sim
	SDL_VIDEODRIVER=dummy $(PY) -m tests.bench_gui
	$(PY) -m tests.bench_firmware

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "neurocar needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version)"; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
	  echo "python3 -m venv has no pip here (Debian/Ubuntu ship it as python3-venv); bootstrapping pip from PyPI"; \
	  $(PYTHON) -m venv --without-pip $(VENV) && $(PY) .ci/bootstrap_pip.py; }
	$(PY) -m pip install -q --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e .
	@touch $@

$(TESTSTAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e '.[test]'
	@touch $@ $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
