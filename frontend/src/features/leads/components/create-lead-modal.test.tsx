import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';
import { NewLeadButton } from './create-lead-modal';

function renderPage() {
  return renderRoutes(
    [
      { path: '/leads', element: <NewLeadButton /> },
      { path: '/leads/:id', element: <p>Lead page</p> },
    ],
    '/leads',
  );
}

describe('NewLeadButton', () => {
  it('captures a lead with its address and first note, then opens it', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'POST /api/v1/leads': () => json({ id: 31, name: 'Jonas Berg' }, 201),
      'GET /api/v1/leads': () => json({ items: [], next_cursor: null }),
    });
    const { router } = renderPage();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'New lead' }));
    const dialog = await screen.findByRole('dialog', { name: 'New lead' });
    await user.type(within(dialog).getByRole('textbox', { name: /^name/i }), 'Jonas Berg');
    await user.type(within(dialog).getByRole('textbox', { name: 'Phone' }), '(555) 010-0302');
    await user.type(within(dialog).getByRole('textbox', { name: 'Street' }), '17 Willow Road');
    await user.type(within(dialog).getByRole('textbox', { name: 'Postal code' }), '62704');
    await user.type(within(dialog).getByRole('textbox', { name: 'Note' }), 'Wants 300 Mbit/s');
    await user.click(within(dialog).getByRole('button', { name: 'Create lead' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/leads/31'));
    expect(api.requests[0]?.body).toEqual({
      kind: 'residential',
      name: 'Jonas Berg',
      source: 'phone',
      phone: '(555) 010-0302',
      address_line1: '17 Willow Road',
      postal_code: '62704',
      country: 'US',
      note: 'Wants 300 Mbit/s',
    });
  });

  it('needs a way to reach the prospect, and shows the API’s field errors', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'POST /api/v1/leads': () =>
        problem(422, 'validation_failed', 'phone: must have 10 digits', [
          { field: 'phone', code: 'invalid', message: 'must have 10 digits (area code and number) or start with +' },
        ]),
    });
    renderPage();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'New lead' }));
    const dialog = await screen.findByRole('dialog', { name: 'New lead' });
    await user.type(within(dialog).getByRole('textbox', { name: /^name/i }), 'Ben');
    await user.click(within(dialog).getByRole('button', { name: 'Create lead' }));
    expect(await within(dialog).findByText('Give an email or a phone')).toBeInTheDocument();
    expect(api.fetchMock).not.toHaveBeenCalled();

    await user.type(within(dialog).getByRole('textbox', { name: 'Phone' }), '555-0101');
    await user.click(within(dialog).getByRole('button', { name: 'Create lead' }));
    expect(await within(dialog).findByText(/Must have 10 digits/)).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });
});
