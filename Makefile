# Two entry points for a fresh clone: `make serve` (build the corpus and serve it) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
STORE ?= var/store
PORT ?= 8000

$(BIN)/ofsted-kg: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[serve,remote,test]'
	touch $@

.PHONY: install browser virtuoso build serve test lint bench
install: $(BIN)/ofsted-kg

# Browser tests drive Debian's chromium through Playwright (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: sudo apt-get install chromium (browser tests will be skipped)"; fi; }

# The remote-backend tests run against Debian's Virtuoso 7 (tests/real_servers.py starts it on
# loopback with a fresh database); Oxigraph server comes from PyPI with the test extras.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	  else echo "virtuoso-t missing: sudo apt-get install virtuoso-opensource (Virtuoso tests will be skipped)"; fi; }

# Exit status 1 means only that some files were refused (two of the corpus always are: HTML error
# pages), each named with its reason; the other files are built, so serving goes on. A store error
# is exit status 3 and stops here. Every SHACL warning: add --verbose, or --log FILE.
build: install
	$(BIN)/ofsted-kg build $(CORPUS) --store $(STORE) || [ $$? -eq 1 ]

serve: build
	$(BIN)/ofsted-kg serve --store $(STORE) --port $(PORT)

test: install browser virtuoso
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .

# The benchmarks (bench/run.py): a national-size corpus built, its pages and named queries under
# load, the real corpus's build against the floor; written into BENCHMARKS.md between its
# markers. Long: `python bench/run.py --quick --out FILE` is the same in a minute or two.
bench: install
	$(BIN)/python bench/run.py --corpus $(CORPUS) --out BENCHMARKS.md
