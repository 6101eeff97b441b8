// End-to-end: an order is built in the browser, submitted, lands in the approval queue,
// and is approved there with a reason — against the real API and the demo ISP's catalog.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe } from 'node:test';
import { config, signInAsAdmin, useBrowser } from './support.js';

/** @typedef {import('../src/lib/api/schema').components['schemas']} Schemas */

const e2e = useBrowser();

/**
 * An API call as the e2e admin; the test's own set-up, not what it checks.
 * @param {string} pathname
 * @returns {Promise<unknown>}
 */
async function api(pathname) {
  const login = await fetch(`${config.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: config.adminEmail, password: config.adminPassword }),
  });
  assert.equal(login.status, 200, 'the e2e admin signs in');
  const body = /** @type {unknown} */ (await login.json());
  const token = /** @type {{ access_token: string }} */ (body).access_token;
  const response = await fetch(`${config.baseUrl}${pathname}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, `GET ${pathname}`);
  return /** @type {Promise<unknown>} */ (response.json());
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screenshot(page, name) {
  await page.screenshot({ path: path.join(config.artifactsDir, name), fullPage: true });
}

describe('orders', () => {
  e2e('builds an order, submits it, and a manager approves it from the queue', async ({ page, pageErrors }) => {
    // A residential customer of the demo ISP (the one with the demo draft order); its class
    // asks a manager for any order whose first invoice is above 300.
    const drafts = /** @type {Schemas['OrderPage']} */ (await api('/api/v1/orders?status=draft'));
    const customer = drafts.items[0];
    assert.ok(customer, 'the e2e server seeds the demo ISP (DEMO_DATA=1), which has a draft order');

    await signInAsAdmin(page);
    // The customer page's "New order" link: the draft opens at once.
    await page.goto(`/orders/new?customer=${customer.customer_id}`);
    const heading = page.getByRole('heading', { name: /^Order ORD-\d+$/ });
    await heading.waitFor();
    const number = (await heading.innerText()).replace('Order ', '');
    await page.getByText(customer.customer_name).first().waitFor();

    const form = page.getByRole('form', { name: 'Add a product' });
    await form.getByRole('combobox', { name: 'Product' }).click();
    await page.getByRole('option', { name: /^Business 500 SLA/ }).click();
    await form.getByRole('button', { name: 'Add' }).click();
    const lines = page.getByRole('table', { name: 'Order lines' });
    await lines.getByText('Business 500 SLA').waitFor();
    // 149.00 a month + 8.25% tax; 199.00 setup + 8.25% tax: the server's totals, shown live.
    await page.getByTestId('monthly-total').getByText('161.29 USD').waitFor();
    await page.getByTestId('first-invoice-total').getByText('376.71 USD').waitFor();

    await form.getByRole('combobox', { name: 'Product' }).click();
    await page.getByRole('option', { name: /^Wi-Fi 6 router/ }).click();
    await form.getByRole('button', { name: 'Add' }).click();
    await lines.getByText('Wi-Fi 6 router').waitFor();
    await screenshot(page, 'order-entry.png');

    await page.getByRole('button', { name: 'Submit order' }).click();
    const check = page.getByRole('alert', { name: "Credit check: needs a manager's approval" });
    await check.waitFor();
    assert.match(await check.innerText(), /above the 300\.00 USD a manager must approve/);
    assert.equal(await page.getByTestId('order-status').textContent(), 'Needs approval');
    await screenshot(page, 'order-submitted.png');

    // The manager's approval queue.
    await page.getByRole('link', { name: /Orders/ }).first().click();
    const queue = page.getByRole('table', { name: 'Approval queue' });
    const row = queue.getByRole('row').filter({ hasText: number });
    await row.waitFor();
    await screenshot(page, 'orders-approval-queue.png');
    await row.getByRole('button', { name: `Approve ${number}` }).click();
    const dialog = page.getByRole('dialog', { name: `Approve order ${number}` });
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Known customer; installation booked');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });

    // The order says who decided and why.
    await page.goto('/orders?view=approved');
    await page.getByRole('table', { name: 'Approved' }).getByRole('link', { name: number }).click();
    await page.getByTestId('decision').getByText(/Known customer; installation booked/).waitFor();
    // Approval hands the order to provisioning at once; it completes when its service is active.
    assert.match((await page.getByTestId('order-status').textContent()) ?? '', /^(Provisioning|Completed)$/);
    assert.deepEqual(pageErrors, []);
  });
});
