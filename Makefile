# The two commands: `make demo` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export CAUSALMAP_DATA_DIR ?= $(CURDIR)/var/neo4j

.PHONY: install system-deps demo test lint bench mutation db-start db-stop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) system-deps  ## the Python environment, Chromium and Graphviz

system-deps:  ## Debian packages for browser tests, diagrams and the report's font (skipped when present)
	@command -v chromium >/dev/null && command -v dot >/dev/null && [ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium graphviz fonts-liberation >/dev/null; \
	  else echo "Install Chromium, Graphviz and the Liberation fonts: sudo apt-get install chromium graphviz fonts-liberation"; exit 1; fi; }

demo: install  ## start Neo4j, load the sample case, serve the UI at http://127.0.0.1:5000
	$(BIN)/causalmap db start
	$(BIN)/causalmap sample load
	$(BIN)/causalmap case show ashdown-2024
	@echo "Open the one-time login link printed below (Ctrl+C stops the web server; 'make db-stop' stops Neo4j)"
	$(BIN)/causalmap serve

test: install  ## start what the tests need, run every test, stop what it started
	$(BIN)/ruff check causalmap api web tests bench
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check causalmap api web tests bench

bench: install  ## benchmarks against a floor measured in the same run
	$(PY) -m bench.run

mutation: install  ## mutation testing of causalmap/analysis with its fast in-memory tests (hours on 2 shared cores)
	rm -rf mutants
	nice $(BIN)/mutmut run --max-children 2 || true
	$(BIN)/mutmut export-cicd-stats && cat mutants/mutmut-cicd-stats.json

db-start: install
	$(BIN)/causalmap db start

db-stop:
	$(BIN)/causalmap db stop

clean:
	-$(BIN)/causalmap db stop
	rm -rf $(VENV) build *.egg-info
