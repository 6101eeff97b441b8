import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { NewUserButton } from './create-user-modal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const created = {
  id: 7,
  email: 'fin@example.com',
  name: 'Fin Ance',
  role: 'finance',
  active: true,
  created_at: '2025-03-01T10:00:00Z',
  last_login_at: null,
};

async function openForm(user: UserEvent) {
  await user.click(screen.getByRole('button', { name: 'New user' }));
  return screen.findByRole('dialog', { name: 'New user' });
}

async function fillForm(user: UserEvent, dialog: HTMLElement) {
  await user.type(within(dialog).getByRole('textbox', { name: /email/i }), 'fin@example.com');
  await user.type(within(dialog).getByRole('textbox', { name: /name/i }), 'Fin Ance');
  await user.click(within(dialog).getByRole('combobox', { name: /role/i }));
  await user.click(await screen.findByRole('option', { name: 'Finance', hidden: true }));
  await user.type(within(dialog).getByLabelText(/password/i, { selector: 'input' }), 'a long enough password');
}

describe('NewUserButton', () => {
  it('sends one Idempotency-Key per opened form, the same one when the form is submitted again', async () => {
    tokenStore.setTokens(tokens('1'));
    let calls = 0;
    const api = mockApi({
      'POST /api/v1/users': () =>
        ++calls === 1 ? problem(500, 'internal_error', 'internal error; retry later') : json(created, 201),
    });
    renderWithProviders(<NewUserButton />);
    const user = userEvent.setup();

    const dialog = await openForm(user);
    await fillForm(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Internal error; retry later');

    // A retry of the same opened form reuses the key: the API cannot create the user twice.
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New user' })).not.toBeInTheDocument());
    expect(await screen.findByText('Fin Ance (fin@example.com) can now sign in.')).toBeInTheDocument();

    const [first, second] = api.requests;
    const key = first?.headers.get('Idempotency-Key');
    expect(key).toMatch(UUID);
    expect(second?.headers.get('Idempotency-Key')).toBe(key);
    expect(first?.body).toEqual({
      email: 'fin@example.com',
      name: 'Fin Ance',
      role: 'finance',
      password: 'a long enough password',
    });
    expect(second?.body).toEqual(first?.body);

    // A new opening of the form is a new intention: a new key.
    const again = await openForm(user);
    await fillForm(user, again);
    await user.click(within(again).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(api.requests).toHaveLength(3));
    expect(api.requests[2]?.headers.get('Idempotency-Key')).toMatch(UUID);
    expect(api.requests[2]?.headers.get('Idempotency-Key')).not.toBe(key);
  });

  it("shows a 422's field errors next to their inputs", async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'POST /api/v1/users': () =>
        problem(422, 'validation_failed', '2 fields are invalid', [
          { field: 'email', code: 'invalid', message: 'not an email address' },
          { field: 'password', code: 'too_short', message: 'must be at least 12 characters' },
        ]),
    });
    renderWithProviders(<NewUserButton />);
    const user = userEvent.setup();

    const dialog = await openForm(user);
    await fillForm(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));

    const email = within(dialog).getByRole('textbox', { name: /email/i });
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    expect(email).toHaveAccessibleDescription(/Not an email address/);
    const password = within(dialog).getByLabelText(/password/i, { selector: 'input' });
    expect(password).toHaveAccessibleDescription(/Must be at least 12 characters/);
    expect(within(dialog).getByRole('textbox', { name: /name/i })).not.toHaveAttribute('aria-invalid', 'true');
    // Every error has its field, so there is no message above the form.
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it("shows the problem's detail for a conflict", async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'POST /api/v1/users': () => problem(409, 'email_taken', 'a user with this email already exists'),
    });
    renderWithProviders(<NewUserButton />);
    const user = userEvent.setup();

    const dialog = await openForm(user);
    await fillForm(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A user with this email already exists');
    expect(screen.getByRole('dialog', { name: 'New user' })).toBeInTheDocument();
  });

  it('checks the form before calling the API', async () => {
    const api = mockApi({});
    renderWithProviders(<NewUserButton />);
    const user = userEvent.setup();

    const dialog = await openForm(user);
    await user.type(within(dialog).getByLabelText(/password/i, { selector: 'input' }), 'too short');
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));

    expect(await within(dialog).findByText('Use at least 12 characters')).toBeInTheDocument();
    expect(within(dialog).getByText('Pick a role')).toBeInTheDocument();
    expect(api.fetchMock).not.toHaveBeenCalled();
  });
});
