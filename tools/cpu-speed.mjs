// How fast each of the machine's CPUs runs at the moment: a fixed loop
// pinned to each in turn. On a shared virtual machine a CPU can run at a
// third of its best speed for minutes, and the two CPUs at different
// speeds (on the 2-core development machine, within an hour, this loop
// took 476–2,851 ms pinned to one CPU and 489–1,076 ms to the other).
// Every timing through the element depends on it: a shared frame runs on
// both CPUs at once and waits for the slower. `make bench` prints it
// beside the element's tables.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

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
