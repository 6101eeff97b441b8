// End-to-end: the catalog admin page against the real API and the demo catalog.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe } from 'node:test';
import { config, signInAsAdmin, useBrowser } from './support.js';

/** @typedef {import('../src/lib/api/schema').components['schemas']} Schemas */

const e2e = useBrowser();

/** Unique per run, so the test finds its own plan among the demo products. */
const run = `${Date.now().toString(36)}${process.pid}`.toUpperCase();
const code = `E2E-${run}`.slice(0, 40);

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

describe('catalog admin', () => {
  e2e('creates a plan, then re-prices it with a new version', async ({ page, pageErrors }) => {
    await signInAsAdmin(page);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Catalog', exact: true }).click();
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Products' });
    // The demo catalog is there.
    await table.getByRole('cell', { name: 'FIBER-100', exact: true }).waitFor();

    await page.getByRole('button', { name: 'New product' }).click();
    const form = page.getByRole('dialog', { name: 'New product' });
    await form.getByRole('textbox', { name: 'Code' }).fill(code.toLowerCase());
    await form.getByRole('textbox', { name: 'Name' }).fill(`E2E Fiber ${run}`);
    await form.getByRole('textbox', { name: 'Monthly price' }).fill('44.5');
    await form.getByRole('textbox', { name: 'Setup fee' }).fill('25');
    await form.getByRole('textbox', { name: 'Download (Mbit/s)' }).fill('250');
    // The form names what is missing before asking the API.
    await form.getByRole('button', { name: 'Create product' }).click();
    await form.getByText('Required').first().waitFor();
    await form.getByRole('textbox', { name: 'Upload (Mbit/s)' }).fill('50');

    const [created] = await Promise.all([
      apiResponse(page, '/api/v1/products', 'POST'),
      form.getByRole('button', { name: 'Create product' }).click(),
    ]);
    assert.equal(created.status(), 201);
    const product = /** @type {Schemas['ProductDetail']} */ (await readJson(created));
    assert.equal(product.code, code, 'the code is upper-cased');
    assert.equal(product.current_version?.monthly_price, '44.50');
    await form.waitFor({ state: 'hidden' });

    const row = table.getByRole('row').filter({ hasText: code });
    await row.waitFor();
    assert.match(await row.innerText(), /250 \/ 50 Mbit\/s/);
    assert.match(await row.innerText(), /v1/);

    // The "Product created" notification sits over the bottom-right corner, where this row's
    // buttons may be, and stays while the pointer rests on it (the pointer is still where the
    // dialog's Create button was): move the pointer away and wait until it has gone.
    await page.mouse.move(0, 0);
    await page.getByText(`${code} (${product.name}) is on sale.`).waitFor({ state: 'hidden' });
    await row.getByRole('button', { name: `New price for ${code}` }).click();
    const pricing = page.getByRole('dialog', { name: 'New price version' });
    const monthly = pricing.getByRole('textbox', { name: 'Monthly price' });
    assert.equal(await monthly.inputValue(), '44.50', 'the form starts from the current price');
    await monthly.fill('47');
    const [versioned] = await Promise.all([
      apiResponse(page, `/api/v1/products/${product.id}/versions`, 'POST'),
      pricing.getByRole('button', { name: 'Save new price' }).click(),
    ]);
    assert.equal(versioned.status(), 201);
    const version = /** @type {Schemas['ProductVersion']} */ (await readJson(versioned));
    assert.equal(version.version, 2);
    assert.equal(version.status, 'current');
    await pricing.waitFor({ state: 'hidden' });
    await row.getByText('47.00 USD').waitFor();
    assert.match(await row.innerText(), /v2/);

    await row.getByRole('button', { name: `Price history of ${code}` }).click();
    const history = page.getByRole('dialog', { name: `Price history of ${code}` });
    const versions = history.getByRole('table', { name: 'Price versions' });
    await versions.getByRole('cell', { name: 'superseded' }).waitFor();
    assert.equal(await versions.getByRole('row').count(), 3, 'a header and two versions');
    await screenshot(page, 'catalog-price-history.png');
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'hidden' });
    await screenshot(page, 'catalog-products.png');
    assert.deepEqual(pageErrors, []);
  });
});
