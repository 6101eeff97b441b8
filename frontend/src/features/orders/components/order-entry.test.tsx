import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import type { Schemas } from '@/lib/api/types';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { OrderEntry } from './order-entry';

type Order = Schemas['Order'];
type OrderLine = Schemas['OrderLine'];

const zeroTotals = {
  one_time_subtotal: '0.00',
  one_time_tax: '0.00',
  one_time_total: '0.00',
  monthly_subtotal: '0.00',
  monthly_tax: '0.00',
  monthly_total: '0.00',
  first_invoice_total: '0.00',
};

const draft: Order = {
  id: 7,
  number: 'ORD-000007',
  customer_id: 3,
  customer_name: 'Haddad Logistics LLC',
  account_number: '1000018',
  lead_id: null,
  status: 'draft',
  channel: 'call_center',
  currency: 'USD',
  notes: null,
  lines: [],
  totals: zeroTotals,
  credit_check: null,
  decision_reason: null,
  decided_by: null,
  decided_at: null,
  submitted_at: null,
  cancelled_at: null,
  created_by: 'user:2',
  version: 1,
  created_at: '2026-03-02T09:00:00Z',
  updated_at: '2026-03-02T09:00:00Z',
};

const planLine: OrderLine = {
  id: 11,
  position: 1,
  action: 'add',
  kind: 'plan',
  product_id: 4,
  product_code: 'FIBER-300',
  product_version_id: 4,
  description: 'Fiber 300',
  promotion_id: 1,
  promotion_code: 'WELCOME3',
  promotion_name: 'Welcome: 50% off',
  promotion_cycles: 3,
  quantity: 1,
  unit_monthly: '39.00',
  unit_one_time: '49.00',
  discount_monthly: '19.50',
  tax_rate: '8.25',
  monthly_amount: '19.50',
  monthly_tax: '1.61',
  one_time_amount: '49.00',
  one_time_tax: '4.04',
};

const withPlan: Order = {
  ...draft,
  version: 2,
  lines: [planLine],
  totals: {
    one_time_subtotal: '49.00',
    one_time_tax: '4.04',
    one_time_total: '53.04',
    monthly_subtotal: '19.50',
    monthly_tax: '1.61',
    monthly_total: '21.11',
    first_invoice_total: '74.15',
  },
};

const sellable = {
  items: [
    {
      product_id: 4,
      code: 'FIBER-300',
      name: 'Fiber 300',
      kind: 'plan',
      version_id: 4,
      version: 1,
      currency: 'USD',
      monthly_price: '39.00',
      one_time_price: '49.00',
      download_mbps: 300,
      upload_mbps: 50,
      contract_months: 12,
      tax_rate: '8.25',
      promotions: [{ id: 1, code: 'WELCOME3', name: 'Welcome: 50% off', kind: 'percent', value: '50', cycles: 3 }],
    },
  ],
};

