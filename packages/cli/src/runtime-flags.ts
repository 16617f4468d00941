// The Node.js options the `medkit` command runs with. bin/medkit.js carries them on its `#!` line (so `medkit`
// on PATH, npm's bin link and a systemd ExecStart get them); launchers that start the script with
// `node bin/medkit.js` (the demo, the benchmarks) pass them on the command line. A test keeps the two equal.

/**
 * `--max-semi-space-size=1` caps each of V8's young-generation semi-spaces at 1 MB. Node's default lets them
 * grow to 16 MB under a steady allocation rate (RTPS traffic, SSE), and the pages stay committed: on the
 * Nav2-sized graph the gateway held about 35 MB more private memory with the default, for no measurable CPU
 * gain at the standard load (docs/benchmarks.md, "Footprint"). 1 MB rather than 2 took another 2–3 MB off the
 * demo's main gateway at the same CPU under the standard load ("Fourth round"). Short-lived objects are still
 * collected young; only the scavenges are more frequent and smaller.
 */
/**
 * `--heap-growing-percent=30` let the old generation grow to 1.3 × what the last full collection kept
 * before the next one. V8's own factor reaches 4 × on a heap that collects quickly, so with a large ROS
 * graph (500 nodes) garbage filled more than half of the heap: 133 MB private memory, 70 MB at 1.5 ×, at
 * the same idle CPU; 1.3 × took another 3 MB off the demo's main gateway, CPU under the standard load
 * unchanged within the noise (docs/benchmarks.md, "Fourth round").
 *
 * Neither is in the list any more: `--optimize-for-size` (below) implies the 1 MB semi-spaces (a test checks) and
 * puts V8's heap in its conservative growing mode, whose factor is at most 1.3 (a churning heap peaked lower with it
 * alone than with both, on Node.js 20 and 24). Spelling them out again would not fit: the `#!` line has to stay
 * within 127 characters, where Linux before 5.1 cuts it (robots' kernels include 4.9 and 4.19; a test checks).
 */
/**
 * `--single-threaded` keeps V8's garbage collection and optimizing compilation on the main thread. Their
 * background jobs each allocated in a malloc arena of their own worker thread, which glibc keeps: the demo's
 * main gateway held 7–9 MB less private memory without them, at the same or lower CPU time under the
 * standard load (a gateway is one event loop on a robot's small CPU; the work is the same, only not spread
 * over four more threads). The price is on the main thread: a route that allocates much (the 200-app list)
 * costs about 10 % more CPU per request at saturation.
 */
/**
 * `--no-sparkplug` leaves out V8's baseline compiler: functions run in the interpreter until they are hot
 * enough for the optimizing compiler, without a baseline-code copy in between. That copy is kept for every
 * warm function: 2–5 MB of the demo's gateways' private memory in paired runs, at the same CPU under the
 * standard load (7.8 vs 7.7 % on the Nav2-sized graph, 9.8 vs 10.3 % for the demo's main gateway) and the same
 * start-up CPU time (docs/benchmarks.md, "Fourth round").
 */
/**
 * `--optimize-for-size` makes V8 size its heap for memory rather than speed. On Node.js 24 (V8 13.6, the runtime the
 * packages ship) the options above no longer sufficed: the old generation grew to 35 MB on the Nav2-sized graph with
 * 13 MB of it garbage a full collection would free (22 MB live, as on Node.js 20), and freed heap pages stayed
 * committed in V8's page pool (another 13 MB of anonymous 256 KiB mappings outside the heap's own size), so the
 * gateway held 77 MB USS against 38 MB on Node.js 20. V8 13 collects and gives pages back early only when it optimizes
 * for memory (`--memory-saver-mode` does the same, but Node.js 20 refuses it; this option is known to both). On
 * Node.js 24 it took the graph gateway from 77 to 45 MB; on Node.js 20 it changes nothing measurable
 * (docs/benchmarks.md, "Footprint on the shipped runtime (issue 53)").
 */
/**
 * `--no-maglev` leaves out V8's mid-tier optimizing compiler, on by default since V8 12 (Node.js 22): hot functions
 * go from the interpreter to TurboFan, as on Node.js 20 (where Maglev is off). Its code and its compilation's malloc'd
 * memory cost the demo's main gateway about 4 MB more on Node.js 24 (57.8 against 53.2 MB in a screening pair),
 * which the budget had no room for.
 */
/**
 * `--bytecode-old-age=2` drops a function's bytecode once it has not run through two full collections (V8's default:
 * 5 on Node.js 20, 6 on 24); it is compiled again if it runs again. Most of a gateway's bytecode is start-up code
 * (configuration, schemas, plugin set-up) that never runs again: on Node.js 24 bytecode and its metadata went from
 * 2.4 to 0.4 MB on the Nav2-sized graph, 3–4 MB of USS with the space V8 13 keeps it in.
 */
/**
 * Their price is at start: any of these V8 options makes V8 refuse Node.js's built-in code cache, so the built-ins
 * compile from source (80–120 ms more CPU to the first `/health` on Node.js 24). Launching without them and setting
 * them once started (`v8.setFlagsFromString`) was measured: the heap's sizing and the worker threads are fixed at
 * launch, and the gateway kept 5.5–14 MB more for its life (docs/benchmarks.md, "Eleventh look"), so they stay here.
 * Setting V8's defaults back only while the built-ins load (so its cache is taken) was probed too: with
 * `--single-threaded` it crashed, and otherwise it runs the collector with options its heap was not set up for, which
 * V8 does not support ("Twelfth look").
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--single-threaded', '--no-sparkplug', '--optimize-for-size', '--no-maglev', '--bytecode-old-age=2'];
