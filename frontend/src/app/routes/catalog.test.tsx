import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { routes } from '../route-config';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const me = (role: string) => ({ kind: 'user', id: 1, name: `Pat ${role}`, email: 'pat@example.com', role, scopes: [] });

const version = {
  id: 11,
  version: 2,
  status: 'current',
  currency: 'USD',
  monthly_price: '29.00',
  one_time_price: '49.00',
  download_mbps: 100,
  upload_mbps: 20,
  data_cap_gb: null,
  overage_per_gb: null,
  contract_months: 12,
  early_termination_fee: '100.00',
  apply_to_existing: false,
  valid_from: '2026-03-01T00:00:00Z',
  created_at: '2026-03-01T00:00:00Z',
};

const fiber = {
  id: 1,
  code: 'FIBER-100',
  kind: 'plan',
  service: 'internet',
  name: 'Fiber 100',
  description: null,
  tax_category: 'telecom',
  radius_group: 'fiber_100',
  status: 'active',
  retired_at: null,
  current_version: version,
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

const install = {
  ...fiber,
  id: 2,
  code: 'INSTALL',
  kind: 'one_time',
  service: null,
  name: 'Installation',
  radius_group: null,
  current_version: { ...version, id: 12, version: 1, monthly_price: '0.00', one_time_price: '99.00', download_mbps: null, upload_mbps: null, contract_months: 0, early_termination_fee: '0.00' },
};

const telecomTax = {
  id: 5,
  zone: 'DEFAULT',
  category: 'telecom',
  name: 'Telecom services tax',
  rate: '8.25',
  valid_from: '2020-01-01',
  valid_to: null,
  version: 3,
  created_at: '2026-01-01T00:00:00Z',
};

function catalogApi(role: string, extra: Parameters<typeof mockApi>[0] = {}) {
  tokenStore.setTokens(tokens('1'));
  return mockApi({
    'GET /api/v1/auth/me': () => json(me(role)),
    'GET /api/v1/products': () => json({ items: [fiber, install], next_cursor: null }),
    'GET /api/v1/promotions': () => json({ items: [], next_cursor: null }),
    'GET /api/v1/tax-rates': () => json({ items: [telecomTax], next_cursor: null }),
    ...extra,
  });
}

async function productsTable() {
  return screen.findByRole('table', { name: 'Products' });
}

async function openNewProduct(user: UserEvent) {
  await user.click(await screen.findByRole('button', { name: 'New product' }));
  return screen.findByRole('dialog', { name: 'New product' });
}

async function fillPlan(user: UserEvent, dialog: HTMLElement) {
  await user.type(within(dialog).getByRole('textbox', { name: 'Code' }), 'fiber-500');
  await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Fiber 500');
  await user.type(within(dialog).getByRole('textbox', { name: 'Monthly price' }), '49');
  await user.type(within(dialog).getByRole('textbox', { name: 'Download (Mbit/s)' }), '500');
  await user.type(within(dialog).getByRole('textbox', { name: 'Upload (Mbit/s)' }), '100');
}

describe('Catalog page', () => {
  it('shows the catalog read-only to an agent: no way to create, re-price, retire or end', async () => {
    catalogApi('agent');
    const user = userEvent.setup();
    renderRoutes(routes, '/admin/catalog');

    const table = await productsTable();
    const row = within(table).getByRole('row', { name: /FIBER-100/ });
    expect(row).toHaveTextContent('Fiber 100');
    expect(row).toHaveTextContent('100 / 20 Mbit/s');
    expect(row).toHaveTextContent('29.00 USD');
    expect(row).toHaveTextContent('49.00 USD');
    expect(row).toHaveTextContent('v2');
    expect(within(table).getByRole('row', { name: /INSTALL/ })).toHaveTextContent('99.00 USD');
    expect(screen.getByText(/Only managers can change them/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New product' })).not.toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: /New price/ })).not.toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: /Retire/ })).not.toBeInTheDocument();
    // History stays available to everyone.
    expect(within(table).getByRole('button', { name: 'Price history of FIBER-100' })).toBeInTheDocument();

    await user.click(screen.getByRole('tab', { name: 'Tax rates' }));
    const rates = await screen.findByRole('table', { name: 'Tax rates' });
    expect(within(rates).getByText('8.25%')).toBeInTheDocument();
    expect(within(rates).queryByRole('button', { name: /^End/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New tax rate' })).not.toBeInTheDocument();
    // The navigation offers the catalog to agents, and nothing else of the admin area.
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Catalog' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('creates a plan: checks the form first, then sends one request with its Idempotency-Key', async () => {
    const created = { ...fiber, id: 3, code: 'FIBER-500', name: 'Fiber 500', versions: [version] };
    const api = catalogApi('manager', { 'POST /api/v1/products': () => json(created, 201) });
    const user = userEvent.setup();
    renderRoutes(routes, '/admin/catalog');
    await productsTable();

    const dialog = await openNewProduct(user);
    await user.type(within(dialog).getByRole('textbox', { name: 'Code' }), 'bad code!');
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));
    expect(await within(dialog).findByText(/Letters, digits, _ or -/)).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'Download (Mbit/s)' })).toHaveAttribute('aria-invalid', 'true');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.clear(within(dialog).getByRole('textbox', { name: 'Code' }));
    await fillPlan(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New product' })).not.toBeInTheDocument());
    const post = api.requests.find((r) => r.method === 'POST');
    expect(post?.headers.get('Idempotency-Key')).toMatch(UUID);
    expect(post?.body).toEqual({
      code: 'FIBER-500',
      kind: 'plan',
      service: 'internet',
      name: 'Fiber 500',
      description: null,
      tax_category: 'telecom',
      radius_group: null,
      currency: 'USD',
      monthly_price: '49',
      one_time_price: '0',
      download_mbps: 500,
      upload_mbps: 100,
      data_cap_gb: null,
      overage_per_gb: null,
      contract_months: 0,
      early_termination_fee: '0',
    });
    expect(await screen.findByText('FIBER-500 (Fiber 500) is on sale.')).toBeInTheDocument();
  });

  it("puts the API's field errors on their fields and a conflict above the form", async () => {
    let calls = 0;
    catalogApi('admin', {
      'POST /api/v1/products': () =>
        ++calls === 1
          ? problem(422, 'validation_failed', '2 fields are invalid', [
              { field: 'monthly_price', code: 'too_large', message: 'must be below 10,000,000,000' },
              { field: 'currency', code: 'invalid', message: 'must be a three-letter ISO 4217 code' },
            ])
          : problem(409, 'product_code_taken', 'a product with this code already exists'),
    });
    const user = userEvent.setup();
    renderRoutes(routes, '/admin/catalog');
    await productsTable();

    const dialog = await openNewProduct(user);
    await fillPlan(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));
    const price = within(dialog).getByRole('textbox', { name: 'Monthly price' });
    await waitFor(() => expect(price).toHaveAttribute('aria-invalid', 'true'));
    expect(price).toHaveAccessibleDescription(/Must be below 10,000,000,000/);
    expect(within(dialog).getByRole('textbox', { name: 'Currency' })).toHaveAccessibleDescription(/three-letter/);
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A product with this code already exists');
  });

  it('adds a price version starting from the current terms, and shows a refused start date on its field', async () => {
    let calls = 0;
    const api = catalogApi('manager', {
      'POST /api/v1/products/1/versions': () =>
        ++calls === 1
          ? problem(422, 'validation_failed', 'valid_from: must not be before version 2 starts', [
              { field: 'valid_from', code: 'invalid', message: 'must not be before version 2 starts' },
            ])
          : json({ ...version, id: 13, version: 3, monthly_price: '31.00' }, 201),
    });
    const user = userEvent.setup();
    renderRoutes(routes, '/admin/catalog');
    const table = await productsTable();

    await user.click(within(table).getByRole('button', { name: 'New price for FIBER-100' }));
    const dialog = await screen.findByRole('dialog', { name: 'New price version' });
    const monthly = within(dialog).getByRole('textbox', { name: 'Monthly price' });
    expect(monthly).toHaveValue('29.00');
    expect(within(dialog).getByRole('textbox', { name: 'Contract (months)' })).toHaveValue('12');
    await user.clear(monthly);
    await user.type(monthly, '31');
    await user.click(within(dialog).getByRole('checkbox', { name: /existing subscriptions/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Save new price' }));

    const validFrom = within(dialog).getByLabelText(/Valid from/);
    await waitFor(() => expect(validFrom).toHaveAttribute('aria-invalid', 'true'));
    expect(validFrom).toHaveAccessibleDescription(/Must not be before version 2 starts/);

    await user.click(within(dialog).getByRole('button', { name: 'Save new price' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New price version' })).not.toBeInTheDocument());
    const posts = api.requests.filter((r) => r.method === 'POST');
    expect(posts[0]?.body).toEqual({
      monthly_price: '31',
      one_time_price: '49.00',
      download_mbps: 100,
      upload_mbps: 20,
      data_cap_gb: null,
      overage_per_gb: null,
      contract_months: 12,
      early_termination_fee: '100.00',
      apply_to_existing: true,
    });
    expect(posts[1]?.headers.get('Idempotency-Key')).toBe(posts[0]?.headers.get('Idempotency-Key'));
    expect(await screen.findByText('FIBER-100 version 3 is current.')).toBeInTheDocument();
  });

  it('retires a product only after confirmation', async () => {
    const api = catalogApi('manager', {
      'POST /api/v1/products/1/retire': () => json({ ...fiber, status: 'retired', versions: [version] }),
    });
    const user = userEvent.setup();
    renderRoutes(routes, '/admin/catalog');
    const table = await productsTable();

    await user.click(within(table).getByRole('button', { name: 'Retire FIBER-100' }));
    const dialog = await screen.findByRole('dialog', { name: 'Retire product' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.click(within(table).getByRole('button', { name: 'Retire FIBER-100' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Retire product' })).getByRole('button', { name: 'Retire' }));
    expect(await screen.findByText('FIBER-100 is no longer sold.')).toBeInTheDocument();
    expect(api.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/v1/products/1/retire']);
  });

  it('ends a tax rate with the version it read, and explains an overlap', async () => {
    const api = catalogApi('manager', {
      'PATCH /api/v1/tax-rates/5': () =>
        problem(409, 'tax_rate_overlap', 'another rate of this zone and category covers part of this period; end it first'),
    });
    const user = userEvent.setup();
    renderRoutes(routes, '/admin/catalog');
    await productsTable();
    await user.click(screen.getByRole('tab', { name: 'Tax rates' }));
    const rates = await screen.findByRole('table', { name: 'Tax rates' });

    await user.click(within(rates).getByRole('button', { name: 'End Telecom services tax (DEFAULT)' }));
    const dialog = await screen.findByRole('dialog', { name: 'End tax rate' });
    const day = within(dialog).getByLabelText(/Ends on/);
    await user.clear(day);
    await user.type(day, '2099-01-01');
    await user.click(within(dialog).getByRole('button', { name: 'End rate' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Another rate of this zone and category');
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"3"');
    expect(patch?.body).toEqual({ valid_to: '2099-01-01' });
  });

  it('creates a promotion for the plans it picks', async () => {
    const api = catalogApi('manager', {
      'POST /api/v1/promotions': ({ body }) =>
        json(
          { id: 9, version: 1, active: true, valid_from: '2026-03-01T00:00:00Z', valid_to: null, created_at: '', updated_at: '', ...(body as object) },
          201,
        ),
    });
    const user = userEvent.setup();
    renderRoutes(routes, '/admin/catalog');
    await productsTable();
    await user.click(screen.getByRole('tab', { name: 'Promotions' }));
    await user.click(await screen.findByRole('button', { name: 'New promotion' }));
    const dialog = await screen.findByRole('dialog', { name: 'New promotion' });

    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Spring');
    await user.type(within(dialog).getByRole('textbox', { name: 'Code' }), 'spring');
    await user.type(within(dialog).getByRole('textbox', { name: 'Percent' }), '120');
    await user.click(within(dialog).getByRole('button', { name: 'Create promotion' }));
    expect(await within(dialog).findByText('A percentage is at most 100')).toBeInTheDocument();
    expect(within(dialog).getByText('Pick at least one plan or add-on')).toBeInTheDocument();

    await user.clear(within(dialog).getByRole('textbox', { name: 'Percent' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Percent' }), '20');
    await user.click(within(dialog).getByLabelText(/Eligible plans/, { selector: 'input' }));
    // One-time products take no promotion: only the plan is offered.
    expect(screen.queryByRole('option', { name: /INSTALL/, hidden: true })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: /FIBER-100/, hidden: true }));
    await user.click(within(dialog).getByRole('button', { name: 'Create promotion' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New promotion' })).not.toBeInTheDocument());
    expect(api.requests.find((r) => r.method === 'POST')?.body).toEqual({
      code: 'SPRING',
      name: 'Spring',
      kind: 'percent',
      value: '20',
      currency: null,
      cycles: null,
      valid_to: null,
      product_ids: [1],
    });
  });
});
