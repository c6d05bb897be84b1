// How fast each of the machine's CPUs runs at the moment: a fixed loop
// pinned to each in turn. On a shared virtual machine a CPU can run at a
// third of its best speed for minutes, and the two CPUs at different
// speeds (on the 2-core development machine, within an hour, this loop
// took 476–2,851 ms pinned to one CPU and 489–1,076 ms to the other).
// Every timing through the element depends on it: a shared frame runs on
// both CPUs at once and waits for the slower. `make bench` prints it
// beside the element's tables, with the CPU each of Chromium's threads
// used during a timed run (from /proc): whether the machine's two CPUs
// were full, and with what.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';

/** A fixed amount of integer work, timed inside the pinned process. */
const LOOP = 'let x=0;const t=performance.now();for(let i=0;i<3e8;i++)x=(x+i)|0;process.stdout.write(String(Math.round(performance.now()-t)+(x&0)))';

/** Milliseconds the loop takes on each CPU, `rounds` times each, the
 * CPUs in turn; null where a process cannot be pinned (no `taskset`). */
export function cpuSpeeds(rounds = 3) {
  const cpus = Array.from({ length: availableParallelism() }, () => []);
  try {
    for (let r = 0; r < rounds; r++) {
      cpus.forEach((times, cpu) => times.push(Number(execFileSync('taskset', ['-c', String(cpu), process.execPath, '-e', LOOP]))));
    }
  } catch {
    return null;
  }
  return cpus;
}

/** One line for a table's caption: each CPU's times. */
export function cpuLine(when, speeds) {
  if (!speeds) return `${when}: CPU speeds not measured (no taskset)`;
  return `${when}, a fixed loop pinned to each CPU took ${speeds.map((t, cpu) => `CPU ${cpu}: ${t.join(', ')} ms`).join('; ')} (the same work each time: the longer, the slower that CPU ran)`;
}

/** CPU time so far (ms, from /proc) of each Chromium thread and its role,
 * keyed by thread id (unique across processes); null off Linux. */
export function chromiumThreadCpu() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const out = new Map();
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chrom')) continue;
      const type = cmd.match(/--type=([\w-]+)/)?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        // Time on a CPU in ns (schedstat's first field): `stat`'s times
        // step by 10 ms, too coarse for a few frames.
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        out.set(tid, { role: threadRole(type, pid === tid, name), ms: ns / 1e6 });
      }
    } catch {
      // The process or thread ended meanwhile.
    }
  }
  return out;
}

/** Names a Chromium thread (of a process of `type`; `main`: the
 * process's first thread) in the user's terms. */
function threadRole(type, main, name) {
  if (type === 'renderer' && name === 'DedicatedWorker') return 'worker';
  if (type === 'renderer' && main) return "page's thread";
  if (type === 'gpu-process' && name.startsWith('VizCompositor')) return 'display compositor';
  if (type === 'renderer' && name === 'Compositor') return "page's compositor";
  return 'other';
}

/** One line: the CPU Chromium's threads used between two readings of
 * `chromiumThreadCpu()` over `n` repeats taking `wallMs` in all, by role. */
export function threadCpuLine(what, before, after, n, wallMs) {
  if (!before || !after) return `${what}: CPU by thread not measured (no /proc)`;
  const roles = new Map();
  for (const [tid, { role, ms }] of after) {
    const used = ms - (before.get(tid)?.ms ?? 0);
    if (used > 0) roles.set(role, (roles.get(role) ?? 0) + used);
  }
  const total = [...roles.values()].reduce((a, b) => a + b, 0);
  const parts = [...roles].sort((a, b) => b[1] - a[1]).map(([role, ms]) => `${role} ${(ms / n).toFixed(1)}`);
  return `${what}: Chromium used ${(total / n).toFixed(1)} ms of CPU a time (${parts.join(', ')}) in ${(wallMs / n).toFixed(1)} ms (${Math.round((100 * total) / wallMs)} % of one CPU)`;
}
