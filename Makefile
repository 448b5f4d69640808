# Two commands do everything on a fresh machine: `make demo` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# torch comes in through argostranslate → stanza; pin the CPU build first so pip
# never resolves a multi-GB CUDA wheel.
TORCH  := torch==2.13.0

.PHONY: install demo test docs typecheck lint bench lock clean

install: $(STAMP)

# constraints.txt pins every other dependency to the versions main is tested with, so a new
# release (a Textual that draws differently, say) cannot turn a fresh machine's run red.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,cluster]'
	@touch $(STAMP)

demo: install
	$(VENV)/bin/workbench demo

test: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -n 2

# docs/cli.md, the command reference, is generated from the click commands (cog runs
# docs/cli_reference.py inside it); tests/test_docs.py fails while it is out of date.
docs: install
	$(VENV)/bin/cog -r docs/cli.md

# mypy, configured in pyproject.toml: strict on the headless core, the default level on tui/cli.
typecheck: install
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/draft.py
	$(PY) bench/align.py
	$(PY) bench/tui.py

# Refresh the pins after changing dependencies: make lock, then make test.
lock: install
	$(PY) -m pip install --quiet --upgrade -e '.[test,cluster]'
	{ echo '# Versions main is tested with (make lock refreshes them); torch is pinned in the Makefile.'; \
	  $(PY) -m pip freeze --exclude-editable | grep -viE '^(torch|nvidia|triton)'; } > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info
