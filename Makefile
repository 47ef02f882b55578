# Thurrock Care. `make run` runs the whole application; `make test` runs the whole test suite.
# Both start with `make setup`, which installs what they need on a fresh Debian machine
# (docker-compose only to validate docker-compose.yml in the tests).

VENV := .venv
PY := $(VENV)/bin/python
LAUNCH := $(PY) -m thurrock_care.launcher
APT_PACKAGES := chromium poppler-utils docker-compose libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

.PHONY: setup run test lint format lock bench bench-search

setup: $(VENV)/.installed node_modules/.installed static/build/app.css
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv==0.13.8
	$(VENV)/bin/uv pip sync -q --python $(PY) requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed static/scss/app.scss
	npm run --silent build:css

run: setup
	$(LAUNCH) run

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true DATABASE_URL=postgres://mypy@localhost/mypy REDIS_URL=redis://localhost/0 $(VENV)/bin/mypy
	$(LAUNCH) exec -- sh -c '$(PY) manage.py makemigrations --check --dry-run && $(PY) -m pytest $(PYTEST_ARGS)'

# Issue 13's benchmark (docs/performance.md): the key pages against the two references, and the
# background work, on a generated borough (full scale: about 15 minutes the first time, 4 of
# them generating it, then about 11). Not part of `make test`. wrk drives the pages.
bench: setup
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk)
	$(LAUNCH) exec -- $(PY) -m bench.run $(BENCH_ARGS)

# Resident search at 176,000 residents, before and after its indexes (docs/performance.md).
bench-search: setup
	$(LAUNCH) exec -- $(PY) bench/search_bench.py $(BENCH_ARGS)

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin Python dependencies after editing pyproject.toml.
lock:
	$(VENV)/bin/uv pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements.lock
