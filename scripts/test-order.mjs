// Where the whole suite's packaging work happens (scripts/test.mjs, vitest.config.ts). The packaging tests
// (test/packaging/) check artefacts that take minutes of mostly single-threaded work to build (two native trees,
// xz-compressed packages, two images). Built from inside a test file, that work held one of the two workers while
// every other packaging file's worker sat waiting on the packager's lock (CI: 4 files × 5–9 min of waiting). So a
// whole-suite run starts the packager once in the background at low priority, where it soaks up the CPU the tests
// leave idle, and the packaging files run last, when their artefacts are built (or nearly: they wait on the same
// lock and find the steps up to date).

/** Test files (path prefixes from the repository root) the sequencer runs after the others of their pass. */
export const RUN_LAST = ['test/packaging/'];

/**
 * The order of the RUN_LAST files, longest first (the rest after them): they are the run's tail on two workers, and
 * on a clean clone vitest has no durations of an earlier run to sort by, so the arm64 file (27 s) went last, alone
 * (a CI-like run of 2026-11-30: 97 s of tail for 130 s of work; longest first packs it in about 65).
 */
export const RUN_LAST_LONGEST_FIRST = ['test/packaging/deb.test.ts', 'test/packaging/npm.test.ts', 'test/packaging/arm64.test.ts', 'test/packaging/oci.test.ts', 'test/packaging/tarball.test.ts', 'test/packaging/build-root.test.ts'];

/**
 * `files` in RUN_LAST_LONGEST_FIRST's order, those it does not name after them in their order; `pathOf` gives a file's
 * repository-relative path (the files themselves by default).
 */
export function lastFilesOrder(files, pathOf = (f) => f) {
  const rank = (f) => {
    const i = RUN_LAST_LONGEST_FIRST.indexOf(pathOf(f));
    return i < 0 ? RUN_LAST_LONGEST_FIRST.length : i;
  };
  // Array.prototype.sort is stable: files of equal rank keep their order.
  return [...files].sort((a, b) => rank(a) - rank(b));
}

/** The nice(1) level of the background packager: below the tests, whose timing matters. */
export const PREBUILD_NICE = 15;

/**
 * The packager's nice level for this run: MEDKIT_TEST_PREBUILD_NICE (an integer 0..19) or PREBUILD_NICE. A run beside
 * busy loops (scripts/test-under-load.mjs) leaves no idle CPU for a low-priority packager to soak up: at 15 it was
 * starved for most of an hour and the packaging tests' wait for their artefacts ran out, so that run asks for 0.
 * @param {string | undefined} value
 * @returns {number}
 */
export function prebuildNice(value) {
  if (value === undefined || value === '') return PREBUILD_NICE;
  const n = Number(value);
  if (!/^\d{1,2}$/.test(value) || n > 19) throw new Error(`MEDKIT_TEST_PREBUILD_NICE must be an integer 0..19, not '${value.slice(0, 40)}'`);
  return n;
}

/** Most extra tries a failed test gets (MEDKIT_TEST_RETRY): more would hide a test that fails often. */
export const MAX_TEST_RETRY = 3;

/**
 * How many more times a failed test is tried: MEDKIT_TEST_RETRY (an integer 0..3), else once more in a whole-suite
 * run and not at all in a run given files. Anything else stops the suite before it starts (a misspelt value read as
 * 0 would silently turn the retries off).
 * @param {string | undefined} value
 * @param {boolean} givenFiles
 * @returns {number}
 */
export function testRetries(value, givenFiles) {
  if (value === undefined || value === '') return givenFiles ? 0 : 1;
  if (!/^\d$/.test(value) || Number(value) > MAX_TEST_RETRY) throw new Error(`MEDKIT_TEST_RETRY must be an integer 0..${MAX_TEST_RETRY}, not '${value.slice(0, 40)}'`);
  return Number(value);
}
