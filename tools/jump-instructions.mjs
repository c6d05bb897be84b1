// Instructions the wasm engine takes for each setting's jump, counted
// rather than timed: the bench's jumps, back and forth, on the 2 MP
// sample with the whole photo in the area, run in Node under valgrind's
// callgrind with every wasm function compiled by V8's optimising tier at
// once. A count does not depend on how busy the machine is. On the shared
// development machine a timing can move 10–40 % between runs, so two
// builds can be compared this way on any day, one after the other. What it
// leaves out is what the count cannot see: memory stalls, and the frame
// work around the engine (`tools/bench-element.mjs` times those). Not part
// of `make bench`: it takes about ten minutes and needs valgrind
// (`apt-get install valgrind`).
//
//   node tools/jump-instructions.mjs [pkg directory (www/pkg)] [jumps (12)] [settings, e.g. shade,softness (all)]
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The jumps of `tools/bench-element.mjs`, each a setting and its two values. */
const JUMPS = [
  ['densityPerCm2', 60, 90],
  ['dotDiameterMm', 0.2, 0.6],
  ['shade', 0.2, 0.8],
  ['softness', 0.1, 0.9],
  ['yearsAfter', 0, 8],
];
/** Jumps made before the counted ones: the first change of a look makes
 * the values a layer keeps for the next. */
const WARM_UP = 4;

/** The sample photo's size. */
const [W, H] = [1732, 1155];

/** The build in `dir`, loaded: its module and the wasm's exports. */
async function engine(dir) {
  const m = await import(pathToFileURL(resolve(dir, 'smp_visualiser.js')).href);
  const wasm = m.initSync({ module: readFileSync(resolve(dir, 'smp_visualiser_bg.wasm')) });
  return { m, wasm };
}

/** In the counted process: loads the build in `dir` and the sample's
 * pixels from `photo` (made once, uncounted: making it is most of a
 * run), draws it, then makes WARM_UP + `n` jumps of `name` between `a`
 * and `b`. */
async function jumps(dir, photo, name, a, b, n) {
  const { m } = await engine(dir);
  const e = new m.Engine();
  e.loadImage(new Uint8Array(readFileSync(photo)), W, H, 2000);
  e.setMask(new Uint8Array(W * H).fill(255));
  e.renderPreview();
  for (let i = 0; i < WARM_UP + n; i++) {
    e.setSettings([name], Float64Array.of(i % 2 ? b : a));
    e.renderPreview();
  }
}

/** Instructions a run of this script with `args` executes, by callgrind. */
function counted(args) {
  const me = fileURLToPath(import.meta.url);
  const valgrind = ['--tool=callgrind', '--smc-check=all-non-file', '--callgrind-out-file=/dev/null'];
  const node = [process.execPath, '--no-liftoff', me, '--run', ...args.map(String)];
  return new Promise((ok, fail) => {
    execFile('valgrind', [...valgrind, ...node], { maxBuffer: 1 << 24 }, (err, _out, log) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(log ?? '');
      if (err || !refs) fail(new Error(`valgrind failed (is it installed?): ${err?.message ?? log}`));
      else ok(Number(refs[1].replaceAll(',', '')));
    });
  });
}

if (process.argv[2] === '--run') {
  const [dir, photo, name, a, b, n] = process.argv.slice(3);
  await jumps(dir, photo, name, Number(a), Number(b), Number(n));
} else {
  const dir = process.argv[2] ?? 'www/pkg';
  const n = Number(process.argv[3] ?? 12);
  const only = process.argv[4]?.split(',');
  const unknown = only?.filter((name) => !JUMPS.some(([known]) => known === name)) ?? [];
  if (!Number.isInteger(n) || n < 1 || unknown.length) {
    console.error(`usage: node tools/jump-instructions.mjs [pkg directory] [jumps, 1 or more] [settings: ${JUMPS.map(([name]) => name)}]`);
    process.exit(2);
  }
  const { m, wasm } = await engine(dir);
  const sample = new m.Engine();
  sample.loadSample(W, H, 1, 2000);
  const photo = join(tmpdir(), `smp-jump-sample-${process.pid}.rgba`);
  writeFileSync(photo, new Uint8Array(wasm.memory.buffer, sample.beforePtr(), W * H * 4));
  sample.free();
  try {
    console.log(`${dir}: instructions a jump (${n} jumps, less the same run without them)\n`);
    console.log('| jump | instructions a jump |');
    console.log('|---|---|');
    for (const [name, a, b] of JUMPS.filter(([name]) => !only || only.includes(name))) {
      // Two processes at a time: the count does not depend on the cores.
      const run = (jumps) => counted([dir, photo, name, a, b, jumps]);
      const [without, withJumps] = await Promise.all([run(0), run(n)]);
      console.log(`| ${name} ${a}↔${b} | ${((withJumps - without) / n / 1e6).toFixed(1)} M |`);
    }
  } finally {
    rmSync(photo, { force: true });
  }
}
