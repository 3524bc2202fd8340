# Bantin: the two commands a newcomer needs are `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLES := index/samples
APT    := DEBIAN_FRONTEND=noninteractive apt-get
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install serve test bench system-packages browser

install: $(STAMP) system-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Run-time Debian packages: espeak-ng is the offline Vietnamese voice.
system-packages:
	@command -v espeak-ng >/dev/null || { $(SUDO) $(APT) update -qq && $(SUDO) $(APT) install -y -qq espeak-ng; }

# The browser tests drive Debian's Chromium; never a downloaded browser.
browser:
	@[ -x /usr/bin/chromium ] || { $(SUDO) $(APT) update -qq && $(SUDO) $(APT) install -y -qq chromium; }

serve: install
	@$(BIN)/bantin index stats >/dev/null 2>&1 || $(BIN)/bantin index build $(SAMPLES)
	$(BIN)/bantin serve

test: install browser
	$(BIN)/python -m pytest -q

SHARED := ../shared

# Figures, each with its baseline from the same run (needs ../shared).
bench: install browser
	$(BIN)/python -m bench.index_throughput --corpus $(SHARED)/corpus
	$(BIN)/python -m bench.relevance --all $(SHARED)/eval
	BANTIN_DENSE=0 $(BIN)/python -m bench.expansion_latency --docs $(SHARED)/eval/baomoi_sapo_known_item/docs.jsonl --queries $(SHARED)/eval/abbreviations/queries.jsonl
	BANTIN_DENSE=0 $(BIN)/python -m bench.restore --eval $(SHARED)/eval
	$(BIN)/python -m bench.search_latency --corpus $(SHARED)/corpus --eval $(SHARED)/eval/news_title_known_item
	$(BIN)/python -m bench.normalize_speed --corpus $(SHARED)/corpus
	$(BIN)/python -m bench.speech --corpus $(SHARED)/corpus
	$(BIN)/python -m bench.web_pages --corpus $(SHARED)/corpus --eval $(SHARED)/eval/news_title_known_item
	$(BIN)/python -m bench.audio_http
	$(BIN)/python -m bench.load --corpus $(SHARED)/corpus --eval $(SHARED)/eval/news_title_known_item
