// Where the whole suite's packaging work happens (scripts/test.mjs, vitest.config.ts). The packaging tests
// (test/packaging/) check artefacts that take minutes of mostly single-threaded work to build (two native trees,
// xz-compressed packages, two images). Built from inside a test file, that work held one of the two workers while
// every other packaging file's worker sat waiting on the packager's lock (CI: 4 files × 5–9 min of waiting). So a
// whole-suite run starts the packager once in the background at low priority, where it soaks up the CPU the tests
// leave idle, and the packaging files run last, when their artefacts are built (or nearly: they wait on the same
// lock and find the steps up to date).

/** Test files (path prefixes from the repository root) the sequencer runs after the others of their pass. */
export const RUN_LAST = ['test/packaging/'];

/** The nice(1) level of the background packager: below the tests, whose timing matters. */
export const PREBUILD_NICE = 15;
