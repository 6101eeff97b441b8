import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';
import { NewCustomerButton } from './create-customer-modal';

const classes = {
  items: [{ id: 2, code: 'business', name: 'Business class' }],
};

function renderPage() {
  return renderRoutes([
    { path: '/customers', element: <NewCustomerButton /> },
    { path: '/customers/:id', element: <p>Customer page</p> },
  ], '/customers');
}

describe('NewCustomerButton', () => {
  it('creates a business customer with its service address and opens its page', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/customer-classes': () => json(classes),
      'POST /api/v1/customers': () => json({ id: 41, name: 'Grace Kim', account_number: '1000412' }, 201),
    });
    const { router } = renderPage();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'New customer' }));
    const dialog = await screen.findByRole('dialog', { name: 'New customer' });
    await user.click(within(dialog).getByRole('combobox', { name: 'Kind' }));
    await user.click(await screen.findByRole('option', { name: 'Business', hidden: true }));
    await user.type(within(dialog).getByRole('textbox', { name: /^name/i }), 'Grace Kim');
    await user.type(within(dialog).getByRole('textbox', { name: /company name/i }), 'Kim Dental');
    await user.type(within(dialog).getByRole('textbox', { name: 'Email' }), 'office@kimdental.example');
    await user.type(within(dialog).getByRole('textbox', { name: 'Phone' }), '(555) 010-0202');
    const service = within(dialog).getByRole('group', { name: 'Service address' });
    await user.type(within(service).getByRole('textbox', { name: 'Street' }), '5 Elm St');
    await user.type(within(service).getByRole('textbox', { name: 'City' }), 'Springfield');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/customers/41'));
    const post = api.requests.find((r) => r.method === 'POST');
    expect(post?.headers.get('Idempotency-Key')).toBeTruthy();
    expect(post?.body).toEqual({
      kind: 'business',
      name: 'Grace Kim',
      company_name: 'Kim Dental',
      email: 'office@kimdental.example',
      phone: '(555) 010-0202',
      service_address: { line1: '5 Elm St', city: 'Springfield', country: 'US' },
      billing: {
        cycle: 'calendar',
        billing_day: 1,
        invoice_delivery: 'email',
        autopay: false,
        tax_zone: 'DEFAULT',
        tax_exempt: false,
        tax_exemption_ref: null,
      },
    });
  });

  it('puts nested field errors from the API next to their inputs', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/customer-classes': () => json(classes),
      'POST /api/v1/customers': () =>
        problem(422, 'validation_failed', '2 fields are invalid', [
          { field: 'phone', code: 'invalid', message: 'must have 10 digits (area code and number) or start with +' },
          { field: 'service_address.country', code: 'invalid', message: 'must be an ISO 3166-1 alpha-2 country code, e.g. US' },
        ]),
    });
    renderPage();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'New customer' }));
    const dialog = await screen.findByRole('dialog', { name: 'New customer' });
    await user.type(within(dialog).getByRole('textbox', { name: /^name/i }), 'Ana');
    await user.type(within(dialog).getByRole('textbox', { name: 'Phone' }), '555-0101');
    const service = within(dialog).getByRole('group', { name: 'Service address' });
    await user.type(within(service).getByRole('textbox', { name: 'Street' }), '1 Main St');
    await user.type(within(service).getByRole('textbox', { name: 'City' }), 'X');
    const country = within(service).getByRole('textbox', { name: /country/i });
    await user.clear(country);
    await user.type(country, 'XX');
    // No email: invoices go on paper.
    await user.click(within(dialog).getByRole('combobox', { name: 'Invoice delivery' }));
    await user.click(await screen.findByRole('option', { name: 'Paper', hidden: true }));
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));

    expect(await within(dialog).findByText(/Must have 10 digits/)).toBeInTheDocument();
    expect(within(service).getByText(/Must be an ISO 3166-1 alpha-2/)).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });
});
