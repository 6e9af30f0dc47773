# Two commands set everything up on a machine with only Python 3.11: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3.11
# uv installs the pinned lock in seconds (scripts/install.sh bootstraps it, pinned, with pip); `make PIP=pip ...`
# installs with pip alone, and so does a machine where uv cannot be installed.
PIP ?= uv
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
HOST ?= 127.0.0.1
# A data set of yours: its Kedro environment (conf/<ENV>/), e.g. `make run ENV=mall`, `make app ENV=mall`.
ENV ?=
ENV_FLAG := $(if $(ENV),--env $(ENV))
APP_PORT ?= 8501
VIZ_PORT ?= 4141
MLFLOW_PORT ?= 5000

# No telemetry, ever: kedro-telemetry is opt-out and MLflow 3 reports usage by default.
export KEDRO_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1
export MLFLOW_DISABLE_TELEMETRY := true
# MLflow leaves its loggers to conf/logging.yml (its INFO lines to the log file, not the terminal).
export MLFLOW_CONFIGURE_LOGGING := false
# `mlflow models serve` and friends exec tools by name from the venv.
export PATH := $(BIN):$(PATH)
# Python compiles each module it imports once and keeps the bytecode (__pycache__): a shell that forbids that
# (PYTHONDONTWRITEBYTECODE) would make every run compile ~4,500 files again (~9 s).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install install-test install-spark run run-spark refresh test test-all app viz mlflow-ui docs benchmark benchmark-spark bench-small bench-install bench-orders clean

$(VENV)/.installed: pyproject.toml requirements.lock scripts/install.sh
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required: run make PYTHON=/path/to/python3.11"'
	@bash scripts/install.sh $(PYTHON) $(VENV) $(PIP) "-e ."
	@touch $@

$(VENV)/.spark-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[spark]" $(QUIET_PIP)
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	@bash scripts/install.sh $(PYTHON) $(VENV) $(PIP) "-e .[test]"
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.test-installed

install-spark: $(VENV)/.spark-installed

run: install
	@mkdir -p logs
	@printf '\n==> Running the pipelines (kedro run); the full log goes to logs/kedro_run.log\n'
	$(BIN)/kedro run $(ENV_FLAG)
	@echo
	@$(BIN)/python -m customer_segmentation.summary $(ENV_FLAG) --app-url http://$(HOST):$(APP_PORT)

# Next month's customers: their segments, who moved, the audience changes to sync, the control group
# (docs/next-month.md), e.g. `make refresh BATCH=data/01_raw/customers_2026_12.csv [ENV=mall]`; the same file twice
# changes nothing. An order-log environment takes next month's order log:
# `make refresh BATCH=data/01_raw/orders_2012_01.parquet ENV=retail`.
refresh: install
	@if [ -z "$(BATCH)" ]; then echo "make refresh: name next month's customer file, e.g." \
		"make refresh BATCH=data/01_raw/customers_2026_12.csv"; exit 2; fi
	@mkdir -p logs
	@printf '\n==> Refreshing the segments with %s (kedro run --pipelines refresh); the full log: logs/kedro_run.log\n' \
		"$(BATCH)"
	$(BIN)/kedro run --pipelines refresh --params batch_path=$(BATCH) $(ENV_FLAG)
	@echo
	@$(BIN)/python -m customer_segmentation.summary --refresh $(ENV_FLAG) --app-url http://$(HOST):$(APP_PORT)

# The whole pipeline on Spark (conf/spark/spark.yml: local[*] by default), e.g.
#   make run-spark ARGS="--params customers_path=data/01_raw/customers.parquet,spark_master=spark://host:7077"
run-spark: install-spark
	@bash scripts/ensure_java.sh --require
	$(BIN)/kedro run --env spark $(ARGS)

# The test layers (docs/development.md). `make test`: everything but the e2e, Spark and browser layers (~3 min).
FAST_TESTS := -m "not e2e and not spark and not browser"
test: install-test
	@bash scripts/test_layer.sh "fast (make test)" $(FAST_TESTS) -n 2 -p no:cacheprovider

