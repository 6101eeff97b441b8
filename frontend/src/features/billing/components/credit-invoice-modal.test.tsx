import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import type { Schemas } from '@/lib/api/types';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { CreditInvoiceModal } from './credit-invoice-modal';

function line(id: number, description: string, amount: string): Schemas['InvoiceLine'] {
  return {
    id,
    position: id,
    kind: 'recurring',
    description,
    quantity: '1',
    unit_price: amount,
    amount,
    tax_rate: '20',
    tax_name: 'VAT',
    tax_amount: '0.00',
    credited: '0.00',
    explanation: '',
  };
}

const invoice: Schemas['Invoice'] = {
  id: 7,
  number: 'INV-2026-000007',
  status: 'paid',
  customer_id: 5,
  account_number: '1000005',
  customer_name: 'Ana Lima',
  currency: 'USD',
  subtotal: '60.00',
  tax_total: '12.00',
  total: '72.00',
  amount_paid: '72.00',
  amount_credited: '0.00',
  amount_due: '0.00',
  overdue: false,
  version: 5,
  created_at: '2026-11-01T00:00:00Z',
  lines: [line(1, 'Fiber 100', '50.00'), line(2, 'Static IP', '10.00')],
  taxes: [],
  credit_notes: [],
};

const creditNote = {
  id: 3,
  number: 'CN-2026-000003',
  invoice_id: 7,
  customer_id: 5,
  reason: 'Outage',
  currency: 'USD',
  total: '12.00',
  issue_date: '2026-11-20',
  invoice_number: 'INV-2026-000007',
  account_number: '1000005',
  customer_name: 'Ana Lima',
  subtotal: '10.00',
  tax_total: '2.00',
  created_by: 'user:1',
  created_at: '2026-11-20T10:00:00Z',
  lines: [],
};

function renderDialog() {
  let closed = false;
  const view = renderWithProviders(
    <CreditInvoiceModal invoice={invoice} idempotencyKey="key-1" onClose={() => (closed = true)} />,
  );
  return { ...view, closed: () => closed };
}

describe('credit dialog', () => {
  it('says what is wrong before sending anything', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({});
    renderDialog();
    const user = userEvent.setup();
    const dialog = await screen.findByRole('dialog', { name: 'Credit invoice INV-2026-000007' });

    await user.click(within(dialog).getByRole('radio', { name: /An amount/ }));
    await user.type(within(dialog).getByRole('textbox', { name: /Amount, tax included/ }), '80');
    await user.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));
    expect(within(dialog).getByText(/^Say why/)).toBeInTheDocument();
    expect(within(dialog).getByText(/^At most \$72\.00 is left to credit$/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole('radio', { name: /Chosen lines/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));
    expect(within(dialog).getByText('Choose at least one line')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('checkbox', { name: 'Credit Fiber 100' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Amount to credit on Fiber 100' }), '50.001');
    await user.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));
    expect(within(dialog).getByText('At most 2 decimals')).toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
  });

  it('sends the chosen lines with If-Match and shows the API’s refusal on the line it is about', async () => {
    tokenStore.setTokens(tokens('1'));
    let attempt = 0;
    const api = mockApi({
      'POST /api/v1/invoices/7/credit-notes': () =>
        ++attempt === 1
          ? problem(422, 'validation_failed', 'validation failed', [
              { field: 'lines[1]', code: 'exceeds_line', message: 'at most 4.00 is left to credit on this line' },
            ])
          : json(creditNote, 201),
    });
    const view = renderDialog();
    const user = userEvent.setup();
    const dialog = await screen.findByRole('dialog', { name: 'Credit invoice INV-2026-000007' });

    await user.click(within(dialog).getByRole('radio', { name: /Chosen lines/ }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Credit Fiber 100' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Amount to credit on Fiber 100' }), '5');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Credit Static IP' }));
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Outage on 3 Nov');
    // 5.00 + 1.00 tax, and the Static IP in full: 10.00 + 2.00.
    expect(within(dialog).getByTestId('credit-preview')).toHaveTextContent('Credit note total: $18.00 (net $15.00 + tax $3.00)');
    await user.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));

    expect(await within(dialog).findByText('At most 4.00 is left to credit on this line')).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert', { name: /No credit note/ })).not.toBeInTheDocument();
    const first = api.requests[0];
    expect(first?.headers.get('If-Match')).toBe('"5"');
    expect(first?.headers.get('Idempotency-Key')).toBe('key-1');
    expect(first?.body).toEqual({
      mode: 'lines',
      reason: 'Outage on 3 Nov',
      lines: [{ invoice_line_id: 1, amount: '5' }, { invoice_line_id: 2 }],
    });

    await user.type(within(dialog).getByRole('textbox', { name: 'Amount to credit on Static IP' }), '4');
    await user.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));
    await waitFor(() => expect(view.closed()).toBe(true));
    expect(api.requests[1]?.body).toMatchObject({ lines: [{ invoice_line_id: 1, amount: '5' }, { invoice_line_id: 2, amount: '4' }] });
    expect(await screen.findByText('Credit note CN-2026-000003 issued')).toBeInTheDocument();
  });

  it('shows a version conflict for the whole form', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'POST /api/v1/invoices/7/credit-notes': () =>
        problem(409, 'version_conflict', 'the invoice was changed by someone else; reload it'),
    });
    renderDialog();
    const user = userEvent.setup();
    const dialog = await screen.findByRole('dialog', { name: 'Credit invoice INV-2026-000007' });
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Goodwill');
    expect(within(dialog).getByTestId('credit-preview')).toHaveTextContent('$72.00');
    await user.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The invoice was changed by someone else; reload it');
  });
});
