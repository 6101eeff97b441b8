// End-to-end: the network side of a customer. An agent suspends a demo customer's live
// service for non-payment from the 360° page, watches the provisioning job carry it to the
// network, restores it, and finds both on the timeline. An admin adds a NAS whose shared
// secret never comes back; a manager sees the NAS but cannot change it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe } from 'node:test';
import { config, signInAsAdmin, submitLogin, useBrowser } from './support.js';

/** @typedef {import('../src/lib/api/schema').components['schemas']} Schemas */

const e2e = useBrowser();
const run = `${Date.now().toString(36)}${process.pid}`;
let staffCount = 0;

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
 * Set-up through the API as the e2e admin (not what is checked): a staff user.
 * @param {'agent' | 'manager'} role
 */
async function staffUser(role) {
  const token = await adminToken();
  staffCount += 1;
  const user = {
    email: `e2e-svc-${role}-${run}-${staffCount}@isp.test`,
    name: `E2E ${role} ${run}`,
    role,
    password: 'a-long-enough-password',
  };
  const created = await fetch(`${config.baseUrl}/api/v1/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(user),
  });
  assert.equal(created.status, 201, `the ${role} is created`);
  return user;
}

/**
 * The demo customer whose order the credit check approved at once: by now an active service.
 * Waits for the activation job, which runs within a second of start-up.
 */
async function demoCustomerWithLiveService() {
  const token = await adminToken();
  const headers = { Authorization: `Bearer ${token}` };
  const found = await fetch(`${config.baseUrl}/api/v1/search?q=${encodeURIComponent('ben.okafor@example.net')}`, { headers });
  assert.equal(found.status, 200);
  const { items } = /** @type {{ items: { id: number }[] }} */ (await readJson(found));
  const customer = items[0];
  assert.ok(customer, 'the demo ISP has Ben Okafor');
  for (let tries = 0; tries < 30; tries += 1) {
    const list = await fetch(`${config.baseUrl}/api/v1/customers/${customer.id}/subscriptions`, { headers });
    const { items: subscriptions } = /** @type {Schemas['SubscriptionList']} */ (await readJson(list));
    const live = subscriptions.find((s) => s.kind === 'plan' && s.status === 'active' && s.open_jobs === 0);
    if (live) return { customerId: customer.id, subscription: live };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the demo order did not become an active service');
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
  // Modals fade in: a screenshot mid-transition shows two layers on top of each other.
  await page.screenshot({ path: path.join(config.artifactsDir, name), fullPage: true, animations: 'disabled' });
}

describe('services on the 360° page', () => {
  e2e('an agent suspends a live service for non-payment and restores it; the network and the timeline follow', async ({
    page,
    pageErrors,
  }) => {
    const agent = await staffUser('agent');
    const { customerId, subscription } = await demoCustomerWithLiveService();
    const note = `Invoice unpaid after reminders (${run})`;

    await signIn(page, agent);
    await page.goto(`/customers/${customerId}`);
    await page.getByRole('tab', { name: /^Services/ }).click();
    const card = page.getByRole('region', { name: `Service ${subscription.username}` });
    const status = card.getByTestId('service-status');
    await status.getByText('Active', { exact: true }).waitFor();
    await card.getByText(subscription.product_name).first().waitFor();
    await screenshot(page, 'services-active.png');

    // The PPPoE password only on request, and gone again on hide.
    const [credentials] = await Promise.all([
      apiResponse(page, `/api/v1/subscriptions/${subscription.id}/credentials`, 'GET'),
      card.getByRole('button', { name: 'Show password' }).click(),
    ]);
    assert.equal(credentials.status(), 200);
    const { password } = /** @type {Schemas['Credentials']} */ (await readJson(credentials));
    assert.equal(await card.getByTestId('service-password').textContent(), password);
    await card.getByRole('button', { name: 'Hide password' }).click();
    await card.getByTestId('service-password').waitFor({ state: 'detached' });

    // Suspend, with a reason and a note.
    await card.getByRole('button', { name: 'Suspend', exact: true }).click();
    const suspend = page.getByRole('dialog', { name: `Suspend ${subscription.product_name}` });
    await suspend.getByRole('combobox', { name: 'Reason' }).click();
    await page.getByRole('option', { name: 'Non-payment' }).click();
    await suspend.getByRole('textbox', { name: 'Note' }).fill(note);
    await screenshot(page, 'services-suspend-dialog.png');
    const [suspended] = await Promise.all([
      apiResponse(page, `/api/v1/subscriptions/${subscription.id}/suspend`, 'POST'),
      suspend.getByRole('button', { name: 'Suspend service' }).click(),
    ]);
    assert.equal(suspended.status(), 200);
    assert.equal(suspended.request().headers()['if-match'], `"${subscription.version}"`, 'the command carries the version read');
    const afterSuspend = /** @type {Schemas['Subscription']} */ (await readJson(suspended));
    assert.equal(afterSuspend.status, 'suspended');
    assert.ok(afterSuspend.open_jobs > 0, 'a provisioning job carries the suspension to the network');

    await status.getByText('Suspended', { exact: true }).waitFor();
    await card.getByTestId('service-suspend-reason').getByText(/Suspended for non-payment/).waitFor();
    // The page asks every second until the job is done, then stops saying so.
    await card.getByText('Applying to the network…').waitFor({ state: 'hidden', timeout: 20_000 });
    assert.equal(await card.getByText('Provisioning failed').count(), 0);
    await card.getByRole('button', { name: 'Provisioning jobs' }).click();
    const jobs = card.getByRole('table', { name: `Provisioning jobs of subscription ${subscription.id}` });
    // Newest first: the job this suspension made.
    const suspendJob = jobs.getByTestId('job-row').filter({ hasText: 'Suspend' }).first();
    await suspendJob.getByTestId('job-status').getByText('done').waitFor();
    await suspendJob.getByRole('button', { name: /^Show log of job/ }).click();
    await jobs.getByRole('listitem').first().waitFor();
    // Agents do not retry jobs.
    assert.equal(await card.getByRole('button', { name: /^Retry job/ }).count(), 0);
    await screenshot(page, 'services-suspended.png');

    // Restore.
    await card.getByRole('button', { name: 'Restore', exact: true }).click();
    const restore = page.getByRole('dialog', { name: `Restore ${subscription.product_name}` });
    const [restored] = await Promise.all([
      apiResponse(page, `/api/v1/subscriptions/${subscription.id}/restore`, 'POST'),
      restore.getByRole('button', { name: 'Restore service' }).click(),
    ]);
    assert.equal(restored.status(), 200);
    await status.getByText('Active', { exact: true }).waitFor();
    await card.getByText('Applying to the network…').waitFor({ state: 'hidden', timeout: 20_000 });
    await jobs.getByTestId('job-row').filter({ hasText: 'Restore' }).first().getByTestId('job-status').getByText('done').waitFor();
    await screenshot(page, 'services-restored.png');

    // The timeline tells both.
    await page.getByRole('tab', { name: /^Timeline/ }).click();
    const entries = page.getByTestId('timeline-entry');
    await entries.filter({ hasText: `Subscription ${subscription.username} restored` }).first().waitFor();
    const story = await entries.allTextContents();
    assert.ok(
      story.some((line) => line.includes(`Subscription ${subscription.username} suspended — non payment: ${note}`)),
      `the timeline tells the suspension: ${story.join(' | ')}`,
    );
    await screenshot(page, 'services-timeline.png');

    // The Provisioning page: nothing waits (failed and pending by default); the done jobs lead back here.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Provisioning', exact: true }).click();
    await page.getByRole('heading', { name: 'Provisioning', level: 1 }).waitFor();
    assert.match(new URL(page.url()).search, /^$|status=failed%2Cpending|status=failed,pending/);
    const filter = page.getByRole('group', { name: 'Job status' });
    assert.equal(await filter.getByRole('checkbox', { name: 'failed' }).isChecked(), true);
    await filter.getByText('done', { exact: true }).click();
    assert.equal(await filter.getByRole('checkbox', { name: 'done' }).isChecked(), true);
    await page.waitForURL(/status=failed%2Cpending%2Cdone|status=failed,pending,done/);
    const queue = page.getByRole('table', { name: 'Provisioning jobs' });
    const done = queue.getByTestId('job-row').filter({ hasText: 'Restore' }).filter({ hasText: `Subscription #${subscription.id}` });
    await done.first().waitFor();
    await screenshot(page, 'provisioning-page.png');
    await done.first().getByRole('button', { name: `Open the customer of subscription ${subscription.id}` }).click();
    await page.waitForURL(`**/customers/${customerId}`);
    assert.deepEqual(pageErrors, []);
  });
});

