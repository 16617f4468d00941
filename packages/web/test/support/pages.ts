// Opening UI pages in the test browser with every console error and uncaught exception recorded,
// and the tree row locator the browser tests share.
import type { Page } from 'playwright-core';
import type { Browser } from './browser.js';

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far, in order. */
  errors: string[];
}

/** Opens `url` in a new tab of `browser`, recording console errors and page errors. */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  await page.goto(url);
  return { page, errors };
}

/** The tree row whose label is exactly `name`. */
export function treeItem(page: Page, name: string) {
  return page.locator('[role="treeitem"]', { has: page.locator('.tree-label', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) }).first();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Pages a test file opens, closed after each test with the errors they logged. */
export interface PageTracker {
  open(url: string): Promise<Page>;
  /** Closes every page opened since the last call; returns their errors. */
  closeAll(): Promise<string[]>;
}

export function trackPages(browser: () => Browser): PageTracker {
  const opened: OpenedPage[] = [];
  return {
    async open(url) {
      const p = await openPage(browser(), url);
      opened.push(p);
      return p.page;
    },
    async closeAll() {
      const pages = opened.splice(0);
      for (const p of pages) await p.page.close();
      return pages.flatMap((p) => p.errors);
    },
  };
}
