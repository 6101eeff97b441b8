// End-to-end: the built SPA served by the real API, driven through a real browser.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { config, REFRESH_TOKEN_KEY, submitLogin, useBrowser } from './support.js';

/** @typedef {import('../src/lib/api/schema').components['schemas']} Schemas */

const e2e = useBrowser();

/**
 * @param {import('playwright-core').Response} response
 * @returns {Promise<unknown>}
 */
const readJson = (response) => response.json();

/** @param {import('playwright-core').Page} page */
const readRefreshToken = (page) => page.evaluate((key) => window.localStorage.getItem(key), REFRESH_TOKEN_KEY);

describe('authentication', () => {
  e2e("shows the API's error message for a wrong password", async ({ page, pageErrors }) => {
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.request().method() === 'POST'),
      submitLogin(page, config.adminEmail, `${config.adminPassword}-wrong`),
    ]);

    assert.equal(response.status(), 401, 'the API must refuse a wrong password with 401');
    assert.match(response.headers()['content-type'] ?? '', /application\/problem\+json/);
    const problem = /** @type {Schemas['Problem']} */ (await readJson(response));
    assert.equal(typeof problem.detail, 'string');
    assert.ok(problem.detail.length > 0, 'the problem document must have a detail');

    const alert = page.getByRole('alert');
    await alert.waitFor();
    // The UI starts the API's (lower-case) detail with a capital letter.
    assert.ok(
      (await alert.innerText()).toLowerCase().includes(problem.detail.toLowerCase()),
      'the page must show the problem detail',
    );
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await readRefreshToken(page), null, 'no session after a failed login');
    assert.deepEqual(pageErrors, []);
  });

  e2e('logs in, navigates, survives a reload and logs out', async ({ page, pageErrors }) => {
    // A protected page sends a signed-out visitor to the login page.
    await page.goto('/customers');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');

    const [meResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/me') && r.status() === 200),
      submitLogin(page, config.adminEmail, config.adminPassword),
    ]);
    const me = /** @type {Schemas['Me']} */ (await readJson(meResponse));
    assert.equal(me.role, 'admin', 'E2E_ADMIN_EMAIL must be an admin');

    // After signing in, the page asked for comes back (the login page remembered it).
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/customers');
    await page.getByRole('table', { name: 'Customers' }).waitFor();

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: `Welcome, ${me.name}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.getByTestId('current-user-name').innerText(), me.name);
    assert.equal((await page.getByTestId('current-user-role').innerText()).toLowerCase(), me.role);

    const screenshot = path.join(config.artifactsDir, 'login-dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(existsSync(screenshot) && statSync(screenshot).size > 10_000, 'the screenshot was written');

    // Navigate through the menu, including the admin group.
    await nav.getByRole('link', { name: 'Payments' }).click();
    await page.getByRole('heading', { name: 'Payments', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/payments');

    const [usersResponse] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/users' && r.status() === 200),
      nav.getByRole('link', { name: 'Users' }).click(),
    ]);
    const usersPage = /** @type {Schemas['UserPage']} */ (await readJson(usersResponse));
    const firstUser = usersPage.items[0];
    assert.ok(firstUser, 'the users list is never empty: it holds the admin at least');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/users');
    const usersTable = page.getByRole('table', { name: 'Users' });
    await usersTable.getByRole('cell', { name: firstUser.email, exact: true }).waitFor();
    assert.equal(await usersTable.locator('tbody tr').count(), usersPage.items.length, 'one row per user');

    // A reload loses the in-memory access token; the stored refresh token gets a new one.
    const refreshTokenBeforeReload = await readRefreshToken(page);
    assert.ok(refreshTokenBeforeReload, 'a refresh token is stored after login');
    const [refreshResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh')),
      page.reload(),
    ]);
    assert.equal(refreshResponse.status(), 200, 'the reload refreshed the session');
    await usersTable.getByRole('cell', { name: firstUser.email, exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/users');
    assert.equal(await page.getByTestId('current-user-name').innerText(), me.name);
    const refreshTokenAfterReload = await readRefreshToken(page);
    assert.ok(refreshTokenAfterReload, 'still signed in after the reload');
    assert.notEqual(refreshTokenAfterReload, refreshTokenBeforeReload, 'the refresh token rotated');

    // Log out: back on the login page, and the refresh token is dead on the server too.
    const [logoutResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout')),
      page.getByRole('button', { name: 'Log out' }).click(),
    ]);
    assert.equal(logoutResponse.status(), 204);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await readRefreshToken(page), null);

    const reuse = await fetch(`${config.baseUrl}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshTokenAfterReload }),
    });
    assert.equal(reuse.status, 401, 'a logged-out refresh token must be refused');

    // And a reload now stays on the login page.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  e2e('shows a 404 page for an unknown address', async ({ page }) => {
    const response = await page.goto('/no/such/page');
    assert.equal(response?.status(), 200, 'the API serves the SPA for unknown non-API paths');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });
});