describe('network administration', () => {
  e2e('an admin adds a NAS whose secret never comes back; a manager only reads it', async ({ page, pageErrors }) => {
    const manager = await staffUser('manager');
    const octet = (Number.parseInt(run.slice(-4), 36) % 250) + 1;
    const nas = { address: `198.51.100.${octet}`, name: `Edge BRAS ${run}`, secret: `e2e-secret-${run}` };

    await signInAsAdmin(page);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Network', exact: true }).click();
    await page.getByRole('heading', { name: 'Network', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add NAS' }).click();
    const form = page.getByRole('dialog', { name: 'New NAS' });
    await form.getByRole('textbox', { name: 'Address' }).fill(nas.address);
    await form.getByRole('textbox', { name: 'Name' }).fill(nas.name);
    await form.getByLabel('Shared secret').fill(nas.secret);
    await screenshot(page, 'network-new-nas.png');
    const [created] = await Promise.all([
      apiResponse(page, '/api/v1/nas', 'POST'),
      form.getByRole('button', { name: 'Add NAS' }).click(),
    ]);
    assert.equal(created.status(), 201);
    const body = /** @type {Record<string, unknown>} */ (await readJson(created));
    assert.equal(body.secret, undefined, 'the answer carries no secret');
    assert.equal(body.secret_set, true);

    const row = page.getByRole('table', { name: 'NAS devices' }).getByRole('row').filter({ hasText: nas.name });
    await row.getByText(nas.address).waitFor();
    await row.getByText('set', { exact: true }).waitFor();

    // Editing starts with an empty secret that keeps the current one.
    await row.getByRole('button', { name: `Edit ${nas.name}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${nas.name}` });
    await edit.getByText('Leave blank to keep the current secret. It is never shown.').waitFor();
    assert.equal(await edit.getByLabel('Shared secret').inputValue(), '');
    await screenshot(page, 'network-edit-nas.png');
    await edit.getByRole('button', { name: 'Cancel' }).click();

    assert.ok(!(await page.content()).includes(nas.secret), 'the secret is nowhere on the page');
    const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage, ...window.sessionStorage }));
    assert.ok(!stored.includes(nas.secret), 'the secret is not kept in the browser');
    await screenshot(page, 'network-nas-list.png');

    // An address pool for static IPs.
    const pool = { name: `e2e-pool-${run}`, network: `100.64.${octet}.0/28` };
    await page.getByRole('tab', { name: 'Address pools' }).click();
    await page.getByRole('button', { name: 'Add pool' }).click();
    const poolForm = page.getByRole('dialog', { name: 'New address pool' });
    await poolForm.getByRole('textbox', { name: 'Name' }).fill(pool.name);
    await poolForm.getByRole('textbox', { name: 'Network' }).fill(pool.network);
    const [poolCreated] = await Promise.all([
      apiResponse(page, '/api/v1/ip-pools', 'POST'),
      poolForm.getByRole('button', { name: 'Add pool' }).click(),
    ]);
    assert.equal(poolCreated.status(), 201);
    await page.getByRole('table', { name: 'Address pools' }).getByRole('row').filter({ hasText: pool.name }).getByText('0 of 14').waitFor();

    // A manager sees it, read-only.
    const managerContext = await page.context().browser()?.newContext({ baseURL: config.baseUrl, viewport: { width: 1280, height: 800 } });
    assert.ok(managerContext);
    try {
      const managerPage = await managerContext.newPage();
      await signIn(managerPage, manager);
      await managerPage.goto('/admin/network');
      await managerPage.getByRole('table', { name: 'NAS devices' }).getByRole('row').filter({ hasText: nas.name }).waitFor();
      assert.equal(await managerPage.getByRole('button', { name: 'Add NAS' }).count(), 0);
      assert.equal(await managerPage.getByRole('button', { name: `Edit ${nas.name}` }).count(), 0);
      await managerPage.getByRole('tab', { name: 'Address pools' }).click();
      await managerPage.getByText(/No address pools yet|Static IPs for services/).first().waitFor();
      await screenshot(managerPage, 'network-pools-manager.png');
    } finally {
      await managerContext.close();
    }
    assert.deepEqual(pageErrors, []);
  });
});

