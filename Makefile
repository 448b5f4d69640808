# Two commands do everything on a fresh machine: `make demo` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# torch comes in through argostranslate → stanza; pin the CPU build first so pip
# never resolves a multi-GB CUDA wheel.
TORCH  := torch==2.13.0

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: install
	$(VENV)/bin/workbench demo

test: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest -n 2

bench: install
	$(PY) bench/draft.py
	$(PY) bench/align.py
	$(PY) bench/tui.py

clean:
	rm -rf $(VENV) build *.egg-info
