// End-to-end: an agent's lead story against the real API — capture a lead, add a note,
// convert it into a customer with a draft order, and land on the customer's page.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe } from 'node:test';
import { config, signInAsAdmin, useBrowser } from './support.js';

/** @typedef {import('../src/lib/api/schema').components['schemas']} Schemas */

const e2e = useBrowser();

/** Unique per run, so the test finds its own records among the demo data. */
const run = `${Date.now().toString(36)}${process.pid}`;
const prospect = { name: `E2E Prospect ${run}`, email: `e2e-lead-${run}@example.net` };

/**
 * @param {import('playwright-core').Page} page
 * @param {string} pathname
 * @param {string} method
 */
const apiResponse = (page, pathname, method) =>
  page.waitForResponse((r) => new URL(r.url()).pathname === pathname && r.request().method() === method);

/**
 * @param {import('playwright-core').Response} response
 * @returns {Promise<unknown>}
 */
const readJson = (response) => response.json();

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screenshot(page, name) {
  await page.screenshot({ path: path.join(config.artifactsDir, name), fullPage: true });
}

describe('leads', () => {
  e2e('captures a lead, adds a note and converts it into a customer', async ({ page, pageErrors }) => {
    await signInAsAdmin(page);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Leads', exact: true }).click();
    await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Leads' }).waitFor();

    // Capture the lead.
    await page.getByRole('button', { name: 'New lead' }).click();
    const form = page.getByRole('dialog', { name: 'New lead' });
    await form.getByRole('textbox', { name: 'Name' }).fill(prospect.name);
    await form.getByRole('textbox', { name: 'Email' }).fill(prospect.email);
    await form.getByRole('textbox', { name: 'Phone' }).fill('(555) 017-0001');
    await form.getByRole('textbox', { name: 'Street' }).fill('901 Juniper Court');
    await form.getByRole('textbox', { name: 'City' }).fill('Springfield');
    await form.getByRole('textbox', { name: 'Postal code' }).fill('62711');
    await screenshot(page, 'leads-new.png');
    const [created] = await Promise.all([
      apiResponse(page, '/api/v1/leads', 'POST'),
      form.getByRole('button', { name: 'Create lead' }).click(),
    ]);
    assert.equal(created.status(), 201);
    const lead = /** @type {Schemas['Lead']} */ (await readJson(created));
    assert.equal(lead.phone, '+15550170001', 'the phone is stored in E.164');
    await page.waitForURL(`**/leads/${lead.id}`);
    await page.getByRole('heading', { name: prospect.name, level: 1 }).waitFor();

    // Add a note.
    const note = page.getByRole('form', { name: 'Add a note' });
    await note.getByRole('textbox', { name: 'Note' }).fill('Called back: wants fiber, ready to sign');
    const [noted] = await Promise.all([
      apiResponse(page, `/api/v1/leads/${lead.id}/interactions`, 'POST'),
      note.getByRole('button', { name: 'Add note' }).click(),
    ]);
    assert.equal(noted.status(), 201);
    await page.getByTestId('lead-note').filter({ hasText: 'ready to sign' }).waitFor();

    // Convert it, with a draft order.
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Convert to customer' });
    await dialog.getByRole('checkbox', { name: 'Open a draft order' }).waitFor();
    await screenshot(page, 'leads-convert.png');
    const [converted] = await Promise.all([
      apiResponse(page, `/api/v1/leads/${lead.id}/convert`, 'POST'),
      dialog.getByRole('button', { name: 'Convert to customer' }).click(),
    ]);
    assert.equal(converted.status(), 201);
    const result = /** @type {Schemas['ConversionResult']} */ (await readJson(converted));
    assert.equal(result.customer.email, prospect.email);
    assert.ok(result.order_id !== null && result.order_id !== undefined, 'a draft order was opened');
    assert.deepEqual(
      result.customer.addresses.map((a) => a.kind),
      ['service', 'billing'],
      "the lead's address became the service and billing address",
    );

    await page.waitForURL(`**/customers/${result.customer.id}`);
    await page.getByText(result.customer.account_number).first().waitFor();
    await screenshot(page, 'leads-converted-customer.png');

    // The lead is won and points at its customer.
    await page.goto(`/leads/${lead.id}`);
    await page.getByText('it is read-only').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Convert', exact: true }).count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
