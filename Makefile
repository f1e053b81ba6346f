# Plain runner for the workbench. Inside an active virtualenv or conda environment it uses that
# environment; otherwise it creates .venv/ here. Every target installs the project first.

ifneq ($(or $(VIRTUAL_ENV),$(CONDA_PREFIX)),)
PYTHON := python
STAMP := .installed-active-env
else
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
endif

QUARTER ?= latest
KERNEL_NAME := sales-workbench

.PHONY: setup report test lint lab sample clean catalog

setup: $(STAMP)

$(STAMP): pyproject.toml
ifdef VENV
	test -x $(PYTHON) || python3 -m venv $(VENV)
endif
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	$(PYTHON) -m ipykernel install --user --name $(KERNEL_NAME) --display-name "Python (sales workbench)" >/dev/null
	touch $(STAMP)

## report: run the quarterly review on the bundled sample data (QUARTER=2025Q4 to choose one)
report: setup
	$(PYTHON) -m analysis.cli run --quarter $(QUARTER)

## test: the whole test suite, notebooks included
test: setup
	$(PYTHON) -m pytest -n 2 --dist loadfile

## catalog: extract the texts readers see into the message catalogs (then translate the new ones)
# (package code, notebooks' code and markdown cells; the notebook extractor is imported from src/)
catalog: setup
	PYTHONPATH=src $(PYTHON) -m babel.messages.frontend extract -F babel.cfg -k n_:1,2 -k N_ --no-location --sort-output \
		--project quarterly-sales-workbench -o src/analysis/locale/messages.pot .
	$(PYTHON) -m babel.messages.frontend update -i src/analysis/locale/messages.pot -d src/analysis/locale \
		-l zh --ignore-obsolete

lint: setup
	$(PYTHON) -m ruff check .

## lab: JupyterLab with the project's kernel registered as "Python (sales workbench)"
lab: setup
	$(PYTHON) -m jupyter lab notebooks/

sample: setup
	$(PYTHON) -m analysis.cli sample --out data/sample

clean:
	rm -rf $(VENV) .installed-active-env .pytest_cache .ruff_cache
