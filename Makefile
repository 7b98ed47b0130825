# Two entry points for a fresh clone: `make serve` (build the corpus and serve it) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
STORE ?= var/store
PORT ?= 8000

$(BIN)/ofsted-kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

.PHONY: install build serve test lint bench
install: $(BIN)/ofsted-kg

build: install
	$(BIN)/ofsted-kg build $(CORPUS) --store $(STORE)

serve: build
	$(BIN)/ofsted-kg serve --store $(STORE) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/run.py --corpus $(CORPUS) --out BENCHMARKS.md
