// ROS domains (and so RTPS ports) for tests. Each test file owns fixed offsets; the run adds a
// base from MEDKIT_TEST_DOMAIN_BASE so two suites on one machine can be moved apart.
// Valid domain ids end at 232 (the port formula leaves the 16-bit range past it).

const MAX_DOMAIN = 232;

/** The run's domain base (0 when unset). A malformed value is an error, not a silent 0. */
export function domainBase(): number {
  const raw = process.env.MEDKIT_TEST_DOMAIN_BASE;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > MAX_DOMAIN) throw new Error(`MEDKIT_TEST_DOMAIN_BASE must be an integer 0..${MAX_DOMAIN}, got '${raw}'`);
  return n;
}

/** The ROS domain for a test's own `offset` in this run (wraps inside 0..232). */
export function testDomain(offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_DOMAIN) throw new Error(`test domain offset must be 0..${MAX_DOMAIN}, got ${offset}`);
  return (domainBase() + offset) % (MAX_DOMAIN + 1);
}
