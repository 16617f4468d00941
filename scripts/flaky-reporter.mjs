// A vitest reporter that writes down each test that failed and then passed when run again (vitest's `retry`), with
// what its failed try said, one JSON line each, to the file MEDKIT_FLAKY_FILE names. scripts/test.mjs prints them
// at the end of a whole-suite run: a test that needs a second try is a finding to look into, never a silent pass.
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';

export default class FlakyReporter {
  #root = process.cwd();

  onInit(vitest) {
    this.#root = vitest.config.root;
  }

  onTestCaseResult(testCase) {
    const file = process.env.MEDKIT_FLAKY_FILE;
    const d = testCase.diagnostic();
    if (!file || !d?.flaky || testCase.result().state !== 'passed') return;
    const errors = (testCase.result().errors ?? []).map((e) => String(e.message ?? e).split('\n')[0].slice(0, 300));
    const line = { file: relative(this.#root, testCase.module.moduleId), test: testCase.fullName, tries: d.retryCount + 1, errors };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }
}
