# heatscore: the two commands a fresh machine needs are `make demo` and `make test`.
# Both install what is missing (Python packages in .venv, Debian's mosquitto and
# influxdb) and start the local services first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test services stop-services venv test-deps benchmarks clean

$(BIN)/heatscore: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/heatscore

services:
	bash deploy/services.sh start

stop-services:
	bash deploy/services.sh stop

test-deps: venv
	bash deploy/test-deps.sh

demo: venv services
	$(BIN)/heatscore --log-level WARNING demo

test: venv services test-deps
	$(BIN)/python -m pytest

benchmarks: venv services
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/scoring.py
	$(BIN)/python benchmarks/season_readback.py

clean:
	rm -rf $(VENV) var
