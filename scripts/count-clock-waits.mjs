#!/usr/bin/env node
// Counts the test files that sleep on real time (issue 58: tests on a clock you control), and prints each file
// with its lines. Usage: node scripts/count-clock-waits.mjs [--quiet]
//
// The rule. Every `*.test.ts` under the repository (node_modules and dist skipped) is read line by line, comments
// skipped; a line is a real-time sleep when it
//   1. passes a promise's resolver straight to a timer with a delay other than a literal 0:
//      `new Promise((r) => setTimeout(r, 100))`, `setTimeout(resolve, ms)` (a `0` delay only yields a turn of the
//      event loop, which is not time);
//   2. resolves a promise from a timer callback: `setTimeout(() => r('running'), 3000)` (a race whose timer side is
//      the expected winner waits out the time);
//   3. awaits a sleep helper: `await sleep(`, `await delay(`, `await wait(`, `await pause(`;
//   4. imports `setTimeout` (or `scheduler.wait`) from `node:timers/promises`.
// `setTimeout` here is the global one (bare or `globalThis.setTimeout`): a method of another object, such as an
// injected clock's `clock.setTimeout(…)` on a ManualClock, moves only when the test moves it, and is not counted.
// Not counted: timers that reject or abort (a deadline guard around an event: it only fires when the test fails
// anyway), fake clocks (`clock.advance(…)`, `vi.advanceTimersByTime`), and poll-until helpers such as
// `waitFor(cond, deadlineMs)` that return as soon as the awaited event is seen (their inner sleep lives in
// test-support, not in the test file). A file counts once however many lines match.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'dist', '.git']);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) yield* walk(p);
    else if (name.endsWith('.test.ts')) yield p;
  }
}

const RESOLVER = String.raw`(?:r|res|resolve|done|ok)`;
// The global setTimeout: bare, or through globalThis; not another object's method (an injected clock's).
const GLOBAL_TIMEOUT = String.raw`(?:(?<!\.)|(?<=globalThis\.))\bsetTimeout\(`;
const rules = [
  // 1. setTimeout(r, delay) with delay not a literal 0
  new RegExp(String.raw`${GLOBAL_TIMEOUT}\s*${RESOLVER}\s*,(?!\s*0\s*\))`),
  // 2. setTimeout(() => r(...), delay)
  new RegExp(String.raw`${GLOBAL_TIMEOUT}\s*\(\)\s*=>\s*\{?\s*${RESOLVER}\(`),
  // 3. await sleep(…) and friends
  /\bawait\s+(?:sleep|delay|wait|pause)\(/,
  // 4. the promise timers of Node.js
  /from\s+['"](?:node:)?timers\/promises['"]/,
];

const hits = [];
for (const file of walk(root)) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const matched = [];
  let inBlock = false;
  lines.forEach((line, i) => {
    let code = line;
    if (inBlock) {
      const end = code.indexOf('*/');
      if (end < 0) return;
      code = code.slice(end + 2);
      inBlock = false;
    }
    const start = code.indexOf('/*');
    if (start >= 0 && code.indexOf('*/', start) < 0) { inBlock = true; code = code.slice(0, start); }
    if (/^\s*\/\//.test(code)) return;
    if (rules.some((re) => re.test(code))) matched.push({ line: i + 1, text: line.trim() });
  });
  if (matched.length) hits.push({ file: relative(root, file), matched });
}
hits.sort((a, b) => a.file.localeCompare(b.file));
const quiet = process.argv.includes('--quiet');
let total = 0;
for (const h of hits) {
  total += h.matched.length;
  if (quiet) continue;
  console.log(`${h.file} (${h.matched.length})`);
  for (const m of h.matched) console.log(`  ${m.line}: ${m.text}`);
}
console.log(`${hits.length} test files sleep on real time (${total} lines)`);
