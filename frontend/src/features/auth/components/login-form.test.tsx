import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { LoginForm } from './login-form';

async function fillAndSubmit(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/email/i, { selector: 'input' }), email);
  await user.type(screen.getByLabelText(/password/i, { selector: 'input' }), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginForm', () => {
  it('posts the credentials, stores the tokens and reports success', async () => {
    const api = mockApi({ 'POST /api/v1/auth/login': () => json(tokens('1')) });
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);

    await fillAndSubmit('  ada@example.com ', 'correct horse');

    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(api.requests[0]?.body).toEqual({ email: 'ada@example.com', password: 'correct horse' });
    expect(tokenStore.getAccessToken()).toBe('access-1');
    expect(tokenStore.getRefreshToken()).toBe('refresh-1');
  });

  it("shows the API's problem detail when the credentials are wrong", async () => {
    mockApi({
      'POST /api/v1/auth/login': () => problem(401, 'invalid_credentials', 'Email or password is incorrect.'),
    });
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);

    await fillAndSubmit('ada@example.com', 'wrong');

    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is incorrect.');
    expect(onSuccess).not.toHaveBeenCalled();
    expect(tokenStore.getRefreshToken()).toBeNull();
  });

  it('disables the button while the request is in flight', async () => {
    let answer!: (response: Response) => void;
    mockApi({ 'POST /api/v1/auth/login': () => new Promise<Response>((resolve) => (answer = resolve)) });
    renderWithProviders(<LoginForm onSuccess={() => {}} />);

    await fillAndSubmit('ada@example.com', 'pw');

    await waitFor(() => expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled());
    answer(problem(429, 'rate_limited', 'Too many attempts. Try again in a minute.'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in a minute.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('does not call the API when the form is invalid', async () => {
    const api = mockApi({});
    renderWithProviders(<LoginForm onSuccess={() => {}} />);
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Enter a valid email address')).toBeInTheDocument();
    expect(api.fetchMock).not.toHaveBeenCalled();
  });
});
