// End-to-end: billing from the browser, on the real clock. A finance user previews a bill
// run for today (a dry run writes nothing), bills and issues it and watches it complete,
// opens an invoice from the run's results and walks through why it is this amount, opens
// its PDF, voids it with a reason, credits another by a line, and finds both on the
// customers' 360° pages.
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

async function adminToken() {
  const login = await fetch(`${config.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: config.adminEmail, password: config.adminPassword }),
  });
  assert.equal(login.status, 200);
  const { access_token: token } = /** @type {{ access_token: string }} */ (await readJson(login));
  return token;
}

/**
 * The e2e admin calls the API (set-up, not what is checked).
 * @param {string} token
 * @param {string} method
 * @param {string} pathname
 * @param {unknown} [body]
 */
async function api(token, method, pathname, body) {
  const response = await fetch(`${config.baseUrl}${pathname}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await readJson(response) };
}

async function financeUser() {
  const token = await adminToken();
  const user = {
    email: `e2e-finance-${run}@isp.test`,
    name: `E2E finance ${run}`,
    role: 'finance',
    password: 'a-long-enough-password',
  };
  const created = await api(token, 'POST', '/api/v1/users', user);
  assert.equal(created.status, 201, 'the finance user is created');
  return user;
}

/**
 * A new customer with Fiber 300 on the WELCOME3 promotion and an installation, ordered and
 * approved at once (below the residential threshold), and live on the network: the next
 * bill run invoices the rest of this period, the promotion and both one-time charges.
 * @param {string} name
 */
