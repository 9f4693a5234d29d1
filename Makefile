# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
INSTALLED := $(VENV)/.installed
CARTERA_HOME ?= $(CURDIR)/data
PORT ?= 8501

# dagster-dbt runs the `dbt` executable of this venv; nothing phones home.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_DISABLE_TELEMETRY := true
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: install demo refresh serve test bench bench-matching clean

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	# Bytecode compiled once here: with PYTHONDONTWRITEBYTECODE set (as on the CI machines) every
	# refresh, dbt and Streamlit process would otherwise compile Dagster and dbt from source
	# again (`import dbt.cli.main` 5.6 s -> 2.7 s).
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps -e .
	touch $(INSTALLED)

install: $(INSTALLED)

# Demo exports -> inbox -> Dagster (ingest, dbt build, checks, publish) -> dashboards.
# Demo logins demo/demo (viewer) and comite/comite (committee); existing users are left as they are.
demo: install
	mkdir -p $(CARTERA_HOME)/inbox
	cp seeds/demo/* $(CARTERA_HOME)/inbox/
	[ -f $(CARTERA_HOME)/company.json ] || cp seeds/company.json $(CARTERA_HOME)/company.json
	printf 'demo\n' | $(BIN)/cartera users add demo --role viewer --if-missing --home $(CARTERA_HOME)
	printf 'comite\n' | $(BIN)/cartera users add comite --role committee --if-missing --home $(CARTERA_HOME)
	# Exit code 2 is "published, with warnings": the dashboards still have data to show.
	$(BIN)/cartera refresh --home $(CARTERA_HOME) || [ $$? -eq 2 ]
	$(BIN)/cartera serve --home $(CARTERA_HOME) --port $(PORT)

refresh: install
	$(BIN)/cartera refresh --home $(CARTERA_HOME)

serve: install
	$(BIN)/cartera serve --home $(CARTERA_HOME) --port $(PORT)

test: install
	$(BIN)/python -m pytest

# Figures, not pass/fail, written to docs/benchmarks.md: a generated company of SIZE S
# (300 clients x 2 years, the demo), M (10,000 x 3) or L (100,000 x 5) through generation,
# a cold, a no-op and a +1 day refresh, every page's queries, ar_aging_at and the pandas
# baseline (README: Benchmarks).
SIZE ?= S
# ASOF_DOCUMENTS=10000000 adds ar_aging_at on L-sized synthetic settlement periods.
ASOF_DOCUMENTS ?= 0
# Loads per page and ar_aging_at calls (CI's smoke run takes 3).
RUNS ?= 20
bench: install
	$(BIN)/python tests/benchmarks/bench.py --size $(SIZE) --runs $(RUNS) --as-of-documents $(ASOF_DOCUMENTS)

# The bank-matching models on LINES=1000000 bank lines x DOCUMENTS=1000000 documents, the
# loader on one large receipts export, and bank statement parsing per line (N43, camt.053).
bench-matching: install
	$(BIN)/python tests/benchmarks/bench_cash_application.py
	$(BIN)/python tests/benchmarks/bench_large_export.py
	$(BIN)/python tests/benchmarks/bench_bank_parsing.py

# Regenerates requirements.lock from pyproject.toml (needs the package index).
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs .pytest_cache $(CARTERA_HOME)/dbt
