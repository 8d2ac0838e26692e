# The two commands of the README: `make run` and `make test`. Both set everything up first.
.PHONY: run test setup bench screenshots dist clean

VENV := .venv
PY := $(VENV)/bin/python

setup:
	@bash scripts/setup.sh

run: setup
	$(VENV)/bin/mlfunc-wizard

test: setup
	$(VENV)/bin/ruff check wizard
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: setup
	$(PY) bench/engine_bench.py
	$(PY) bench/runtime_bench.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/ui_bench.py

dist: setup
	$(PY) packaging/build_dist.py --out dist

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info
