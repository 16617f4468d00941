// The Node.js options the `medkit` command runs with. bin/medkit.js carries them on its `#!` line (so `medkit`
// on PATH, npm's bin link and a systemd ExecStart get them); launchers that start the script with
// `node bin/medkit.js` (the demo, the benchmarks) pass them on the command line. A test keeps the two equal.

/**
 * `--max-semi-space-size=2` caps each of V8's young-generation semi-spaces at 2 MB. Node's default lets them
 * grow to 16 MB under a steady allocation rate (RTPS traffic, SSE), and the pages stay committed: on the
 * Nav2-sized graph the gateway held about 35 MB more private memory with the default, for no measurable CPU
 * gain at the standard load (docs/benchmarks.md, "Footprint"). Short-lived objects are still collected young;
 * only the scavenges are more frequent and smaller.
 */
/**
 * `--heap-growing-percent=50` lets the old generation grow to 1.5 × what the last full collection kept
 * before the next one. V8's own factor reaches 4 × on a heap that collects quickly, so with a large ROS
 * graph (500 nodes) garbage filled more than half of the heap: 133 MB private memory, 70 MB with this,
 * at the same idle CPU.
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=50'];
