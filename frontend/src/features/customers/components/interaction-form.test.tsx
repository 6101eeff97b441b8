import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { InteractionForm } from './interaction-form';

const logged = {
  id: 9,
  customer_id: 4,
  lead_id: null,
  channel: 'email',
  direction: 'outbound',
  summary: 'Sent the offer',
  outcome: 'Waiting',
  follow_up_on: '2030-01-10',
  agent_id: 2,
  agent_name: 'Agent Smith',
  occurred_at: '2026-03-02T09:00:00Z',
  created_at: '2026-03-02T09:00:00Z',
};

describe('InteractionForm', () => {
  it('logs what happened with its channel, outcome and follow-up, then clears itself', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({ 'POST /api/v1/customers/4/interactions': () => json(logged, 201) });
    const onLogged = vi.fn();
    renderWithProviders(<InteractionForm customerId={4} onLogged={onLogged} />);
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Log an interaction' });

    await user.click(within(form).getByRole('combobox', { name: 'Channel' }));
    await user.click(await screen.findByRole('option', { name: 'Email', hidden: true }));
    await user.click(within(form).getByRole('combobox', { name: 'Direction' }));
    await user.click(await screen.findByRole('option', { name: 'Outbound', hidden: true }));
    await user.type(within(form).getByLabelText('Follow up on'), '2030-01-10');
    await user.type(within(form).getByRole('textbox', { name: /summary/i }), 'Sent the offer');
    await user.type(within(form).getByRole('textbox', { name: 'Outcome' }), 'Waiting');
    await user.click(within(form).getByRole('button', { name: 'Log interaction' }));

    await waitFor(() => expect(onLogged).toHaveBeenCalledWith(logged));
    expect(api.requests[0]?.body).toEqual({
      channel: 'email',
      direction: 'outbound',
      summary: 'Sent the offer',
      outcome: 'Waiting',
      follow_up_on: '2030-01-10',
    });
    expect(api.requests[0]?.headers.get('Idempotency-Key')).toBeTruthy();
    expect(within(form).getByRole('textbox', { name: /summary/i })).toHaveValue('');
  });

  it('needs a summary, and shows the API’s field errors where they belong', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'POST /api/v1/customers/4/interactions': () =>
        problem(422, 'validation_failed', 'follow_up_on: must not be in the past', [
          { field: 'follow_up_on', code: 'invalid', message: 'must not be in the past' },
        ]),
    });
    renderWithProviders(<InteractionForm customerId={4} />);
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Log an interaction' });

    await user.click(within(form).getByRole('button', { name: 'Log interaction' }));
    expect(await within(form).findByText('Write what happened')).toBeInTheDocument();
    expect(api.fetchMock).not.toHaveBeenCalled();

    await user.type(within(form).getByRole('textbox', { name: /summary/i }), 'Call back');
    await user.type(within(form).getByLabelText('Follow up on'), '2020-01-01');
    await user.click(within(form).getByRole('button', { name: 'Log interaction' }));
    expect(await within(form).findByText('Must not be in the past')).toBeInTheDocument();
    expect(within(form).queryByRole('alert')).not.toBeInTheDocument();
  });
});
