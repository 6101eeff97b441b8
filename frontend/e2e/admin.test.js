// End-to-end: the admin pages (users, API clients, audit log) against the real API.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe } from 'node:test';
import { config, signInAsAdmin, useBrowser } from './support.js';

/** @typedef {import('../src/lib/api/schema').components['schemas']} Schemas */

const e2e = useBrowser();

/** Unique per run, so the tests can find their own records among the demo data. */
const run = `${Date.now().toString(36)}${process.pid}`;
const newUser = { email: `e2e-user-${run}@ispbill.local`, name: `E2E Finance ${run}`, password: `e2e-password-${run}` };
const newClientName = `E2E integration ${run}`;

/** What the first tests created, for the audit log test to find. */
const createdIds = { user: /** @type {number | null} */ (null), apiClient: /** @type {number | null} */ (null) };

/**
 * @param {import('playwright-core').Response} response
 * @returns {Promise<unknown>}
 */
const readJson = (response) => response.json();

/**
 * @param {import('playwright-core').Page} page
 * @param {string} pathname
 * @param {string} method
 */
const apiResponse = (page, pathname, method) =>
  page.waitForResponse((r) => new URL(r.url()).pathname === pathname && r.request().method() === method);

/**
 * The status of a client-credentials grant with these credentials.
 * @param {string} clientId
 * @param {string} clientSecret
 */
