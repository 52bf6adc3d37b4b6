# Portal KIM: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test install translations static lint messages clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations static

# Brotli and gzip copies of the static text files, served instead of them.
static: $(STAMP)
	$(FLASK) precompress-static

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy --statistics -d kim_app/translations 2>&1 | grep -v '^compiling' || true

run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# Two pytest-xdist workers, each on a database of its own (see tests/conftest.py); the
# browser tests stay together on one of them. PYTEST_ARGS comes last, so `-n 0` there runs
# the suite in one process, and `-n 4` with more workers.
PYTEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r kim_app

# The benchmark (README, "Benchmark"): data built once per size, then every page loaded.
BENCH_SMALL_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/kim_bench_small
BENCH_LARGE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/kim_bench_large
bench: install
	$(BIN)/python -m bench.generate --if-missing small $(BENCH_SMALL_URL)
	$(BIN)/python -m bench.generate --if-missing large $(BENCH_LARGE_URL)
	BENCH_SMALL_URL=$(BENCH_SMALL_URL) BENCH_LARGE_URL=$(BENCH_LARGE_URL) \
		$(BIN)/python -m bench.run $(BENCH_ARGS)
	BENCH_LARGE_URL=$(BENCH_LARGE_URL) $(BIN)/python -m bench.stats_cold
	$(BIN)/python -m bench.photo

# Re-extract the translatable strings and update the English catalogue.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o kim_app/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i kim_app/translations/messages.pot -d kim_app/translations --no-fuzzy-matching --ignore-obsolete --width 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
