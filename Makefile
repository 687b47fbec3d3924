# Everyday commands. `make run` and `make test` set everything up on a fresh machine first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/.demo/partner-desk-demo.db
QT_DEBS := libglib2.0-0 libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 \
	libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 \
	fonts-dejavu-core
# PostgreSQL's server binaries: the tests start a throw-away server to prove the code runs there too
PG_DEBS := postgresql

.PHONY: run team-demo test test-deep lint typecheck system-deps deep-deps screenshots bench build bundle-check messages \
	catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The libraries Qt loads and PostgreSQL for its tests: installed when running as root, otherwise the
# command is printed.
system-deps:
	@missing=$$(for p in $(QT_DEBS) $(PG_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ] || ! command -v dpkg >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "missing system packages; run: sudo apt-get install -y $$missing"; exit 1; \
	fi

# the everyday run: everything but the tests marked slow
test: $(STAMP) system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow"

# every test, the slow ones included (LibreOffice prints the statements to PDF), with ten times the
# property-test and fuzz examples; CI does not run it
test-deep: $(STAMP) system-deps deep-deps
	QT_QPA_PLATFORM=offscreen HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest

# what the slow tests use besides: LibreOffice Calc (headless) and poppler's PDF tools
DEEP_DEBS := libreoffice-calc-nogui poppler-utils
deep-deps:
	@missing=$$(for p in $(DEEP_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ] || ! command -v dpkg >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "missing system packages; run: sudo apt-get install -y $$missing"; exit 1; \
	fi

run: $(STAMP) system-deps
	@test -f "$(DEMO_DB)" || (mkdir -p $(dir $(DEMO_DB)) && $(BIN)/partner-desk --db "sqlite:///$(DEMO_DB)" init --demo)
	$(BIN)/partner-desk --db "sqlite:///$(DEMO_DB)"

# a throw-away PostgreSQL server with the demo data set, and the window on it (docs/team.md);
# `make team-demo WINDOWS=2` opens two, signed in as two of the demo's users
WINDOWS ?= 1
team-demo: $(STAMP) system-deps
	$(BIN)/python tools/team_demo.py --windows $(WINDOWS)

lint: $(STAMP)
	$(BIN)/ruff check partner_desk tests benchmarks tools
	$(BIN)/mypy partner_desk

# Every page (and the amount dialog) in English and in Ukrainian, from the demo data
screenshots: $(STAMP) system-deps
	QT_QPA_PLATFORM=offscreen PARTNER_DESK_LANG=en_US $(BIN)/python -m partner_desk.gui.screenshots docs/screenshots/en
	QT_QPA_PLATFORM=offscreen PARTNER_DESK_LANG=uk_UA $(BIN)/python -m partner_desk.gui.screenshots docs/screenshots/uk

# The translation template of every user-visible string (resources/locale/partner_desk.pot)
messages: $(STAMP)
	$(BIN)/pybabel extract -F resources/babel.cfg -k _ -k N_ -k ngettext:1,2 --project="Partner Desk" \
		--version=0.1.0 --no-location --sort-output --omit-header -o resources/locale/partner_desk.pot .

# the compiled catalogs (resources/locale/*/LC_MESSAGES/partner_desk.mo), committed beside their sources;
# a test checks that each is current
catalogs: $(STAMP)
	$(BIN)/pybabel compile -d resources/locale -D partner_desk

# Figures, not tests: import and posting beside the least work (benchmarks/lower_bound.py) at 1,000,000
# and 200,000 payments and on PostgreSQL, a year of postings, the window on a year of 10,000 agencies
# (its database kept in .bench/window for the next run), statements
bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/accrual.py
	$(BIN)/python benchmarks/accrual.py --payments 200000
	$(BIN)/python benchmarks/accrual.py --postgresql
	$(BIN)/python benchmarks/accrual_year.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/agencies_page.py --work .bench/window
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/agencies_page.py --work .bench/window --first-page agencies
	$(BIN)/python benchmarks/statements.py
	$(BIN)/python benchmarks/team.py

build: $(STAMP) system-deps
	$(BIN)/pyinstaller --noconfirm --log-level WARN build.spec

# Build the bundle, then run it as a user would (not part of `make test`)
bundle-check: build
	$(BIN)/python tools/bundle_check.py dist/partner-desk

clean:
	rm -rf $(VENV) build dist .demo .bench
