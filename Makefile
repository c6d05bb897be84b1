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
CLI := target/release/smp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-browser build serve test test-rust test-browser bench eval dist clean

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
build: setup $(WASM) $(CLI)

$(WASM): $(RUST_SOURCES) .make/wasm-target .make/wasm-bindgen-$(WB_VERSION)
	cargo build --release --lib --target $(WASM_TARGET)
	wasm-bindgen --target web --no-typescript --out-dir www/pkg target/$(WASM_TARGET)/release/smp_visualiser.wasm
	@touch $@

$(CLI): $(RUST_SOURCES)
	cargo build --release --bin smp

## serve: build, then serve the app at http://127.0.0.1:$(PORT)
serve: build
	node tools/serve.mjs www $(PORT)

## test: every test: native unit and integration tests, then the browser tests
test: build setup-browser test-rust test-browser

test-rust:
	cargo test

test-browser: build setup-browser
	bash tools/dist.sh
	node --test --test-concurrency=1 tests/

clean:
	rm -rf www/pkg tests/out .make
	cargo clean

## dist: the element, worker and wasm as a self-contained folder (dist/) with sizes
dist: build
	bash tools/dist.sh

## bench: medians of the render paths, natively and as wasm in Chromium
bench: build setup-browser
	cargo bench --bench engine
	node tools/bench.mjs

## eval: detection scores (IoU) on the real photos in ../shared/data and on synthetic scalps
eval:
	cargo run --release --example eval -- ../shared/data/alopecia-photos
