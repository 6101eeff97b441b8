// End-to-end: the whole front half of the lifecycle as two people do it. An agent captures
// a lead, converts it into a customer with a draft order, builds and submits the order,
// which needs a manager; the agent cannot approve it; a manager approves it from the queue;
// the customer's 360° page shows the service it became and the story on its timeline.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe } from 'node:test';
import { config, submitLogin, useBrowser } from './support.js';

/** @typedef {import('../src/lib/api/schema').components['schemas']} Schemas */

const e2e = useBrowser();
const run = `${Date.now().toString(36)}${process.pid}`;

/**
 * @param {{ json(): Promise<unknown> }} response
 * @returns {Promise<unknown>}
 */
const readJson = (response) => response.json();

/**
 * Creates a staff user through the API as the e2e admin (set-up, not what is checked).
 * @param {'agent' | 'manager'} role
 */
async function staffUser(role) {
  const login = await fetch(`${config.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: config.adminEmail, password: config.adminPassword }),
  });
  assert.equal(login.status, 200);
  const { access_token: token } = /** @type {{ access_token: string }} */ (await readJson(login));
  const user = { email: `e2e-${role}-${run}@isp.test`, name: `E2E ${role} ${run}`, role, password: 'a-long-enough-password' };
  const created = await fetch(`${config.baseUrl}/api/v1/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(user),
  });
  assert.equal(created.status, 201, `the ${role} is created`);
  return user;
}

/**
 * @param {import('playwright-core').Page} page
 * @param {{ email: string; password: string }} user
 */
async function signIn(page, user) {
  await page.goto('/login');
  await submitLogin(page, user.email, user.password);
  await page.getByRole('heading', { name: /^Welcome, / }).waitFor();
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} pathname
 * @param {string} method
 */
const apiResponse = (page, pathname, method) =>
  page.waitForResponse((r) => new URL(r.url()).pathname === pathname && r.request().method() === method);

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screenshot(page, name) {
  await page.screenshot({ path: path.join(config.artifactsDir, name), fullPage: true });
}

