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

# The demo sign-ins are printed once the server answers, below its start-up lines (`flask demo-accounts --show`
# prints them again).
run: install
	$(FLASK) init-db
	$(FLASK) seed --users 200 --students 5000 --if-empty
	$(FLASK) demo-accounts > /dev/null
	@( for _ in $$(seq 100); do $(PYTHON) -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=1)" 2>/dev/null && break; sleep 0.3; done; \
	  echo; $(FLASK) demo-accounts --show ) &
	$(FLASK) run --host 127.0.0.1 --port 5000

# Runs the browser tests too: what they need is installed first (browser-deps). NO_BROWSER=1 make test runs the
# rest, the browser tests skipping and saying why.
test: install $(if $(NO_BROWSER),,browser-deps node_modules/.installed)
	$(if $(NO_BROWSER),,ROSTER_REQUIRE_BROWSER=1) $(PYTHON) -m pytest --local-servers

# make bench: the speed goals at 1,000,000 students (minutes; databases are built once into bench/data/)
bench: install
	$(PYTHON) -m bench.lists --rows 1000000
	$(PYTHON) -m bench.seed --rows 200000 --whole 1000000
	$(PYTHON) -m bench.writes
	$(PYTHON) -m bench.history
	$(PYTHON) -m bench.search --rows 1000000
	$(PYTHON) -m bench.bulk

# Production mode refuses to make up a key: give SECRET_KEY, or the one init-db keeps in instance/ is passed on.
serve: install
	$(FLASK) init-db
	ROSTER_ENV=production TRUSTED_HOSTS="$${TRUSTED_HOSTS:-127.0.0.1,localhost}" SECRET_KEY="$${SECRET_KEY:-$$(cat instance/secret_key)}" $(VENV)/bin/gunicorn --config gunicorn.conf.py

clean:
	rm -rf $(VENV) .pytest_cache

# Browser tests: Debian's Chromium, driven by Playwright; from npm, axe-core checks accessibility and vnu-jar (the
# Nu HTML checker, run on Java) the HTML. As root with apt (as CI is) the missing packages are installed; otherwise
# make test stops with one line saying what to install.
CHROMIUM ?= /usr/bin/chromium
BROWSER_PACKAGES = $(strip $(if $(wildcard $(CHROMIUM)),,chromium) $(if $(shell command -v npm),,npm) $(if $(shell command -v java),,default-jre-headless))

browser-deps:
	@missing="$(BROWSER_PACKAGES)"; [ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing what the browser tests need: $$missing"; apt-get update -qq && apt-get install -y -qq $$missing; \
	else \
	  echo "The browser tests need $$missing: run \`sudo apt-get install -y $$missing\`, or NO_BROWSER=1 make test to run without them." >&2; exit 1; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

.PHONY: browser-deps

# Pictures of the main pages for the README, taken in Chromium.
screenshots: install
	$(PYTHON) -m tests.e2e.screenshots

.PHONY: screenshots
