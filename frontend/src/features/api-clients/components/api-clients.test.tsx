import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { NewApiClientButton } from './api-client-form-modals';
import { ApiClientsTable } from './api-clients-table';

const SECRET = 'cs_this-is-the-one-time-secret';

const crm = {
  id: 3,
  client_id: 'ci_crm',
  name: 'CRM sync',
  scopes: ['customers:read'],
  active: true,
  created_at: '2025-02-01T12:00:00Z',
  last_used_at: null,
};

/** Everything the app keeps where a secret must never go. */
function storedState(queryClient: ReturnType<typeof renderWithProviders>['queryClient']): string {
  return JSON.stringify([
    queryClient.getQueryCache().getAll().map((q) => q.state),
    queryClient.getMutationCache().getAll().map((m) => m.state),
    Object.entries(window.localStorage),
  ]);
}

async function pickScope(user: UserEvent, dialog: HTMLElement, scope: string) {
  await user.click(within(dialog).getByRole('combobox', { name: /scopes/i }));
  await user.click(await screen.findByRole('option', { name: scope, hidden: true }));
}

async function rowAction(user: UserEvent, clientName: string, action: string) {
  await user.click(await screen.findByRole('button', { name: `Actions for ${clientName}` }));
  await user.click(await screen.findByRole('menuitem', { name: action, hidden: true }));
}

describe('API clients', () => {
  it('shows a new secret once, keeps it out of every cache, and forgets it when closed', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'POST /api/v1/api-clients': ({ body }) =>
        json({ ...crm, id: 9, client_id: 'ci_new', ...(body as object), client_secret: SECRET }, 201),
    });
    const { queryClient } = renderWithProviders(<NewApiClientButton />);
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'New client' }));
    const form = await screen.findByRole('dialog', { name: 'New API client' });
    await user.type(within(form).getByRole('textbox', { name: /name/i }), 'Website signup');
    await pickScope(user, form, 'leads:write');
    await pickScope(user, form, 'customers:read');
    await user.click(within(form).getByRole('button', { name: 'Create client' }));

    const secretDialog = await screen.findByRole('dialog', { name: 'API client "Website signup" created' });
    expect(api.requests[0]?.body).toEqual({ name: 'Website signup', scopes: ['leads:write', 'customers:read'] });
    expect(within(secretDialog).getByTestId('client-secret')).toHaveTextContent(SECRET);
    expect(within(secretDialog).getByTestId('client-id')).toHaveTextContent('ci_new');
    expect(within(secretDialog).getByText(/cannot be shown again/i)).toBeInTheDocument();
    expect(within(secretDialog).getByRole('button', { name: 'Copy client secret' })).toBeInTheDocument();
    expect(screen.getAllByText(SECRET)).toHaveLength(1);
    expect(storedState(queryClient)).not.toContain(SECRET);

    await user.click(within(secretDialog).getByRole('button', { name: 'I have stored the secret' }));

    expect(screen.queryByRole('dialog', { name: /created/ })).not.toBeInTheDocument();
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(storedState(queryClient)).not.toContain(SECRET);

    // Opening the form again starts afresh; the secret does not come back.
    await user.click(screen.getByRole('button', { name: 'New client' }));
    const again = await screen.findByRole('dialog', { name: 'New API client' });
    expect(within(again).getByRole('textbox', { name: /name/i })).toHaveValue('');
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it("shows a 422's scope error under the scopes", async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'POST /api/v1/api-clients': () =>
        problem(422, 'validation_failed', 'scopes[0]: nope:read is not a scope', [
          { field: 'scopes[0]', code: 'invalid', message: 'nope:read is not a scope; known scopes: …' },
        ]),
    });
    renderWithProviders(<NewApiClientButton />);
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'New client' }));
    const form = await screen.findByRole('dialog', { name: 'New API client' });
    await user.type(within(form).getByRole('textbox', { name: /name/i }), 'Website signup');
    await user.click(within(form).getByRole('button', { name: 'Create client' }));

    expect(await within(form).findByText('Nope:read is not a scope; known scopes: …')).toBeInTheDocument();
    expect(within(form).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('rotates a secret after confirmation and shows the new one once', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/api-clients': () => json({ items: [crm], next_cursor: null }),
      'POST /api/v1/api-clients/3/rotate-secret': () => json({ ...crm, client_secret: SECRET }),
    });
    const { queryClient } = renderWithProviders(<ApiClientsTable />);
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'API clients' });
    expect(within(table).getByText('ci_crm')).toBeInTheDocument();
    await rowAction(user, 'CRM sync', 'Rotate secret');
    const confirm = await screen.findByRole('dialog', { name: 'Rotate the secret?' });
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);
    await user.click(within(confirm).getByRole('button', { name: 'Rotate secret' }));

    const secretDialog = await screen.findByRole('dialog', { name: 'New secret for "CRM sync"' });
    expect(within(secretDialog).getByTestId('client-secret')).toHaveTextContent(SECRET);
    expect(within(secretDialog).getByText(/previous secret has already stopped working/)).toBeInTheDocument();
    expect(storedState(queryClient)).not.toContain(SECRET);

    await user.click(within(secretDialog).getByRole('button', { name: 'Close' }));
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('deletes a client after confirmation and reloads the list', async () => {
    tokenStore.setTokens(tokens('1'));
    let items = [crm];
    const api = mockApi({
      'GET /api/v1/api-clients': () => json({ items, next_cursor: null }),
      'DELETE /api/v1/api-clients/3': () => {
        items = [];
        return new Response(null, { status: 204 });
      },
    });
    renderWithProviders(<ApiClientsTable />);
    const user = userEvent.setup();

    await rowAction(user, 'CRM sync', 'Delete');
    const confirm = await screen.findByRole('dialog', { name: 'Delete the API client?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete client' }));

    expect(await screen.findByText(/No API clients yet/)).toBeInTheDocument();
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/api-clients',
      'DELETE /api/v1/api-clients/3',
      'GET /api/v1/api-clients',
    ]);
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete the API client?' })).not.toBeInTheDocument());
  });

  it('edits name, scopes and the active flag, sending only what changed', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/api-clients': () => json({ items: [crm], next_cursor: null }),
      'PATCH /api/v1/api-clients/3': ({ body }) => json({ ...crm, ...(body as object) }),
    });
    renderWithProviders(<ApiClientsTable />);
    const user = userEvent.setup();

    await rowAction(user, 'CRM sync', 'Edit');
    const dialog = await screen.findByRole('dialog', { name: 'Edit CRM sync' });
    await pickScope(user, dialog, 'orders:read');
    await user.click(within(dialog).getByRole('switch', { name: /active/i }));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    await waitFor(() =>
      expect(api.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
        scopes: ['customers:read', 'orders:read'],
        active: false,
      }),
    );
  });
});
