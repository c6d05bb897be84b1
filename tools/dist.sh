#!/usr/bin/env bash
# make dist: a self-contained folder with the element, its modules, its
# worker and the wasm, loading everything relative to the module's own URL,
# plus an npm package.json and the iframe embed page. Which files go in comes
# from www/files.json (the one list, also read by the service worker).
# JavaScript is minified file by file with esbuild (no bundling: the modules
# stay as they are in www/, only smaller). Prints the gzipped sizes, counted
# as a browser fetches them: each file gzipped on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
mapfile -t files < <(node -e 'const l = require("./www/files.json"); for (const f of [...l.element, ...l.embed]) console.log(f)')
for f in "${files[@]}"; do
  mkdir -p "dist/$(dirname "$f")"
  case "$f" in
    *.js) node_modules/.bin/esbuild "www/$f" --minify --target=es2022 --log-level=warning --outfile="dist/$f" ;;
    *) cp "www/$f" "dist/$f" ;;
  esac
done
cp www/files.json dist/
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
node -e '
const [version] = process.argv.slice(1);
const list = require("./www/files.json");
const pkg = {
  name: "smp-visualiser",
  version,
  description: "<smp-visualiser>: an in-browser before/after visualiser for scalp micropigmentation",
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "./smp-visualiser.js",
  module: "./smp-visualiser.js",
  exports: {
    ".": "./smp-visualiser.js",
    "./smp-worker.js": "./smp-worker.js",
    "./pkg/smp_visualiser.js": "./pkg/smp_visualiser.js",
    "./pkg/smp_visualiser_bg.wasm": "./pkg/smp_visualiser_bg.wasm",
    "./embed.html": "./embed.html",
  },
  files: ["files.json", ...list.element, ...list.embed],
  sideEffects: ["./smp-visualiser.js"],
};
require("fs").writeFileSync("dist/package.json", JSON.stringify(pkg, null, 2) + "\n");
' "$version"
js=0
for f in "${files[@]}"; do
  case "$f" in *.js) js=$((js + $(gzip -9 < "dist/$f" | wc -c))) ;; esac
done
wasm=$(gzip -9 < dist/pkg/smp_visualiser_bg.wasm | wc -c)
echo "dist/: JavaScript and CSS ${js} bytes gzipped (budget 40960), wasm ${wasm} bytes gzipped (budget 256000)"
[ "$js" -le 40960 ] && [ "$wasm" -le 256000 ] || { echo "over the size budget" >&2; exit 1; }