async function tokenStatus(clientId, clientSecret) {
  const response = await fetch(`${config.baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  return response.status;
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
async function openAdminPage(page, label) {
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { name: label, level: 1 }).waitFor();
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screenshot(page, name) {
  await page.screenshot({ path: path.join(config.artifactsDir, name), fullPage: true });
}

describe('admin pages', () => {
  e2e('creates a user through the form and shows it in the table', async ({ page, pageErrors }) => {
    await signInAsAdmin(page);
    await openAdminPage(page, 'Users');
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('cell', { name: config.adminEmail, exact: true }).waitFor();

    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByRole('textbox', { name: 'Email' }).fill(newUser.email);
    await dialog.getByRole('textbox', { name: 'Name' }).fill(newUser.name);
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Finance' }).click();
    // The form checks the password's length before asking the API.
    await dialog.getByRole('textbox', { name: 'Password' }).fill('too short');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText('Use at least 12 characters').waitFor();
    await screenshot(page, 'admin-user-form.png');
    await dialog.getByRole('textbox', { name: 'Password' }).fill(newUser.password);

    const [response] = await Promise.all([
      apiResponse(page, '/api/v1/users', 'POST'),
      dialog.getByRole('button', { name: 'Create user' }).click(),
    ]);
    assert.equal(response.status(), 201);
    assert.match(response.request().headers()['idempotency-key'] ?? '', /^[0-9a-f-]{36}$/, 'sent an Idempotency-Key');
    const user = /** @type {Schemas['User']} */ (await readJson(response));
    assert.equal(user.email, newUser.email);
    assert.equal(user.role, 'finance');
    createdIds.user = user.id;

    await dialog.waitFor({ state: 'hidden' });
    const row = table.getByRole('row').filter({ hasText: newUser.email });
    await row.waitFor();
    assert.match(await row.innerText(), /Finance/);
    await page.getByText(`${newUser.name} (${newUser.email}) can now sign in.`).waitFor();
    await screenshot(page, 'admin-users.png');

    // The new user can sign in with the password the form set.
    const login = await fetch(`${config.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: newUser.email, password: newUser.password }),
    });
    assert.equal(login.status, 200, 'the created user can sign in');
    assert.deepEqual(pageErrors, []);
  });

  e2e('creates an API client and shows its secret once', async ({ page, pageErrors }) => {
    await signInAsAdmin(page);
    await openAdminPage(page, 'API clients');
    await page.getByRole('table', { name: 'API clients' }).waitFor();

    await page.getByRole('button', { name: 'New client' }).click();
    const form = page.getByRole('dialog', { name: 'New API client' });
    await form.getByRole('textbox', { name: 'Name' }).fill(newClientName);
    const scopes = form.getByRole('combobox', { name: 'Scopes' });
    await scopes.click();
    await page.getByRole('option', { name: 'customers:read' }).click();
    await page.getByRole('option', { name: 'leads:write' }).click();
    // Close the dropdown before reaching for the button under it.
    await form.getByRole('heading', { name: 'New API client' }).click();
    await screenshot(page, 'admin-api-client-form.png');

    const [response] = await Promise.all([
      apiResponse(page, '/api/v1/api-clients', 'POST'),
      form.getByRole('button', { name: 'Create client' }).click(),
    ]);
    assert.equal(response.status(), 201);
    const created = /** @type {Schemas['ApiClientWithSecret']} */ (await readJson(response));
    assert.deepEqual([...created.scopes].sort(), ['customers:read', 'leads:write']);
    createdIds.apiClient = created.id;

    const secretDialog = page.getByRole('dialog', { name: `API client "${newClientName}" created` });
    const secret = (await secretDialog.getByTestId('client-secret').innerText()).trim();
    assert.equal(secret, created.client_secret, 'the modal shows the secret the API issued');
    assert.equal((await secretDialog.getByTestId('client-id').innerText()).trim(), created.client_id);
    await secretDialog.getByText('it cannot be shown again').waitFor();
    await screenshot(page, 'admin-api-client-secret.png');

    // The secret from the modal works for the client-credentials grant.
    assert.equal(await tokenStatus(created.client_id, secret), 200, 'the secret shown in the modal is accepted');

    await secretDialog.getByRole('button', { name: 'I have stored the secret' }).click();
    await secretDialog.waitFor({ state: 'hidden' });
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page once closed');
    const stored = await page.evaluate(() => JSON.stringify(Object.entries(window.localStorage)));
    assert.ok(!stored.includes(secret), 'the secret is never stored');

    const row = page.getByRole('table', { name: 'API clients' }).getByRole('row').filter({ hasText: newClientName });
    await row.waitFor();
    assert.match(await row.innerText(), /customers:read/);
    assert.match(await row.innerText(), new RegExp(created.client_id));

    // Rotating asks first, then shows the new secret once; the old one stops working.
    await row.getByRole('button', { name: `Actions for ${newClientName}` }).click();
    await page.getByRole('menuitem', { name: 'Rotate secret' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate the secret?' });
    const [rotated] = await Promise.all([
      apiResponse(page, `/api/v1/api-clients/${created.id}/rotate-secret`, 'POST'),
      confirm.getByRole('button', { name: 'Rotate secret' }).click(),
    ]);
    assert.equal(rotated.status(), 200);
    const rotatedDialog = page.getByRole('dialog', { name: `New secret for "${newClientName}"` });
    const newSecret = (await rotatedDialog.getByTestId('client-secret').innerText()).trim();
    assert.notEqual(newSecret, secret);
    assert.equal(await tokenStatus(created.client_id, secret), 401, 'the old secret is refused after rotation');
    assert.equal(await tokenStatus(created.client_id, newSecret), 200, 'the new secret works');
    await rotatedDialog.getByRole('button', { name: 'I have stored the secret' }).click();
    await rotatedDialog.waitFor({ state: 'hidden' });
    assert.ok(!(await page.content()).includes(newSecret), 'the new secret is gone from the page once closed');
    await confirm.waitFor({ state: 'hidden' });
    await page.getByText('has a new secret; the old one no longer works.').waitFor();

    await screenshot(page, 'admin-api-clients.png');
    assert.deepEqual(pageErrors, []);
  });

  e2e('finds both creations in the audit log, with their changes', async ({ page, pageErrors }) => {
    assert.ok(createdIds.user !== null && createdIds.apiClient !== null, 'the earlier tests created a user and a client');
    await signInAsAdmin(page);
    const [response] = await Promise.all([
      apiResponse(page, '/api/v1/audit-log', 'GET'),
      openAdminPage(page, 'Audit log'),
    ]);
    assert.equal(response.status(), 200);
    const table = page.getByRole('table', { name: 'Audit log' });

    const userRow = table.getByTestId('audit-entry').filter({ hasText: 'user.created' }).filter({ hasText: `#${createdIds.user}` });
    const clientRow = table
      .getByTestId('audit-entry')
      .filter({ hasText: 'api_client.created' })
      .filter({ hasText: `#${createdIds.apiClient}` });
    await userRow.waitFor();
    await clientRow.waitFor();

    // Expanding an entry shows what it recorded.
    await userRow.click();
    const after = table.getByLabel('After (JSON)');
    await after.waitFor();
    assert.match(await after.innerText(), new RegExp(newUser.email.replace(/[.]/g, '\\.')));
    await table.getByText('Nothing: this change created it.').waitFor();
    await screenshot(page, 'admin-audit-log.png');

    // Filters go into the URL and narrow the list.
    const filters = page.getByRole('form', { name: 'Filter the audit log' });
    await filters.getByRole('combobox', { name: 'Action' }).fill('api_client.created');
    await filters.getByRole('textbox', { name: 'Entity ID' }).fill(String(createdIds.apiClient));
    const [filtered] = await Promise.all([
      apiResponse(page, '/api/v1/audit-log', 'GET'),
      filters.getByRole('button', { name: 'Apply filters' }).click(),
    ]);
    const query = new URL(filtered.url()).searchParams;
    assert.equal(query.get('action'), 'api_client.created');
    assert.equal(query.get('entity_id'), String(createdIds.apiClient));
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('action'), 'api_client.created');
    assert.equal(url.searchParams.get('entity_id'), String(createdIds.apiClient));
    await clientRow.waitFor();
    assert.equal(await table.getByTestId('audit-entry').count(), 1, 'only the matching entry is listed');
    assert.deepEqual(pageErrors, []);
  });
});