describe('lead to approved order', () => {
  e2e('an agent takes a lead to an order, a manager approves it, and the 360° page shows it all', async ({
    page,
    pageErrors,
  }) => {
    const agent = await staffUser('agent');
    const manager = await staffUser('manager');
    const prospect = { name: `Story Prospect ${run}`, email: `story-${run}@example.net` };

    // The agent captures the lead.
    await signIn(page, agent);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Leads', exact: true }).click();
    await page.getByRole('button', { name: 'New lead' }).click();
    const form = page.getByRole('dialog', { name: 'New lead' });
    await form.getByRole('textbox', { name: 'Name' }).fill(prospect.name);
    await form.getByRole('textbox', { name: 'Email' }).fill(prospect.email);
    await form.getByRole('textbox', { name: 'Phone' }).fill('(555) 018-0002');
    await form.getByRole('textbox', { name: 'Street' }).fill('77 Story Lane');
    await form.getByRole('textbox', { name: 'City' }).fill('Springfield');
    await form.getByRole('textbox', { name: 'Postal code' }).fill('62712');
    const [created] = await Promise.all([
      apiResponse(page, '/api/v1/leads', 'POST'),
      form.getByRole('button', { name: 'Create lead' }).click(),
    ]);
    assert.equal(created.status(), 201);
    const lead = /** @type {Schemas['Lead']} */ (await readJson(created));

    // ... converts it, with a draft order, and lands on the customer's 360° page.
    await page.waitForURL(`**/leads/${lead.id}`);
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    const convert = page.getByRole('dialog', { name: 'Convert to customer' });
    await convert.getByRole('checkbox', { name: 'Open a draft order' }).waitFor();
    const [converted] = await Promise.all([
      apiResponse(page, `/api/v1/leads/${lead.id}/convert`, 'POST'),
      convert.getByRole('button', { name: 'Convert to customer' }).click(),
    ]);
    assert.equal(converted.status(), 201);
    const result = /** @type {Schemas['ConversionResult']} */ (await readJson(converted));
    await page.waitForURL(`**/customers/${result.customer.id}`);
    await page.getByTestId('customer-name').getByText(prospect.name).waitFor();
    await page.getByRole('region', { name: 'Came from' }).getByText(`Lead #${lead.id}`).waitFor();

    // ... opens the draft order from the 360° page and builds it.
    const openOrders = page.getByRole('region', { name: 'Open orders' });
    await openOrders.getByRole('link', { name: /^ORD-\d+$/ }).click();
    const heading = page.getByRole('heading', { name: /^Order ORD-\d+$/ });
    await heading.waitFor();
    const number = (await heading.innerText()).replace('Order ', '');
    const add = page.getByRole('form', { name: 'Add a product' });
    await add.getByRole('combobox', { name: 'Product' }).click();
    await page.getByRole('option', { name: /^Business 500 SLA/ }).click();
    await add.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('table', { name: 'Order lines' }).getByText('Business 500 SLA').waitFor();
    await page.getByTestId('first-invoice-total').getByText('376.71 USD').waitFor();

    // ... submits it: above the residential threshold, so it needs a manager.
    await page.getByRole('button', { name: 'Submit order' }).click();
    await page.getByRole('alert', { name: "Credit check: needs a manager's approval" }).waitFor();
    assert.equal(await page.getByTestId('order-status').textContent(), 'Needs approval');

    // The agent cannot approve it: no decision buttons in the queue.
    await page.goto('/orders?view=queue');
    await page.getByRole('table', { name: 'Approval queue' }).getByRole('row').filter({ hasText: number }).waitFor();
    assert.equal(await page.getByRole('button', { name: `Approve ${number}` }).count(), 0);

    // A manager, in another browser, approves it with a reason.
    const managerContext = await page.context().browser()?.newContext({ baseURL: config.baseUrl, viewport: { width: 1280, height: 800 } });
    assert.ok(managerContext);
    const managerPage = await managerContext.newPage();
    try {
      await signIn(managerPage, manager);
      await managerPage.goto('/orders');
      const row = managerPage.getByRole('table', { name: 'Approval queue' }).getByRole('row').filter({ hasText: number });
      await row.getByRole('button', { name: `Approve ${number}` }).click();
      const dialog = managerPage.getByRole('dialog', { name: `Approve order ${number}` });
      await dialog.getByRole('textbox', { name: 'Reason' }).fill('New business customer, references checked');
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await row.waitFor({ state: 'detached' });
    } finally {
      await managerContext.close();
    }

    // Back on the 360° page the agent sees the service the approved order became, and the story.
    // (Approval hands the order to provisioning at once, so it is no longer waiting as "approved".)
    await page.goto(`/customers/${result.customer.id}`);
    await page.getByRole('region', { name: 'Services' }).getByText('Business 500 SLA').waitFor();
    await screenshot(page, 'story-360-overview.png');
    await page.getByRole('tab', { name: /^Services/ }).click();
    const service = page.getByTestId('service-card').filter({ hasText: 'Business 500 SLA' });
    await service.getByTestId('service-status').getByText('Active', { exact: true }).waitFor();
    await page.getByRole('tab', { name: /^Timeline/ }).click();
    const entries = page.getByTestId('timeline-entry');
    await entries.filter({ hasText: `Order ${number} approved` }).waitFor();
    const story = await entries.allTextContents();
    for (const expected of [`Order ${number} approved`, `Order ${number} submitted`, 'converted']) {
      assert.ok(
        story.some((line) => line.includes(expected)),
        `the timeline tells "${expected}": ${story.join(' | ')}`,
      );
    }
    await screenshot(page, 'story-360-timeline.png');
    assert.deepEqual(pageErrors, []);
  });
});