describe('OrderEntry', () => {
  it('adds a line from the pick list and shows the totals the server computed', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/orders/7': () => json(draft),
      'GET /api/v1/orders/7/sellable-products': () => json(sellable),
      'POST /api/v1/orders/7/lines': () => json(withPlan, 201),
    });
    renderWithProviders(<OrderEntry orderId={7} role="agent" />);
    const user = userEvent.setup();

    expect(await screen.findByRole('heading', { name: 'Order ORD-000007' })).toBeInTheDocument();
    expect(screen.getByText(/No lines yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Submit order' })).toBeDisabled();

    const form = await screen.findByRole('form', { name: 'Add a product' });
    await user.click(await within(form).findByRole('combobox', { name: 'Product' }));
    await user.click(await screen.findByRole('option', { name: /Fiber 300/, hidden: true }));
    expect(within(form).getByText(/Tax 8.25% for this customer · 12-month contract/)).toBeInTheDocument();
    await user.click(within(form).getByRole('combobox', { name: 'Promotion' }));
    await user.click(await screen.findByRole('option', { name: 'Welcome: 50% off (WELCOME3)', hidden: true }));
    await user.click(within(form).getByRole('button', { name: 'Add' }));

    const lines = await screen.findByRole('table', { name: 'Order lines' });
    expect(await within(lines).findByText('Fiber 300')).toBeInTheDocument();
    const post = api.requests.find((r) => r.method === 'POST');
    expect(post?.body).toEqual({ action: 'add', product_id: 4, quantity: 1, promotion_id: 1 });
    // The version the page showed goes with the change.
    expect(post?.headers.get('If-Match')).toBe('"1"');
    expect(screen.getByTestId('monthly-total')).toHaveTextContent('21.11 USD');
    expect(screen.getByTestId('first-invoice-total')).toHaveTextContent('74.15 USD');
    expect(screen.getByRole('button', { name: 'Submit order' })).toBeEnabled();
  });

  it('changes a quantity and, on submission, shows why the order needs a manager', async () => {
    tokenStore.setTokens(tokens('1'));
    const submitted: Order = {
      ...withPlan,
      status: 'pending_approval',
      version: 4,
      credit_check: {
        outcome: 'needs_approval',
        reasons: [
          {
            code: 'above_approval_threshold',
            message: 'The order comes to 3767.11 USD, above the 1500.00 USD a manager must approve.',
            amount: '3767.11',
            limit: '1500.00',
          },
        ],
        deposit: '1612.93',
        balance: '0.00',
        overdue: '0.00',
        customer_class: 'business',
        credit_limit: '2000.00',
        approval_threshold: '1500.00',
        checked_at: '2026-03-02T09:05:00Z',
      },
    };
    const api = mockApi({
      'GET /api/v1/orders/7': () => json(withPlan),
      'GET /api/v1/orders/7/sellable-products': () => json(sellable),
      'PATCH /api/v1/orders/7/lines/11': () => json({ ...withPlan, version: 3, lines: [{ ...planLine, quantity: 3 }] }),
      'POST /api/v1/orders/7/submit': () => json(submitted),
    });
    renderWithProviders(<OrderEntry orderId={7} role="agent" />);
    const user = userEvent.setup();

    const quantity = await screen.findByRole('textbox', { name: 'Quantity of Fiber 300' });
    await user.clear(quantity);
    await user.type(quantity, '3{Enter}');
    await waitFor(() => expect(api.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ quantity: 3 }));

    await user.click(screen.getByRole('button', { name: 'Submit order' }));
    const check = await screen.findByRole('alert', { name: /^Credit check/ });
    expect(check).toHaveTextContent("Credit check: needs a manager's approval");
    expect(check).toHaveTextContent('The order comes to 3767.11 USD, above the 1500.00 USD a manager must approve.');
    expect(check).toHaveTextContent('A deposit of 1612.93 USD was added as a one-time charge.');
    expect(api.requests.find((r) => r.path.endsWith('/submit'))?.headers.get('If-Match')).toBe('"3"');
    expect(screen.getByTestId('order-status')).toHaveTextContent('Needs approval');
    // Submitted: nothing to edit any more, and an agent cannot approve.
    expect(screen.queryByRole('form', { name: 'Add a product' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Approve/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel order ORD-000007' })).toBeInTheDocument();
  });

  it('tells the agent when someone else changed the order and reloads it', async () => {
    tokenStore.setTokens(tokens('1'));
    let reads = 0;
    mockApi({
      'GET /api/v1/orders/7': () => {
        reads += 1;
        return json(reads === 1 ? withPlan : { ...withPlan, version: 3, notes: 'Changed by Bea' });
      },
      'GET /api/v1/orders/7/sellable-products': () => json(sellable),
      'DELETE /api/v1/orders/7/lines/11': () =>
        problem(409, 'version_conflict', 'the order changed since you read it (version 3 now); reload and retry'),
    });
    renderWithProviders(<OrderEntry orderId={7} role="agent" />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Remove Fiber 300' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Someone else changed this order in the meantime');
    expect(await screen.findByText('Changed by Bea')).toBeInTheDocument();
  });

  it('lets a manager approve an order waiting for approval, with a reason', async () => {
    tokenStore.setTokens(tokens('1'));
    const pending: Order = {
      ...withPlan,
      status: 'pending_approval',
      version: 4,
      credit_check: {
        outcome: 'needs_approval',
        reasons: [
          { code: 'overdue_balance', message: 'The customer has an overdue balance of 25.00 USD.', amount: '25.00', limit: null },
        ],
        deposit: null,
        balance: '55.00',
        overdue: '25.00',
        customer_class: 'residential',
        credit_limit: '150.00',
        approval_threshold: '300.00',
        checked_at: '2026-03-02T09:05:00Z',
      },
    };
    const api = mockApi({
      'GET /api/v1/orders/7': () => json(pending),
      'POST /api/v1/orders/7/approve': ({ body }) =>
        json({
          ...pending,
          status: 'approved',
          version: 5,
          decision_reason: (body as { reason: string }).reason,
          decided_at: '2026-03-02T10:00:00Z',
          decided_by: 9,
        }),
    });
    renderWithProviders(<OrderEntry orderId={7} role="manager" />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Approve ORD-000007' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve order ORD-000007' });
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    expect(await within(dialog).findByText('Say why')).toBeInTheDocument();
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);

    await user.type(within(dialog).getByRole('textbox', { name: /reason/i }), 'Paid the overdue invoice by phone');
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const approve = api.requests.find((r) => r.method === 'POST');
    expect(approve?.body).toEqual({ reason: 'Paid the overdue invoice by phone' });
    expect(approve?.headers.get('If-Match')).toBe('"4"');
    expect(await screen.findByTestId('decision')).toHaveTextContent('Paid the overdue invoice by phone');
    expect(screen.getByTestId('order-status')).toHaveTextContent('Approved');
  });
});