async function customerWithLiveService(name) {
  const token = await adminToken();
  const products = await api(token, 'GET', '/api/v1/products?limit=100');
  assert.equal(products.status, 200);
  const { items } = /** @type {Schemas['ProductPage']} */ (products.body);
  const idOf = (/** @type {string} */ code) => {
    const product = items.find((p) => p.code === code);
    assert.ok(product, `the demo catalog has ${code}`);
    return product.id;
  };
  const customer = await api(token, 'POST', '/api/v1/customers', {
    kind: 'residential',
    name,
    email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.net`,
    service_address: { line1: '5 Invoice Street', city: 'Springfield', postal_code: '62704', country: 'US' },
  });
  assert.equal(customer.status, 201, JSON.stringify(customer.body));
  const customerId = /** @type {Schemas['Customer']} */ (customer.body).id;
  const order = await api(token, 'POST', '/api/v1/orders', {
    customer_id: customerId,
    channel: 'call_center',
    lines: [
      { action: 'add', product_id: idOf('FIBER-300'), promotion_code: 'WELCOME3' },
      { action: 'add', product_id: idOf('INSTALL') },
    ],
  });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const orderId = /** @type {Schemas['Order']} */ (order.body).id;
  const submitted = await api(token, 'POST', `/api/v1/orders/${orderId}/submit`, {});
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  for (let tries = 0; tries < 40; tries += 1) {
    const list = await api(token, 'GET', `/api/v1/customers/${customerId}/subscriptions`);
    const { items: subscriptions } = /** @type {Schemas['SubscriptionList']} */ (list.body);
    if (subscriptions.length > 0 && subscriptions.every((s) => s.status === 'active')) return customerId;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the order of ${name} did not become an active service`);
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
 * @param {string | RegExp} pathname
 * @param {string} method
 */
const apiResponse = (page, pathname, method) =>
  page.waitForResponse((r) => {
    const actual = new URL(r.url()).pathname;
    return (typeof pathname === 'string' ? actual === pathname : pathname.test(actual)) && r.request().method() === method;
  });

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screenshot(page, name) {
  // Modals fade in: a screenshot mid-transition shows two layers on top of each other.
  await page.screenshot({ path: path.join(config.artifactsDir, name), fullPage: true, animations: 'disabled' });
}

/** Today as the server sees it (its clock is UTC). */
const today = () => new Date().toISOString().slice(0, 10);

describe('billing', () => {
  e2e('finance previews and issues a bill run, explains an invoice, opens its PDF, voids one and credits another', async ({
    page,
    pageErrors,
  }) => {
    const finance = await financeUser();
    const voidName = `Vera Void ${run}`;
    const creditName = `Carl Credit ${run}`;
    const voidCustomer = await customerWithLiveService(voidName);
    const creditCustomer = await customerWithLiveService(creditName);

    await signIn(page, finance);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Bill runs', exact: true }).click();
    await page.getByRole('heading', { name: 'Bill runs', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New bill run' });
    const runOn = form.getByLabel('Bill up to');
    // The form starts at the browser's today; the test bills the server's.
    assert.match(await runOn.inputValue(), /^\d{4}-\d{2}-\d{2}$/);
    await runOn.fill(today());
    assert.equal(await form.getByRole('radio', { name: /^Dry run/ }).isChecked(), true);
    await page.getByRole('table', { name: 'Bill runs' }).getByTestId('bill-run-row').first().waitFor();
    await screenshot(page, 'billing-runs-form.png');

    // A dry run: a preview with the totals and the first invoices, nothing written.
    const [dryStarted] = await Promise.all([
      apiResponse(page, '/api/v1/bill-runs', 'POST'),
      form.getByRole('button', { name: 'Preview the run' }).click(),
    ]);
    assert.equal(dryStarted.status(), 202);
    const dryRun = /** @type {Schemas['BillRun']} */ (await readJson(dryStarted));
    assert.deepEqual([dryRun.mode, dryRun.run_on], ['dry_run', today()]);
    await page.waitForURL(`**/billing/runs/${dryRun.id}`);
    await page.getByTestId('run-status').getByText('completed').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('progressbar', { name: new RegExp(`^Bill run ${dryRun.id}: Completed`) }).getAttribute('aria-valuenow'), '100');
    const sample = page.getByRole('table', { name: 'Sample invoices' });
    const sampleRow = sample.getByTestId('sample-invoice').filter({ hasText: `Customer #${voidCustomer}` });
    await sampleRow.waitFor();
    await sampleRow.getByRole('button', { name: /^Show the lines of sample invoice/ }).click();
    await sample.getByTestId('sample-line').filter({ hasText: 'Professional installation' }).first().waitFor();
    await page.getByTestId('run-total').first().waitFor();
    await screenshot(page, 'billing-dry-run.png');
    const token = await adminToken();
    const none = await api(token, 'GET', `/api/v1/invoices?customer_id=${voidCustomer}`);
    assert.deepEqual(/** @type {Schemas['InvoicePage']} */ (none.body).items, [], 'a dry run writes no invoice');

    // Bill and issue, after a confirmation, and watch it complete.
    await page.getByRole('link', { name: '← Bill runs' }).click();
    await page.getByRole('table', { name: 'Bill runs' }).getByTestId('bill-run-row').filter({ hasText: `#${dryRun.id}` }).waitFor();
    await form.getByLabel('Bill up to').fill(today());
    await form.getByRole('radio', { name: /^Bill and issue/ }).check();
    await form.getByRole('button', { name: 'Bill and issue' }).click();
    const confirm = page.getByRole('dialog', { name: 'Bill and issue?' });
    const [issueStarted] = await Promise.all([
      apiResponse(page, '/api/v1/bill-runs', 'POST'),
      confirm.getByRole('button', { name: 'Bill and issue' }).click(),
    ]);
    assert.equal(issueStarted.status(), 202);
    const issueRun = /** @type {Schemas['BillRun']} */ (await readJson(issueStarted));
    await page.waitForURL(`**/billing/runs/${issueRun.id}`);
    await page.getByTestId('run-progress').waitFor();
    await page.getByTestId('run-status').getByText('completed').waitFor({ timeout: 30_000 });
    await page.getByTestId('run-progress-label').getByText(/^Completed: \d+ invoices?/).waitFor();
    assert.ok(Number(await page.getByTestId('run-invoices').innerText()) >= 2, 'both customers were billed');
    await screenshot(page, 'billing-issue-run.png');

    // The run's invoices, and one of them.
    await page.getByRole('link', { name: 'Open the run’s invoices' }).click();
    await page.waitForURL(`**/invoices?bill_run_id=${issueRun.id}`);
    await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Bill run' }).inputValue(), String(issueRun.id));
    const row = page.getByRole('table', { name: 'Invoices' }).getByTestId('invoice-row').filter({ hasText: voidName });
    await row.waitFor();
    await screenshot(page, 'billing-invoice-list.png');
    const [opened] = await Promise.all([
      apiResponse(page, /^\/api\/v1\/invoices\/\d+$/, 'GET'),
      row.getByRole('link', { name: /^INV-/ }).click(),
    ]);
    const invoice = /** @type {Schemas['Invoice']} */ (await readJson(opened));
    assert.equal(invoice.status, 'issued');
    assert.equal(invoice.bill_run_id, issueRun.id);
    await page.getByRole('heading', { name: `Invoice ${invoice.number}` }).waitFor();
    await page.getByTestId('invoice-status').getByText('Issued').waitFor();

    // Why is this bill this amount: each line with its rule, period, figures and tax.
    await page.getByRole('tab', { name: 'Why this amount' }).click();
    const whyLines = page.getByTestId('why-line');
    await whyLines.first().waitFor();
    assert.equal(await whyLines.count(), invoice.lines.length);
    const service = whyLines.filter({ hasText: 'Fiber 300' }).filter({ hasNotText: 'Promotion' }).filter({ hasNotText: 'order' });
    const serviceLine = invoice.lines.find((l) => l.kind === 'recurring');
    assert.ok(serviceLine, 'the invoice bills the service');
    await service.getByTestId('why-line-explanation').getByText(serviceLine.explanation).waitFor();
    const figures = await service.getByTestId('why-line-figures').innerText();
    assert.match(figures, /Whole period of \d+ days|\d+ of \d+ days/);
    await service.getByTestId('why-line-tax').getByText(/Telecom services tax 8\.25% on/).waitFor();
    const promotion = whyLines.filter({ hasText: 'Promotion: Fiber 300' });
    await promotion.getByTestId('why-line-figures').getByText(/discounted months? left after this one/).waitFor();
    const totals = page.getByRole('region', { name: 'How the total adds up' });
    await totals.getByText('Invoice total').waitFor();
    await totals.getByText('Amount due').waitFor();
    await screenshot(page, 'billing-why.png');

    // The PDF, fetched with the session's token into a new tab.
    const [popup, pdf] = await Promise.all([
      page.waitForEvent('popup'),
      apiResponse(page, `/api/v1/invoices/${invoice.id}/pdf`, 'GET'),
      page.getByRole('button', { name: 'Open PDF' }).click(),
    ]);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.ok(Number(pdf.headers()['content-length']) > 1000, 'the PDF has content');
    await popup.waitForURL(/^blob:/);
    // What the tab shows: the bytes fetched, as a PDF.
    const shown = await page.evaluate(async (url) => {
      const blob = await (await fetch(url)).blob();
      return { type: blob.type, size: blob.size, head: await blob.slice(0, 5).text() };
    }, popup.url());
    assert.deepEqual({ type: shown.type, head: shown.head }, { type: 'application/pdf', head: '%PDF-' });
    assert.ok(shown.size > 1000, `the tab shows the whole PDF (${shown.size} bytes)`);
    await popup.close();

    // Void it, with a reason.
    await page.getByRole('button', { name: 'Void', exact: true }).click();
    const voidDialog = page.getByRole('dialog', { name: `Void invoice ${invoice.number}` });
    await voidDialog.getByRole('button', { name: 'Void invoice' }).click();
    await voidDialog.getByText(/^Say why/).waitFor();
    await voidDialog.getByRole('textbox', { name: 'Reason' }).fill(`Billed the wrong customer (${run})`);
    await screenshot(page, 'billing-void-dialog.png');
    const [voided] = await Promise.all([
      apiResponse(page, `/api/v1/invoices/${invoice.id}/void`, 'POST'),
      voidDialog.getByRole('button', { name: 'Void invoice' }).click(),
    ]);
    assert.equal(voided.status(), 200);
    assert.equal(voided.request().headers()['if-match'], `"${invoice.version}"`, 'the void carries the version read');
    await page.getByTestId('invoice-status').getByText('Void').waitFor();
    await page.getByTestId('void-reason').getByText(`Billed the wrong customer (${run})`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Void', exact: true }).count(), 0);
    await screenshot(page, 'billing-voided.png');

    // The customer's 360° page lists it, void, with the statement that took it back.
    await page.getByRole('link', { name: voidName }).click();
    await page.waitForURL(`**/customers/${voidCustomer}`);
    await page.getByRole('tab', { name: 'Invoices' }).click();
    const customerRow = page.getByRole('table', { name: 'Customer invoices' }).getByTestId('invoice-row').filter({ hasText: invoice.number ?? '' });
    await customerRow.getByTestId('invoice-status').getByText('Void').waitFor();
    await page.getByRole('table', { name: 'Statement' }).getByText(/voided: Billed the wrong customer/).waitFor();
    await screenshot(page, 'billing-360-invoices.png');

    // Credit the other customer's installation, by a net amount, from their 360° page.
    await page.goto(`/customers/${creditCustomer}`);
    await page.getByRole('tab', { name: 'Invoices' }).click();
    await page.getByRole('table', { name: 'Customer invoices' }).getByRole('link', { name: /^INV-/ }).first().click();
    await page.getByRole('heading', { name: /^Invoice INV-/ }).waitFor();
    await page.getByRole('button', { name: 'Credit', exact: true }).click();
    const creditDialog = page.getByRole('dialog', { name: /^Credit invoice INV-/ });
    await creditDialog.getByRole('radio', { name: /^Chosen lines/ }).check();
    await creditDialog.getByRole('checkbox', { name: /^Credit Professional installation/ }).check();
    await creditDialog.getByRole('textbox', { name: /^Amount to credit on Professional installation/ }).fill('150');
    await creditDialog.getByRole('textbox', { name: 'Reason' }).fill('Installer came two days late');
    await creditDialog.getByRole('button', { name: 'Issue credit note' }).click();
    await creditDialog.getByText(/^At most .*99\.00 is left to credit$/).waitFor();
    await creditDialog.getByRole('textbox', { name: /^Amount to credit on Professional installation/ }).fill('20');
    // 20.00 net and 6 % sales tax on services.
    await creditDialog.getByTestId('credit-preview').getByText(/21\.20/).waitFor();
    await screenshot(page, 'billing-credit-dialog.png');
    const [credited] = await Promise.all([
      apiResponse(page, /^\/api\/v1\/invoices\/\d+\/credit-notes$/, 'POST'),
      creditDialog.getByRole('button', { name: 'Issue credit note' }).click(),
    ]);
    assert.equal(credited.status(), 201);
    const note = /** @type {Schemas['CreditNote']} */ (await readJson(credited));
    assert.equal(note.total, '21.20');
    await page.getByRole('tab', { name: 'Credit notes (1)' }).click();
    await page.getByRole('table', { name: 'Credit notes' }).getByText(note.number).waitFor();
    await page.getByTestId('invoice-status').getByText('Issued').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Void', exact: true }).isDisabled(), true, 'a credited invoice is not voided');
    await screenshot(page, 'billing-credited.png');
    assert.deepEqual(pageErrors, []);
  });
});
