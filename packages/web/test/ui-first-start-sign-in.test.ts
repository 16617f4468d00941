// The web UI's sign-in with the credentials a gateway makes on its first start (issue 68, docs/security.md
// "First-start credentials"): the real `medkit gateway` (loopback, auth.credentials_file) serves its bundled UI; in
// Debian's chromium, Sign in with `admin` and the secret it printed once shows the admin role.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { buildGateway, cliScratch, freePort, printedAdminSecret, runMedkit } from '../../../test-support/medkit-cli.js';
import { launchChromium, type Browser } from './support/browser.js';
import { openPage } from './support/pages.js';

const { tmp, track } = cliScratch('medkit-ui-first-start-');

describeWith(CHROMIUM, 'web UI sign-in with first-start credentials', () => {
  let browser: Browser;
  beforeAll(async () => {
    buildGateway();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in as admin with the secret the gateway printed on its first start', async () => {
    const port = await freePort();
    const p = track(runMedkit(['gateway', '--no-ros', '--data-dir', tmp(), '--port', String(port), '--set', 'auth.enabled=true', '--set', 'auth.credentials_file=credentials.yaml'], { MEDKIT_LOG_LEVEL: 'warn' }));
    await p.waitFor(/medkit gateway ready/, 60_000);
    const secret = printedAdminSecret(p.stderr());
    expect(secret, p.stderr()).toBeDefined();
    const { page, errors } = await openPage(browser, `http://127.0.0.1:${port}/`);
    await page.getByTestId('sign-in').click();
    await page.locator('#login-client-id').fill('admin');
    await page.locator('#login-secret').fill(secret!);
    await page.getByTestId('login-form').locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('auth-role').textContent()).toBe('admin · role: admin');
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('Connected');
    expect(errors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
    await page.close();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 120_000);
});
