# genie_analytics: one entry point. `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
DBT    := $(BIN)/dbt
INGEST := $(BIN)/genie-ingest
SANDBOX := $(BIN)/genie-sandbox

# dbt phones home for usage stats and version checks; nothing here may wait on the internet.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)

# Local files (git-ignored). Override any of them from the environment.
export SYSTEM_TABLES_DUCKDB   ?= $(CURDIR)/data/sandbox/system_tables.duckdb
export GENIE_ANALYTICS_DUCKDB ?= $(CURDIR)/data/warehouse.duckdb
SANDBOX_PARQUET ?= $(CURDIR)/data/sandbox/parquet
# The sandbox's calendar is fixed (it starts 2026-10-01) so a seed fully determines the data; the
# Genie models' first-build window starts here instead of "today - genie_days_lookback".
export GENIE_START_DATE ?= 2026-10-01
# Retention counts back from this day, not today, so the fixed sandbox calendar never ages out.
export GENIE_RETENTION_AS_OF_DATE ?= 2026-10-31

# Sandbox sizes: the demo shows a few weeks of a realistic account; tests use a smaller one.
DEMO_SANDBOX_ARGS ?= --seed 42 --days 21 --workspaces 3 --queries-per-day 20000
TEST_SANDBOX_ARGS ?= --seed 7 --days 14 --workspaces 2 --queries-per-day 3000

.PHONY: partitions-check help install demo test lint pytest dbt-build docs spark sandbox bench clean databricks-check dashboard dashboard-test chromium

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# --- environment -----------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml sandbox/pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dbt,spark,dev,api,dashboard]" -e ./sandbox
	@touch $@

profiles.yml: profiles.yml.example
	cp profiles.yml.example profiles.yml

install: $(VENV)/.installed profiles.yml  ## Create .venv/ and install the pinned dependencies

# --- the two commands --------------------------------------------------------------------------
demo: install  ## Generate the sandbox, build every model, run the Genie ingestion, print a summary
	@echo "== 1/5 sandbox: simulated system tables ($(DEMO_SANDBOX_ARGS))"
	$(SANDBOX) generate --db $(SYSTEM_TABLES_DUCKDB) --parquet-dir $(SANDBOX_PARQUET) $(DEMO_SANDBOX_ARGS)
	@echo "== 2/5 dbt build: staging, cost and optimiser marts, Genie bronze/silver"
	rm -f $(GENIE_ANALYTICS_DUCKDB)
	$(DBT) build --exclude "source:genie_api+" --quiet
	@echo "== 3/5 genie-ingest: Genie REST API (sandbox) -> landed tables"
	scripts/genie_loop.sh $(SYSTEM_TABLES_DUCKDB)
	@echo "== 4/5 dbt build: Genie marts over the landed tables + space snapshot"
	$(DBT) build --select "source:genie_api+" --quiet
	@echo "== 5/5 summary"
	$(SANDBOX) report --db $(GENIE_ANALYTICS_DUCKDB) --system-tables $(SYSTEM_TABLES_DUCKDB)
	@echo "== dashboard: dashboards/genie_analytics.lvdash.json + the HTML report"
	$(MAKE) --no-print-directory dashboard
	@echo "open data/report/index.html in a browser (no server needed)"

test: install  ## Lint, pytest, dbt build + tests on DuckDB, dbt docs, the same build on Spark, the Databricks path offline, the days each incremental step reads (Spark)
	$(SANDBOX) generate --db $(SYSTEM_TABLES_DUCKDB) --parquet-dir $(SANDBOX_PARQUET) $(TEST_SANDBOX_ARGS)
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory pytest
	$(MAKE) --no-print-directory dbt-build
	$(MAKE) --no-print-directory dashboard-test
	$(MAKE) --no-print-directory docs
	$(MAKE) --no-print-directory spark
	$(MAKE) --no-print-directory databricks-check
	$(MAKE) --no-print-directory partitions-check

