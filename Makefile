# Two commands for a new user: `make run` and `make test`. Both create .venv on demand.
# The first Python 3.11 or newer on PATH (Ubuntu 22.04's python3 is 3.10; its python3.11 works).
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.13 python3.12 python3.11; do \
            $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
endif
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
EXTRASTAMP := $(VENV)/.installed-extras

.PHONY: run test extras bench catalogs clean

run: $(STAMP)
	$(VENV)/bin/neurocar

test: $(TESTSTAMP)
	$(PY) -m pytest -q

# The optional extras (Ray, the evolution's optimizer, pyserial, Gymnasium, video), so that their tests run too (CI does this).
extras: $(EXTRASTAMP)

# The benchmarks behind the README's figures (the firmware one needs the AVR toolchain).
bench: $(STAMP)
	$(PY) -m tests.bench.bench_train
	$(PY) -m tests.bench.bench_sim
	SDL_VIDEODRIVER=dummy $(PY) -m tests.bench.bench_gui
	SDL_VIDEODRIVER=dummy $(PY) -m tests.bench.bench_big_world
	$(PY) -m tests.bench.bench_firmware
	$(PY) -m tests.bench.bench_backends
	$(PY) -m tests.bench.bench_calibration
	$(PY) -m tests.bench.bench_gym

# Re-extract the user-facing text, merge it into the English and Spanish catalogs
# (brain/locale/*/LC_MESSAGES/neurocar.po: translate what is new), and compile the .mo files.
CATALOGS := brain/locale
catalogs: $(TESTSTAMP)
	@mkdir -p build
	$(VENV)/bin/pybabel -q extract -F babel.cfg --no-location --sort-output --omit-header \
	  -o build/neurocar.pot brain simulator firmware_export
	$(VENV)/bin/pybabel -q update -i build/neurocar.pot -d $(CATALOGS) -D neurocar --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel -q compile --use-fuzzy -d $(CATALOGS) -D neurocar

$(PY):
	@[ -n "$(PYTHON)" ] || { echo "neurocar needs Python 3.11 or newer, and found none on PATH"\
	  "(python3 is $$(python3 --version 2>&1)); on Ubuntu 22.04: sudo apt install python3.11 python3.11-venv"; exit 1; }
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

$(EXTRASTAMP): $(TESTSTAMP)
	$(PY) -m pip install -q -e '.[test,ray,evolve,serial,gym,video]'
	@touch $@

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
