# VON HIER – the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app vonhier
HOST ?= 127.0.0.1
PORT ?= 5000
TRANSLATIONS := vonhier/translations

VENDOR := static/vendor

.PHONY: run test test-pack translations compile-translations vendor lint clean mutation audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes, so a second `make run` starts in seconds.
# setuptools warns on every editable install that a folder named like the package may shadow it; here
# that folder IS the package, so the notice (a 6-line box on a newcomer's first run) is silenced.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(BIN)/pip install --quiet

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	touch $(VENV)/.installed $@

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d $(TRANSLATIONS)

# Front-end libraries come from the npm registry (package-lock.json pins them) and are served from
# static/vendor/, never from a CDN; so does the PDFs' font (DejaVu Sans: every name prints as written).
$(VENDOR)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet $(VENDOR)/markercluster
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
	      node_modules/leaflet/dist/images node_modules/leaflet/LICENSE $(VENDOR)/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
	   node_modules/leaflet.markercluster/MIT-LICENCE.txt $(VENDOR)/markercluster/
	mkdir -p $(VENDOR)/fonts
	cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf \
	   node_modules/dejavu-fonts-ttf/LICENSE $(VENDOR)/fonts/
	touch $@

vendor: $(VENDOR)/.built

run: $(VENV)/.installed compile-translations vendor
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@# The background worker (mails, stale pages; scans when REDIS_URL is set) runs beside the development
	@# server and stops with it; both use the same BASE_URL (the worker renders pages with their links).
	@# Berlin time in the log, as on the pages (the request lines carry no zone of their own).
	@echo "Times in this log are Berlin time (TZ=$${TZ:-Europe/Berlin})."
	export TZ=$${TZ:-Europe/Berlin} BASE_URL=$${BASE_URL:-http://$(HOST):$(PORT)}; \
	$(FLASK) work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# pytest-xdist: one process per core (each with its own database); a test module stays in one process.
TEST_WORKERS ?= auto

# The tests that hold for whatever region pack is configured (`region.pack()`): `make test` runs them
# again for the second pack, on a database of their own (tests/conftest.py). docs/region-packs.md.
PACK_TESTS := tests/regions tests/core/test_branding.py tests/geo/test_pack_places.py tests/browser/test_region_journey.py
SECOND_PACK ?= mitteldeutschland

test: $(VENV)/.installed-dev compile-translations vendor
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-pack

test-pack: $(VENV)/.installed-dev compile-translations vendor
	REGION=$(SECOND_PACK) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope $(PACK_TESTS)

# Extract every translatable string and merge it into the catalogues, then compile them.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F vonhier/babel.cfg -k _l --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel -q compile --use-fuzzy -d $(TRANSLATIONS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info node_modules $(VENDOR)

# Mutation testing of the label's rules (snapshot figures, GS1 links, opening hours, the pre-check):
# mutmut mutates the four modules named in pyproject.toml and runs their tests on SQLite. Not in CI
# (1,753 mutants, about 12 minutes on 2 shared cores); `$(BIN)/mutmut results` lists the survivors.
mutation: $(VENV)/.installed-dev compile-translations vendor
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

# Lighthouse (mobile) and the Nu HTML checker on the public pages of a running server (`make run` in
# another terminal, or BASE=…): scores, CLS and markup errors per page (bench/audit.py). The tools
# live in bench/audit/ with their own lock, so `make run` and `make vendor` never download them;
# --ignore-scripts: vnu-jar's install script would fetch a Java runtime, the machine's Java 17 serves.
BASE ?= http://$(HOST):$(PORT)
AUDIT := bench/audit

$(AUDIT)/node_modules/.installed: $(AUDIT)/package.json $(AUDIT)/package-lock.json
	npm ci --prefix $(AUDIT) --ignore-scripts --no-audit --no-fund --silent
	touch $@

audit: $(AUDIT)/node_modules/.installed | $(BIN)/python
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python bench/audit.py --base $(BASE) $(AUDIT_ARGS)