/**
 * Sends one accounting request to the e2e FreeRADIUS, as a NAS would, with radclient.
 * @param {string} attributes
 */
function accounting(attributes) {
  const out = execFileSync('radclient', ['-x', '-r', '1', '-t', '2', `127.0.0.1:${config.radiusAcctPort}`, 'acct', 'testing123'], {
    input: attributes,
    encoding: 'utf8',
  });
  assert.match(out, /Received Accounting-Response/);
}

describe('usage on the 360° page', () => {
  e2e('accounting sent to FreeRADIUS shows up as usage and a live session on the 360° page', async ({ page, pageErrors }) => {
    const agent = await staffUser('agent');
    const { customerId, subscription } = await demoCustomerWithLiveService();
    const user = subscription.username;
    const session = `e2e-${run}`;
    const common = `User-Name = "${user}", Acct-Session-Id = "${session}", NAS-IP-Address = 127.0.0.1, Framed-IP-Address = 100.64.1.20`;
    accounting(`${common}, Acct-Status-Type = Start`);
    // 1 Gigaword + 500 MB down (4,794,967,296 bytes: above 4 GiB), 1 MB up.
    accounting(
      `${common}, Acct-Status-Type = Interim-Update, Acct-Session-Time = 600, ` +
        'Acct-Output-Gigawords = 1, Acct-Output-Octets = 500000000, Acct-Input-Octets = 1000000',
    );

    // The poller reads it within a second or two.
    const token = await adminToken();
    let total = 0;
    for (let tries = 0; tries < 40 && total === 0; tries += 1) {
      const usage = await fetch(`${config.baseUrl}/api/v1/subscriptions/${subscription.id}/usage`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(usage.status, 200);
      total = /** @type {Schemas['SubscriptionUsage']} */ (await readJson(usage)).total_octets;
      if (total === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(total, 4_794_967_296 + 1_000_000);

    await signIn(page, agent);
    await page.goto(`/customers/${customerId}`);
    await page.getByRole('tab', { name: /^Services/ }).click();
    const card = page.getByRole('region', { name: `Service ${user}` });
    const meter = card.getByLabel(`Usage of subscription ${subscription.id}`);
    await meter.getByText('Usage this period').waitFor();
    await meter.getByText(/4\.8 GB/).first().waitFor();
    await meter.getByText(/↓ 4\.8 GB ↑ 1\.0 MB/).waitFor();
    await card.getByRole('button', { name: 'Sessions' }).click();
    const sessions = card.getByRole('table', { name: `Sessions of subscription ${subscription.id}` });
    await sessions.getByText('online').waitFor();
    await sessions.getByText('100.64.1.20').waitFor();
    await screenshot(page, 'services-usage.png');

    // The NAS ends the session (so no later suspension has a session to disconnect).
    accounting(
      `${common}, Acct-Status-Type = Stop, Acct-Session-Time = 900, ` +
        'Acct-Output-Gigawords = 1, Acct-Output-Octets = 500000000, Acct-Input-Octets = 1000000',
    );
    assert.deepEqual(pageErrors, []);
  });
});
