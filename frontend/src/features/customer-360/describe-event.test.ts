import { describe, expect, it } from 'vitest';
import { describeActor, describeEvent } from './describe-event';

const entry = (event_type: string, payload: unknown, entity_type = 'order') => ({
  id: 1,
  event_type,
  entity_type,
  entity_id: '42',
  actor: 'user:3',
  actor_name: null,
  payload,
  occurred_at: '2026-11-25T10:00:00Z',
});

describe('describeEvent', () => {
  it('names the entity by its number, summary or name', () => {
    expect(describeEvent(entry('order.submitted', { number: 'ORD-000012' }))).toBe('Order ORD-000012 submitted');
    expect(describeEvent(entry('interaction.created', { summary: 'Asked about speeds' }, 'interaction'))).toBe(
      'Interaction Asked about speeds created',
    );
    expect(describeEvent(entry('order.pending_approval', {}))).toBe('Order #42 pending approval');
  });

  it('adds the reason of a decision', () => {
    expect(describeEvent(entry('order.rejected', { number: 'ORD-1', decision_reason: 'credit' }))).toBe(
      'Order ORD-1 rejected — credit',
    );
  });

  it('names a service by its username and reads coded reasons and notes', () => {
    expect(
      describeEvent(entry('subscription.suspended', { username: '1000025', reason: 'non_payment', note: 'Invoice 12 unpaid' }, 'subscription')),
    ).toBe('Subscription 1000025 suspended — non payment: Invoice 12 unpaid');
    expect(describeEvent(entry('subscription.restored', { username: '1000025', note: null }, 'subscription'))).toBe(
      'Subscription 1000025 restored',
    );
  });
});

describe('describeActor', () => {
  it('reads the actor labels of the audit log', () => {
    expect(describeActor('system')).toBe('ispbill');
    expect(describeActor('api_client:7')).toBe('API client 7');
    expect(describeActor('user:3')).toBe('user 3');
    expect(describeActor(null)).toBe('unknown');
    expect(describeActor('user:3', 'Agnes Agent')).toBe('Agnes Agent');
  });
});
