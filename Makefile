# One command per job; each installs what it needs into .venv first (once).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TARGETS ?= en

.PHONY: run shell test bench clean-venv

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# CPU build of torch (argostranslate -> stanza needs it); pip finds it on this
	# machine's disk, and would otherwise pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	# The distribution was called `pipeline` before (a name PyPI gives to another project).
	$(PY) -m pip uninstall -q -y pipeline 2>/dev/null || true
	$(PY) -m pip install -q -e '.[test,cluster]'
	touch $@

run: $(STAMP)
	$(VENV)/bin/pipeline run raw output --to $(TARGETS)
	@echo "The pipeline command is $(VENV)/bin/pipeline: '. $(VENV)/bin/activate' puts it on PATH (or 'make shell')."

# A shell with .venv activated (pipeline on PATH); exit it to come back.
shell: $(STAMP)
	@echo "pipeline is on PATH in this shell ($(VENV)/bin); type exit to leave it."
	@. $(VENV)/bin/activate && exec "$${SHELL:-/bin/sh}" -i

test: $(STAMP)
	scripts/install-browser.sh
	$(PY) -m ruff check .
	$(PY) -m mypy pipeline
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/repair.py
	$(PY) bench/langid.py
	$(PY) bench/translate.py
	$(PY) bench/glossary.py
	$(PY) bench/report.py
	$(PY) bench/scale.py --quick

clean-venv:
	rm -rf $(VENV)
