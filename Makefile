# A newcomer needs Python 3.11+ and make. `make demo` and `make test` install what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
BABEL_KEYWORDS := -k T -k TP:1,2 --no-default-keywords
STAFF_KEYWORDS := -k S -k SP:1,2 --no-default-keywords

.PHONY: demo run test migrate lint lock i18n-extract i18n-update clean

# Installs exactly the locked tree (requirements-dev.lock: every package, direct or not, pinned),
# then the project itself without letting pip resolve anything again.
$(STAMP): pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)  ## chat with the bot in this terminal (no token needed); LANG_CODE=ko for Korean
	$(PY) -m demo --lang $(or $(LANG_CODE),en)

run: $(STAMP)  ## the real bot on Telegram; needs BOT_TOKEN
	$(PY) -m bot run

migrate: $(STAMP)
	$(PY) -m bot migrate

# One worker more than the cores: the end-to-end tests spend part of their time waiting (processes
# starting, timers, sockets). On 2 cores: 2 workers 4:15, 3 workers 3:16, 4 workers 3:14 with more CPU.
# At most 15: each worker has a Redis db of its own among the 16 (tests/conftest.py).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min((os.cpu_count() or 1) + 1, 15))')

# The whole suite, as CI runs it; it includes an end-to-end subset run again with the speed patches
# off (tests/test_unpatched.py), beside the rest.
test: $(STAMP)  ## the whole test suite (what CI runs)
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

LOCK := $(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --upgrade
lock:  ## after changing pyproject.toml's dependencies: re-resolve the whole tree into the two lock files
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip-tools==7.6.2
	$(LOCK) -o requirements.lock pyproject.toml
	$(LOCK) --extra dev -o requirements-dev.lock pyproject.toml

i18n-extract: $(STAMP)  ## collect every T()/TP() string and the data files' texts into messages.pot; S()/SP() into staff.pot
	$(VENV)/bin/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output --omit-header -o locales/messages.pot .
	$(VENV)/bin/pybabel extract -F babel.cfg $(STAFF_KEYWORDS) --no-location --sort-output --omit-header -o locales/staff.pot .
	$(PY) -m bot.catalogs strip-percent-flags locales/messages.pot locales/staff.pot

i18n-update: i18n-extract  ## merge messages.pot into every catalog (new strings come in untranslated)
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --ignore-obsolete --no-fuzzy-matching --width 0
	$(VENV)/bin/pybabel update -i locales/staff.pot -d locales -D staff -l ko --ignore-obsolete --no-fuzzy-matching --width 0
	$(PY) -m bot.catalogs strip-percent-flags locales/*/LC_MESSAGES/messages.po locales/ko/LC_MESSAGES/staff.po
	$(PY) -m bot.catalogs fill-english

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
