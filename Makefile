# make run: set everything up and serve the app with demo data on http://127.0.0.1:5000
# make test: set everything up and run the tests on SQLite and on every database server running here
# make serve: run the app as in production (gunicorn, 4 workers) on http://127.0.0.1:8000
VENV := .venv
PYTHON := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app

.PHONY: run test serve bench install clean

$(VENV)/installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/installed

run: install
	$(FLASK) init-db
	$(FLASK) seed --users 200 --students 5000 --if-empty
	$(FLASK) demo-accounts
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(PYTHON) -m pytest --local-servers

# make bench: the speed goals at 1,000,000 students (minutes; databases are built once into bench/data/)
bench: install
	$(PYTHON) -m bench.lists --rows 1000000
	$(PYTHON) -m bench.seed --rows 200000 --whole 1000000
	$(PYTHON) -m bench.writes
	$(PYTHON) -m bench.history

# Production mode refuses to make up a key: give SECRET_KEY, or the one init-db keeps in instance/ is passed on.
serve: install
	$(FLASK) init-db
	ROSTER_ENV=production TRUSTED_HOSTS="$${TRUSTED_HOSTS:-127.0.0.1,localhost}" SECRET_KEY="$${SECRET_KEY:-$$(cat instance/secret_key)}" $(VENV)/bin/gunicorn --config gunicorn.conf.py

clean:
	rm -rf $(VENV) .pytest_cache

# Browser tests: from npm, axe-core checks accessibility and vnu-jar (the Nu HTML checker, run on Java) the HTML;
# without npm or Java those checks skip, saying so.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: $(if $(shell command -v npm),node_modules/.installed)

# Pictures of the main pages for the README, taken in Chromium.
screenshots: install
	$(PYTHON) -m tests.e2e.screenshots

.PHONY: screenshots