# Everything, as CI runs it (.ci/run): the fast layer, then whole runs and servers (e2e), Spark on local[2]
# and a standalone cluster on 127.0.0.1, and the app in Debian's chromium; each says how long it took (~20 min).
test-all: install-test
	@bash scripts/ensure_chromium.sh
	@bash scripts/ensure_java.sh
	@start=$$SECONDS; failed=""; \
	bash scripts/test_layer.sh "fast" $(FAST_TESTS) -n 2 -p no:cacheprovider || failed="$$failed fast"; \
	bash scripts/test_layer.sh "e2e" -m e2e -n 2 -p no:cacheprovider || failed="$$failed e2e"; \
	bash scripts/test_layer.sh "spark" -m spark -p no:cacheprovider || failed="$$failed spark"; \
	bash scripts/test_layer.sh "browser" -m browser -p no:cacheprovider || failed="$$failed browser"; \
	printf '\n==> make test-all: %s after %d s\n' "$$([ -z "$$failed" ] && echo passed || echo "FAILED in$$failed")" \
	  $$((SECONDS - start)); \
	[ -z "$$failed" ]

app: install
	CUSTOMER_SEGMENTATION_ENV=$(ENV) $(BIN)/streamlit run streamlit_app/serve.py --server.address $(HOST) --server.port $(APP_PORT) \
		--server.headless true --browser.gatherUsageStats false

viz: install
	@case "$(VIZ_PORT)" in ''|*[!0-9]*) ok=no;; *) [ "$(VIZ_PORT)" -ge 1 ] && [ "$(VIZ_PORT)" -le 49151 ] && ok=yes || ok=no;; esac; \
	if [ $$ok = no ]; then echo "make viz: VIZ_PORT=$(VIZ_PORT) is not a port kedro-viz accepts: use 1 to 49151 (default 4141)"; exit 2; fi
	$(BIN)/kedro viz run --host $(HOST) --port $(VIZ_PORT) --no-browser $(ENV_FLAG)

mlflow-ui: install
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(CURDIR)/mlflow.db --host $(HOST) --port $(MLFLOW_PORT)

# The documentation site (docs/, mkdocs.yml) built offline into site/; --strict fails on a broken link, page or docstring.
# The docs extra is installed the first time (it is also part of the test extra).
docs: install
	@$(BIN)/python -c 'import mkdocs, material, mkdocstrings_handlers.python' 2>/dev/null \
		|| bash scripts/install.sh $(PYTHON) $(VENV) $(PIP) "-e .[docs]"
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# 100k, 1M and 10M rows against the K-Means floor, plus the bundled data (~10 min); e.g. ARGS="--sizes 100000"
benchmark: install
	$(BIN)/python benchmarks/run_benchmarks.py $(ARGS)

# A whole `kedro run` on the 250-row reference data against the seed project's scripts, same sitting (~3 min)
bench-small: install
	$(BIN)/python benchmarks/bench_small_run.py $(ARGS)

# An order log of 10M lines (500k customers) through `kedro run`, against the same RFM aggregation in plain
# pandas plus one K-Means fit (~2 min, +1 min to generate the log once); e.g. ARGS="--lines 1000000 3000000"
bench-orders: install
	$(BIN)/python benchmarks/bench_orders.py $(ARGS)

# `make run` on a fresh clone of this repository's HEAD, install included (~1 min); ARGS="--cold-cache"
bench-install: install
	$(BIN)/python benchmarks/bench_first_install.py $(ARGS)

# --env spark on local[2] beside --env scale, 1M and 10M rows (~25 min); e.g. ARGS="--sizes 1000000"
benchmark-spark: install-spark
	@bash scripts/ensure_java.sh --require
	$(BIN)/python benchmarks/bench_spark.py $(ARGS)

clean:
	rm -rf $(VENV) build mlruns mlflow.db logs/kedro_run.log*
	find data -type f ! -name .gitkeep ! -path data/01_raw/segmentation_data.csv -delete
