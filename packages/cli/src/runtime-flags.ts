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
 * `--heap-growing-percent=30` lets the old generation grow to 1.3 × what the last full collection kept
 * before the next one. V8's own factor reaches 4 × on a heap that collects quickly, so with a large ROS
 * graph (500 nodes) garbage filled more than half of the heap: 133 MB private memory, 70 MB at 1.5 ×, at
 * the same idle CPU; 1.3 × took another 3 MB off the demo's main gateway, CPU under the standard load
 * unchanged within the noise (docs/benchmarks.md, "Fourth round").
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
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--heap-growing-percent=30', '--single-threaded', '--no-sparkplug'];
