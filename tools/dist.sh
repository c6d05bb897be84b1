#!/usr/bin/env bash
# make dist: a self-contained folder with the element, its worker and the
# wasm, loading everything relative to the module's own URL, plus an npm
# package.json and the iframe embed page. Prints the gzipped sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
mkdir -p dist/pkg
cp www/smp-visualiser.js www/png-meta.js www/smp-worker.js www/embed.html www/embed.js dist/
cp www/pkg/smp_visualiser.js www/pkg/smp_visualiser_bg.wasm dist/pkg/
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
cat > dist/package.json <<JSON
{
  "name": "smp-visualiser",
  "version": "${version}",
  "description": "<smp-visualiser>: an in-browser before/after visualiser for scalp micropigmentation",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./smp-visualiser.js",
  "module": "./smp-visualiser.js",
  "exports": {
    ".": "./smp-visualiser.js",
    "./smp-worker.js": "./smp-worker.js",
    "./pkg/smp_visualiser.js": "./pkg/smp_visualiser.js",
    "./pkg/smp_visualiser_bg.wasm": "./pkg/smp_visualiser_bg.wasm",
    "./embed.html": "./embed.html"
  },
  "files": ["smp-visualiser.js", "png-meta.js", "smp-worker.js", "embed.html", "embed.js", "pkg/"],
  "sideEffects": ["./smp-visualiser.js"]
}
JSON
js=$(cat dist/smp-visualiser.js dist/png-meta.js dist/smp-worker.js dist/pkg/smp_visualiser.js | gzip -9 | wc -c)
wasm=$(gzip -9 < dist/pkg/smp_visualiser_bg.wasm | wc -c)
echo "dist/: JavaScript and CSS ${js} bytes gzipped (budget 40960), wasm ${wasm} bytes gzipped (budget 256000)"
[ "$js" -le 40960 ] && [ "$wasm" -le 256000 ] || { echo "over the size budget" >&2; exit 1; }
