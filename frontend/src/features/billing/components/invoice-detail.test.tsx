import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import type { Schemas } from '@/lib/api/types';
import { json, mockApi, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { InvoiceDetail } from './invoice-detail';

/**
 * The API documents `rule` as an object without properties, which the generated types read
 * as `Record<string, never>`; a test builds one from its real figures.
 */
const asRule = (figures: Record<string, unknown>) => figures as unknown as Schemas['InvoiceLine']['rule'];

type Invoice = Schemas['Invoice'];

const invoice: Invoice = {
  id: 7,
  number: 'INV-2026-000007',
  status: 'issued',
  customer_id: 5,
  account_number: '1000005',
  customer_name: 'Ana Lima',
  currency: 'USD',
  period_start: '2026-11-17',
  period_end: '2026-12-01',
  issue_date: '2026-11-17',
  due_date: '2026-12-01',
  subtotal: '40.33',
  tax_total: '8.07',
  total: '48.40',
  amount_paid: '0.00',
  amount_credited: '0.00',
  amount_due: '48.40',
  overdue: false,
  bill_run_id: 3,
  version: 3,
  created_at: '2026-11-17T10:00:00Z',
  issued_at: '2026-11-17T10:00:00Z',
  lines: [
    {
      id: 70,
      position: 1,
      kind: 'recurring',
      description: 'Fiber 100',
      period_start: '2026-11-17',
      period_end: '2026-12-01',
      quantity: '0.4667',
      unit_price: '50',
      amount: '23.33',
      tax_rate: '20',
      tax_name: 'VAT',
      tax_amount: '4.67',
      credited: '0.00',
      explanation: 'The service started during the period: the monthly price 50.00 USD × 14 / 30 for 14 of the period’s 30 days.',
      rule: asRule({ rule: 'remaining_days', days: 14, period_days: 30, monthly: '50' }),
    },
    {
      id: 71,
      position: 2,
      kind: 'usage',
      description: 'Data over the 100 GB cap: Fiber 100',
      period_start: '2026-10-17',
      period_end: '2026-11-17',
      quantity: '13',
      unit_price: '1.3077',
      amount: '17.00',
      tax_rate: '20',
      tax_name: 'VAT',
      tax_amount: '3.40',
      credited: '0.00',
      explanation: 'Used 112.3 GB … billed as 13 GB.',
      rule: asRule({ rule: 'usage_over_cap', octets: 112_300_000_000, cap_gb: 100, over_octets: 12_300_000_000, billed_gb: 13, per_gb: '1.3077' }),
    },
  ],
  taxes: [{ name: 'VAT', rate: '20', base: '40.33', tax: '8.07' }],
  credit_notes: [],
};

describe('invoice detail', () => {
  it('explains each line with its rule, period, figures and tax, and how the total adds up', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({ 'GET /api/v1/invoices/7': () => json(invoice) });
    renderWithProviders(<InvoiceDetail invoiceId={7} role="agent" />);
    const user = userEvent.setup();

    expect(await screen.findByRole('heading', { name: 'Invoice INV-2026-000007' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ana Lima' })).toHaveAttribute('href', '/customers/5');
    // An agent reads invoices and opens PDFs, but does not change them.
    expect(screen.getByRole('button', { name: 'Open PDF' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^(Void|Credit|Issue)$/ })).not.toBeInTheDocument();
    expect(screen.getAllByTestId('invoice-line')).toHaveLength(2);

    await user.click(screen.getByRole('tab', { name: 'Why this amount' }));
    const first = await screen.findByRole('region', { name: 'Line 1: Fiber 100' });
    expect(within(first).getByText(/Rest of the period, billed in advance/)).toBeInTheDocument();
    expect(within(first).getByTestId('why-line-explanation')).toHaveTextContent('× 14 / 30 for 14 of the period’s 30 days');
    expect(within(first).getByTestId('why-line-figures')).toHaveTextContent('14 of 30 days');
    expect(within(first).getByTestId('why-line-tax')).toHaveTextContent('VAT 20% on $23.33 = $4.67');
    expect(within(first).getByText('$28.00 with tax')).toBeInTheDocument();
    const usage = screen.getByRole('region', { name: 'Line 2: Data over the 100 GB cap: Fiber 100' });
    expect(within(usage).getByTestId('why-line-figures')).toHaveTextContent(
      '112.3 GB used100 GB cap12.3 GB over the cap13 GB billed (every GB or part of one)',
    );
    const totals = within(screen.getByRole('region', { name: 'How the total adds up' }));
    expect(totals.getByText('2 lines, before tax')).toBeInTheDocument();
    expect(totals.getByText('VAT 20% on $40.33')).toBeInTheDocument();
    expect(totals.getByText('Amount due')).toBeInTheDocument();
    expect(totals.getAllByText('$48.40')).toHaveLength(2);
  });

  it('voids with a required reason, sending the version it read as If-Match', async () => {
    tokenStore.setTokens(tokens('1'));
    let current = invoice;
    const api = mockApi({
      'GET /api/v1/invoices/7': () => json(current),
      'POST /api/v1/invoices/7/void': () => {
        current = { ...invoice, status: 'void', amount_due: '0.00', void_reason: 'Billed twice', voided_at: '2026-11-18T09:00:00Z', version: 4 };
        return json(current);
      },
    });
    renderWithProviders(<InvoiceDetail invoiceId={7} role="finance" />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Void' }));
    const dialog = await screen.findByRole('dialog', { name: 'Void invoice INV-2026-000007' });
    await user.click(within(dialog).getByRole('button', { name: 'Void invoice' }));
    expect(await within(dialog).findByText(/^Say why/)).toBeInTheDocument();
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);

    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Billed twice');
    await user.click(within(dialog).getByRole('button', { name: 'Void invoice' }));
    await waitFor(() => expect(screen.getByTestId('invoice-status')).toHaveTextContent('Void'));
    const post = api.requests.find((r) => r.method === 'POST');
    expect(post?.headers.get('If-Match')).toBe('"3"');
    expect(post?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(post?.body).toEqual({ reason: 'Billed twice' });
    expect(screen.getByTestId('void-reason')).toHaveTextContent('Billed twice');
    expect(screen.queryByRole('button', { name: 'Void' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Credit' })).not.toBeInTheDocument();
  });

  it('opens the PDF with the bearer token in a tab opened on the click', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/invoices/7': () => json(invoice),
      'GET /api/v1/invoices/7/pdf': () =>
        new Response('%PDF-1.7 test', { headers: { 'Content-Type': 'application/pdf' } }),
    });
    const tab = { closed: false, close: vi.fn(), location: { href: '' } };
    const open = vi.fn(() => tab);
    vi.stubGlobal('open', open);
    // jsdom has no object URLs.
    vi.stubGlobal(
      'URL',
      class extends URL {
        static override createObjectURL = (blob: Blob) => `blob:pdf-${blob.size}`;
        static override revokeObjectURL = () => {};
      },
    );
    renderWithProviders(<InvoiceDetail invoiceId={7} role="viewer" />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Open PDF' }));
    await waitFor(() => expect(tab.location.href).toBe('blob:pdf-13'));
    expect(open).toHaveBeenCalledWith('', '_blank');
    expect(api.requests.find((r) => r.path === '/api/v1/invoices/7/pdf')?.headers.get('Authorization')).toBe('Bearer access-1');
  });
});
