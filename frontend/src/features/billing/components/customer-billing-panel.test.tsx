import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { CustomerBillingPanel } from './customer-billing-panel';

const invoice = {
  id: 7,
  number: null,
  status: 'draft',
  customer_id: 5,
  account_number: '1000005',
  customer_name: 'Ana Lima',
  currency: 'USD',
  period_start: '2026-11-01',
  period_end: '2026-12-01',
  issue_date: null,
  due_date: null,
  subtotal: '50.00',
  tax_total: '10.00',
  total: '60.00',
  amount_paid: '0.00',
  amount_credited: '0.00',
  amount_due: '0.00',
  overdue: false,
  version: 1,
};

const statement = {
  customer_id: 5,
  account_number: '1000005',
  customer_name: 'Ana Lima',
  currency: 'USD',
  from: '2026-08-22',
  to: '2026-11-20',
  opening_balance: '0.00',
  closing_balance: '48.40',
  entries: [
    {
      id: 1,
      kind: 'invoice',
      amount: '48.40',
      currency: 'USD',
      due_on: '2026-12-01',
      reference_type: 'invoice',
      reference_id: '6',
      description: 'Invoice INV-2026-000006',
      occurred_at: '2026-11-17T10:00:00Z',
      balance: '48.40',
    },
  ],
};

function api() {
  const charges: unknown[] = [];
  return mockApi({
    'GET /api/v1/invoices': () =>
      json({ items: [invoice, { ...invoice, id: 6, number: 'INV-2026-000006', status: 'issued', overdue: true, amount_due: '48.40' }], next_cursor: null }),
    'GET /api/v1/customers/5/statement': () => json(statement),
    'GET /api/v1/customers/5/pending-charges': () => json({ items: charges }),
    'POST /api/v1/customers/5/pending-charges': ({ body }) => {
      const charge = {
        id: 1,
        customer_id: 5,
        currency: 'USD',
        charge_on: '2026-11-20',
        created_at: '2026-11-20T10:00:00Z',
        ...(body as object),
      };
      charges.push(charge);
      return json(charge, 201);
    },
  });
}

describe("the customer's invoices tab", () => {
  it("lists the customer's invoices, the statement with its running balance, and what waits", async () => {
    tokenStore.setTokens(tokens('1'));
    const requests = api().requests;
    renderWithProviders(<CustomerBillingPanel customerId={5} currency="USD" role="viewer" />);

    const table = await screen.findByRole('table', { name: 'Customer invoices' });
    const rows = within(table).getAllByTestId('invoice-row');
    expect(rows[0]).toHaveTextContent('Draft #7');
    expect(within(rows[1]!).getByRole('link', { name: 'INV-2026-000006' })).toHaveAttribute('href', '/invoices/6');
    expect(within(rows[1]!).getByTestId('invoice-status')).toHaveTextContent('IssuedOverdue');
    expect(requests.find((r) => r.path === '/api/v1/invoices')?.query.get('customer_id')).toBe('5');

    const entry = await screen.findByTestId('statement-entry');
    expect(within(entry).getByRole('link', { name: 'Invoice INV-2026-000006' })).toHaveAttribute('href', '/invoices/6');
    expect(screen.getByTestId('statement-closing')).toHaveTextContent('$48.40');
    expect(await screen.findByText(/Nothing is waiting/)).toBeInTheDocument();
    // A viewer reads, and adds nothing.
    expect(screen.queryByRole('button', { name: 'Add charge' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Statement PDF' })).toBeInTheDocument();
  });

  it('lets finance add a one-time charge for the next invoice', async () => {
    tokenStore.setTokens(tokens('1'));
    const { requests } = api();
    renderWithProviders(<CustomerBillingPanel customerId={5} currency="USD" role="finance" />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Add charge' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a one-time charge' });
    await user.click(within(dialog).getByRole('button', { name: 'Add charge' }));
    expect(within(dialog).getByText('Say what the charge is for')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /Description/ }), 'Router replacement');
    await user.type(within(dialog).getByRole('textbox', { name: /Amount/ }), '45');
    await user.click(within(dialog).getByRole('button', { name: 'Add charge' }));

    const charge = await screen.findByTestId('pending-charge');
    expect(charge).toHaveTextContent('Router replacement');
    expect(charge).toHaveTextContent('$45.00');
    const post = requests.find((r) => r.method === 'POST');
    expect(post?.body).toMatchObject({ kind: 'installation', description: 'Router replacement', amount: '45', tax_category: 'standard' });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
