// Shared set-up for the end-to-end tests: configuration from the environment and a
// headless Debian Chromium driven by playwright-core (which never downloads a browser).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, it } from 'node:test';
import { chromium } from 'playwright-core';

const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {string} name
 * @returns {string}
 */
function requireEnv(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set. The end-to-end tests need E2E_BASE_URL (where the API serves the built SPA), ` +
        'E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD; they are never skipped.',
    );
  }
  return value;
}

export const config = {
  baseUrl: requireEnv('E2E_BASE_URL').replace(/\/+$/, ''),
  adminEmail: requireEnv('E2E_ADMIN_EMAIL'),
  adminPassword: requireEnv('E2E_ADMIN_PASSWORD'),
  artifactsDir: path.resolve(frontendDir, process.env.E2E_ARTIFACTS ?? '../artifacts/e2e'),
  chromiumPath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  /** The accounting port of the FreeRADIUS that scripts/e2e.sh runs on the server's database. */
  radiusAcctPort: requireEnv('E2E_RADIUS_ACCT_PORT'),
};

mkdirSync(config.artifactsDir, { recursive: true });

export const REFRESH_TOKEN_KEY = 'ispbill.refresh';

/** @returns {Promise<import('playwright-core').Browser>} */
export function launchBrowser() {
  // playwright gives the browser a fresh temporary profile (--user-data-dir) of its own.
  return chromium.launch({
    executablePath: config.chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh browser context (no cookies, no storage) and page, with the browser's console
 * errors collected so a test can assert there were none.
 * @param {import('playwright-core').Browser} browser
 */
export async function newPage(browser) {
  const context = await browser.newContext({ baseURL: config.baseUrl, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  /** @type {string[]} */
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

/**
 * Saves a screenshot named after the test when it failed, for whoever reads the CI log.
 * @param {import('playwright-core').Page} page
 * @param {string} testName
 */
export async function screenshotOnFailure(page, testName) {
  const file = path.join(config.artifactsDir, `failed-${testName.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  return file;
}

/** @typedef {Awaited<ReturnType<typeof newPage>>} Session */

/**
 * Sets up one browser for the test file and a fresh context (no cookies, no storage) per
 * test, and returns `e2e(name, body)`: a test that leaves a screenshot of the page in the
 * artifacts folder when it fails.
 */
export function useBrowser() {
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  /** @type {Session | undefined} */
  let session;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('the browser did not start');
    session = await newPage(browser);
  });
  afterEach(async () => {
    await session?.context.close();
  });

  /**
   * @param {string} name
   * @param {(session: Session) => Promise<void>} body
   */
  return function e2e(name, body) {
    it(name, async () => {
      if (!session) throw new Error('no browser session');
      try {
        await body(session);
      } catch (error) {
        const file = await screenshotOnFailure(session.page, name);
        console.error(`screenshot of the failure: ${file}`);
        throw error;
      }
    });
  };
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} email
 * @param {string} password
 */
export async function submitLogin(page, email, password) {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Signs in as the e2e admin and waits for the dashboard.
 * @param {import('playwright-core').Page} page
 */
export async function signInAsAdmin(page) {
  await page.goto('/login');
  await submitLogin(page, config.adminEmail, config.adminPassword);
  await page.getByRole('heading', { name: /^Welcome, / }).waitFor();
}
