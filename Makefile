# smp-visualiser: two commands, `make serve` and `make test`. Both install what
# is missing first (wasm target, the exact wasm-bindgen CLI, npm packages and,
# for tests, Debian's Chromium), and are quick when everything is in place.

SHELL := /bin/bash
.DEFAULT_GOAL := build
PORT ?= 8080
WASM_TARGET := wasm32-unknown-unknown
# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)
RUST_SOURCES := Cargo.toml Cargo.lock $(shell find src -name '*.rs')
WASM := www/pkg/smp_visualiser_bg.wasm
VERSION_TXT := www/pkg/version.txt
CLI := target/release/smp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-browser build serve lint test test-rust test-browser test-fuzz fuzz soak bench eval dist clean

## setup: install the wasm target, the wasm-bindgen CLI and the npm packages
setup: .make/wasm-target .make/wasm-bindgen-$(WB_VERSION) node_modules/.package-lock.json

.make/wasm-target:
	@mkdir -p .make
	rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@touch $@

.make/wasm-bindgen-$(WB_VERSION):
	@mkdir -p .make
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WB_VERSION)" ]; then \
	  echo "Installing wasm-bindgen-cli $(WB_VERSION) (about 2 minutes, once)"; \
	  cargo install wasm-bindgen-cli --version $(WB_VERSION); \
	fi
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## setup-browser: Debian's Chromium for the browser tests
setup-browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; \
	fi

## build: the wasm module into www/pkg and the `smp` CLI; www/ is then servable
build: setup $(WASM) $(VERSION_TXT) $(CLI)

$(WASM): $(RUST_SOURCES) .make/wasm-target .make/wasm-bindgen-$(WB_VERSION)
	cargo build --release --lib --target $(WASM_TARGET)
	wasm-bindgen --target web --out-dir www/pkg target/$(WASM_TARGET)/release/smp_visualiser.wasm
	@touch $@

# The build's version for the offline service worker: a hash of its files.
$(VERSION_TXT): $(WASM) www/files.json $(wildcard www/*.js www/*.html www/*.css www/element/*.js)
	node tools/version.mjs

$(CLI): $(RUST_SOURCES)
	cargo build --release --bin smp

## serve: build, then serve the app at http://127.0.0.1:$(PORT)
serve: build
	node tools/serve.mjs www $(PORT)

## lint: rustfmt, clippy (native and wasm32, warnings are errors), ESLint, and
##   TypeScript's check of the element against the wasm module's .d.ts
lint: setup
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) -- -D warnings
	node_modules/.bin/eslint .
	@# The element against the wasm module's own types (www/pkg/*.d.ts).
	$(MAKE) $(WASM)
	node_modules/.bin/tsc -p tsconfig.json

## test: every test: native unit and integration tests, then the browser tests
test: build setup-browser test-rust test-fuzz test-browser

test-rust:
	cargo test

test-browser: build setup-browser
	bash tools/dist.sh
	node --test --test-concurrency=1 tests/

## fuzz: run every cargo-fuzz target (fuzz/fuzz_targets/) for FUZZ_SECONDS each
##   (default 60); fails on any crash, panic, hang (an input over FUZZ_TIMEOUT
##   seconds) or an input over FUZZ_RSS_MB of memory. Targets: engine_image,
##   engine_mask, engine_settings, engine_ops, decode, mask_file. One target:
##   `make fuzz FUZZ_TARGETS=decode FUZZ_SECONDS=600`. New corpus entries go to
##   fuzz/corpus/<target> (not in git; fuzz/seeds/<target> is), each run's
##   output to fuzz/logs/<target>.log and a crashing input to
##   fuzz/artifacts/<target>/; replay it with
##   `RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz <target> <file>`.
## test-fuzz: the same for 10 s a target, as part of `make test`
# cargo-fuzz needs nightly-only flags (-Zsanitizer=address); RUSTC_BOOTSTRAP
# lets the stable toolchain accept them, so no nightly is needed.
CARGO_FUZZ_VERSION := 0.13.2
FUZZ_TARGETS ?= engine_image engine_mask engine_settings engine_ops decode mask_file
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_RSS_MB ?= 2048
FUZZ := RUSTC_BOOTSTRAP=1 cargo fuzz
FUZZ_FLAGS := --fuzz-dir fuzz

.make/cargo-fuzz-$(CARGO_FUZZ_VERSION):
	@mkdir -p .make
	@if [ "$$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $(CARGO_FUZZ_VERSION)" ]; then \
	  echo "Installing cargo-fuzz $(CARGO_FUZZ_VERSION) (a few minutes, once)"; \
	  cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION); \
	fi
	@touch $@

fuzz: .make/cargo-fuzz-$(CARGO_FUZZ_VERSION)
	$(FUZZ) build $(FUZZ_FLAGS)
	@failed=; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t fuzz/artifacts/$$t fuzz/logs; \
	  seeds=; [ -d fuzz/seeds/$$t ] && seeds=fuzz/seeds/$$t; \
	  echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
	  if $(FUZZ) run $(FUZZ_FLAGS) $$t fuzz/corpus/$$t $$seeds -- \
	      -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
	      -rss_limit_mb=$(FUZZ_RSS_MB) -max_len=4096 -len_control=0 \
	      -print_final_stats=1 > fuzz/logs/$$t.log 2>&1; then \
	    grep -E '^#[0-9]+[[:space:]]+DONE' fuzz/logs/$$t.log | tail -n 1; \
	  else \
	    grep -E -m 3 -A 3 'panicked at|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|ALARM' fuzz/logs/$$t.log; \
	    grep -E -A 12 '^Failing input' fuzz/logs/$$t.log || tail -n 40 fuzz/logs/$$t.log; \
	    failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed (reproducers in fuzz/artifacts/)"; exit 1; fi; \
	echo "fuzz: no crash in $(FUZZ_TARGETS)"

test-fuzz:
	$(MAKE) fuzz FUZZ_SECONDS=10

## soak: the soak test at length: SOAK_OPS (20000) random operations in one
## page; `make test` runs it with 2000. SOAK_SEED=n replays a run.
SOAK_OPS ?= 20000
soak: build setup-browser
	SOAK_OPS=$(SOAK_OPS) node --test tests/soak.test.mjs

clean:
	rm -rf www/pkg tests/out .make fuzz/target
	cargo clean

## dist: the element, worker and wasm as a self-contained folder (dist/) with sizes
dist: build
	bash tools/dist.sh

## bench: medians of the render paths, natively and as wasm in Chromium
bench: build setup-browser
	cargo bench --bench engine
	node tools/bench.mjs
	node tools/bench-element.mjs
	node tools/bench-element.mjs --dpr 2
	node tools/bench-element.mjs --phone

## eval: detection scores (IoU) on the real photos in ../shared/data and on
## synthetic scalps, then the look table (tone on flat skin, patch contrast)
eval:
	cargo run --release --example eval -- ../shared/data/alopecia-photos
	cargo run --release --example look -- ../shared/data/alopecia-photos