lint: install  ## ruff (Python) and sqlfluff (SQL, dbt templater; needs the sandbox file to exist)
	$(BIN)/ruff check ingestion integration_tests sandbox scripts bench app
	$(BIN)/ruff format --check ingestion integration_tests sandbox scripts bench app
	@mkdir -p target
	$(BIN)/sqlfluff lint models tests/singular snapshots analyses --processes 2 2>&1 | tee target/sqlfluff_lint.log
	@# sqlfluff exits 0 when the dbt templater cannot compile a file ("Skipped file ... fatal
	@# exception during compilation"): such a file was not linted at all, so lint fails.
	@if grep -q "Skipped file" target/sqlfluff_lint.log; then \
		echo "make lint: sqlfluff skipped the files above (dbt could not compile them)"; exit 1; fi

pytest: install  ## Python tests (exit code 5, "no tests collected", is a failure here)
	$(BIN)/pytest -q -m "not dashboard and not partitions"; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

dbt-build: install  ## dbt build + all tests on DuckDB, the Genie ingestion, then the Genie marts again
	rm -f $(GENIE_ANALYTICS_DUCKDB)
	$(DBT) build --fail-fast --vars "{data_tests_lookback_days: null}"
	scripts/genie_loop.sh $(SYSTEM_TABLES_DUCKDB)
	$(DBT) build --fail-fast --select "source:genie_api+" --vars "{data_tests_lookback_days: null}"

dashboard: install  ## Write dashboards/genie_analytics.lvdash.json and the HTML report (data/report/)
	$(INGEST) dashboard --db $(GENIE_ANALYTICS_DUCKDB) --report-dir data/report

chromium:  ## Debian's chromium for the report's browser test (installed when missing)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

dashboard-test: install chromium  ## Dashboard datasets on the DuckDB build + the report in headless Chromium
	$(BIN)/pytest -q -m dashboard

docs: install  ## dbt docs generate (lineage + descriptions)
	$(DBT) docs generate --quiet

spark: install  ## Build every model on local Spark from the parquet export; compare with DuckDB
	$(PY) scripts/compare_engines.py --parquet-dir $(SANDBOX_PARQUET) --duckdb $(GENIE_ANALYTICS_DUCKDB)

databricks-check: install  ## The Databricks path offline: real dbt-databricks (connection stubbed), the sink, the bundle
	$(PY) scripts/databricks_check/run.py

sandbox: install  ## Only generate the demo sandbox
	$(SANDBOX) generate --db $(SYSTEM_TABLES_DUCKDB) --parquet-dir $(SANDBOX_PARQUET) $(DEMO_SANDBOX_ARGS)

# e.g. make bench BENCH_ARGS="--only scale --last-day-queries 2000000" (bench/run.py --help)
BENCH_ARGS ?=
# The proof that no incremental step reads more than (lookback + 1) days of a large relation (or a
# documented exception's bound), from Spark's executed plans over a 31-day date-partitioned
# sandbox of 300 queries a day (few rows: the time is dbt's per-node cost on Spark). Last in
# `make test`, which it lengthens by many minutes (the figure: bench/NOTES.md).
partitions-check: install  ## Days of each large relation every incremental dbt node reads (Spark, slow)
	$(BIN)/pytest -q -m partitions integration_tests/test_partitions_read.py

bench: install  ## Benchmarks: print ratios measured in one run (writes bench/results.md)
	$(PY) bench/run.py $(BENCH_ARGS)

# --- HTTP API (app/genie_analytics_api; README "HTTP API and alerts") -------------------------
# A random local signing key is made once (git-ignored); GENIE_API_JWT_SECRET overrides it.
API_SECRET_FILE := data/api_jwt_secret
API_SECRET = $${GENIE_API_JWT_SECRET:-$$(cat $(API_SECRET_FILE))}
SUB ?= admin@acme-corp.com
.PHONY: serve token

$(API_SECRET_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(48))" > $@

serve: install $(API_SECRET_FILE)  ## Run the HTTP API on 127.0.0.1:8000 over the demo build (docs at /docs)
	GENIE_API_JWT_SECRET="$(API_SECRET)" $(BIN)/genie-analytics-api serve

token: install $(API_SECRET_FILE)  ## Print a local bearer token for the API: make token SUB=<principal>
	@GENIE_API_JWT_SECRET="$(API_SECRET)" $(BIN)/genie-analytics-api token --sub "$(SUB)"

clean:  ## Remove generated data and dbt artefacts (keeps .venv)
	rm -rf data target logs metastore_db spark-warehouse derby.log
