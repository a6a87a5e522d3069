# VON HIER – the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app vonhier
HOST ?= 127.0.0.1
PORT ?= 5000
TRANSLATIONS := vonhier/translations

.PHONY: run test translations compile-translations lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes, so a second `make run` starts in seconds.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d $(TRANSLATIONS)

run: $(VENV)/.installed compile-translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev compile-translations
	$(BIN)/pytest $(PYTEST_ARGS)

# Extract every translatable string and merge it into the catalogues, then compile them.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F vonhier/babel.cfg -k _l --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel -q compile --use-fuzzy -d $(TRANSLATIONS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info
