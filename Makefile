# Two commands set everything up on a machine with only Python 3.11: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# pip prints one line per package for each index folder this machine's pip.conf names but lacks.
QUIET_PIP := 2>&1 | { grep -v '^WARNING: Location' || true; }
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
HOST ?= 127.0.0.1
APP_PORT ?= 8501
VIZ_PORT ?= 4141
MLFLOW_PORT ?= 5000

# No telemetry, ever: kedro-telemetry is opt-out and MLflow 3 reports usage by default.
export KEDRO_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1
export MLFLOW_DISABLE_TELEMETRY := true
# `mlflow models serve` and friends exec tools by name from the venv.
export PATH := $(BIN):$(PATH)

.PHONY: install install-test install-spark run run-spark test app viz mlflow-ui benchmark benchmark-spark clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required: run make PYTHON=/path/to/python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==26.3 $(QUIET_PIP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e . $(QUIET_PIP)
	@touch $@

$(VENV)/.spark-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[spark]" $(QUIET_PIP)
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test]" $(QUIET_PIP)
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.test-installed

install-spark: $(VENV)/.spark-installed

run: install
	$(BIN)/kedro run
	@echo
	@echo "Done. Outputs:"
	@echo "  clean data        data/05_model_input/model_input_customers.parquet"
	@echo "  rejected rows     data/02_intermediate/rejected_customers.csv (with rejection_reason)"
	@echo "  data quality      data/08_reporting/data_quality_report.json"
	@echo "  reports (PNG)     data/08_reporting/"
	@echo "  segments          data/07_model_output/"
	@echo "  MLflow store      mlflow.db"
	@echo "Explore:"
	@echo "  make app          Streamlit app      http://$(HOST):$(APP_PORT)"
	@echo "  make mlflow-ui    MLflow UI          http://$(HOST):$(MLFLOW_PORT)"
	@echo "  make viz          kedro-viz          http://$(HOST):$(VIZ_PORT)"

# The whole pipeline on Spark (conf/spark/spark.yml: local[*] by default), e.g.
#   make run-spark ARGS="--params customers_path=data/01_raw/customers.parquet,spark_master=spark://host:7077"
run-spark: install-spark
	@bash scripts/ensure_java.sh --require
	$(BIN)/kedro run --env spark $(ARGS)

test: install-test
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_java.sh
	$(BIN)/python -m pytest

app: install
	$(BIN)/streamlit run streamlit_app/serve.py --server.address $(HOST) --server.port $(APP_PORT) \
		--server.headless true --browser.gatherUsageStats false

viz: install
	$(BIN)/kedro viz run --host $(HOST) --port $(VIZ_PORT) --no-browser

mlflow-ui: install
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(CURDIR)/mlflow.db --host $(HOST) --port $(MLFLOW_PORT)

# 100k, 1M and 10M rows against the K-Means floor, plus the bundled data (~10 min); e.g. ARGS="--sizes 100000"
benchmark: install
	$(BIN)/python benchmarks/run_benchmarks.py $(ARGS)

# --env spark on local[2] beside --env scale, 1M and 10M rows (~25 min); e.g. ARGS="--sizes 1000000"
benchmark-spark: install-spark
	@bash scripts/ensure_java.sh --require
	$(BIN)/python benchmarks/bench_spark.py $(ARGS)

clean:
	rm -rf $(VENV) build mlruns mlflow.db
	find data -type f ! -name .gitkeep ! -path data/01_raw/segmentation_data.csv -delete
