import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { Subscription } from './get-subscriptions';

export type PlanChangeResult = Schemas['PlanChangeResult'];
export type TerminationResult = Schemas['TerminationResult'];

/** Every command on a subscription; each is answered with the subscription as it is now. */
export type SubscriptionCommand =
  | { kind: 'suspend'; reason: string; note: string | null }
  | { kind: 'restore'; note: string | null }
  | { kind: 'change-plan'; productId: number; downgrade: 'next_cycle' | 'immediate' | null; note: string | null }
  | { kind: 'terminate'; reason: string; waiveFee: boolean };

export type CommandResult =
  | { kind: 'suspend' | 'restore'; subscription: Subscription }
  | { kind: 'change-plan'; subscription: Subscription; change: string; effectiveOn: string }
  | { kind: 'terminate'; subscription: Subscription; earlyTerminationFee: string };

/** The version the person saw, as `If-Match`: a stale card gets 409 `version_conflict`. */
const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

export async function runCommand(
  subscription: Pick<Subscription, 'id' | 'version'>,
  command: SubscriptionCommand,
): Promise<CommandResult> {
  const params = { path: { id: subscription.id }, header: ifMatch(subscription.version) };
  switch (command.kind) {
    case 'suspend': {
      const body = { reason: command.reason, note: command.note };
      const updated = await unwrap(apiClient.POST('/api/v1/subscriptions/{id}/suspend', { params, body }));
      return { kind: 'suspend', subscription: updated };
    }
    case 'restore': {
      const updated = await unwrap(
        apiClient.POST('/api/v1/subscriptions/{id}/restore', { params, body: { note: command.note } }),
      );
      return { kind: 'restore', subscription: updated };
    }
    case 'change-plan': {
      const body = {
        product_id: command.productId,
        note: command.note,
        ...(command.downgrade === null ? {} : { downgrade: command.downgrade }),
      };
      const result = await unwrap(apiClient.POST('/api/v1/subscriptions/{id}/change-plan', { params, body }));
      return {
        kind: 'change-plan',
        subscription: result.subscription,
        change: result.change,
        effectiveOn: result.effective_on,
      };
    }
    case 'terminate': {
      // waive_fee only when asked: the API refuses it from agents even when false is meant.
      const body = { reason: command.reason, ...(command.waiveFee ? { waive_fee: true } : {}) };
      const result = await unwrap(apiClient.POST('/api/v1/subscriptions/{id}/terminate', { params, body }));
      return {
        kind: 'terminate',
        subscription: result.subscription,
        earlyTerminationFee: result.early_termination_fee,
      };
    }
  }
}

/**
 * Runs a command, then reloads everything on the customer's page that it changes: the
 * subscriptions (which poll until the job is done), the overview, the timeline and the jobs.
 * A version conflict reloads too, so the person sees what changed before trying again.
 */
export function useSubscriptionCommand(customerId: number) {
  const queryClient = useQueryClient();
  const reload = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['customers', 'detail', customerId] }),
      queryClient.invalidateQueries({ queryKey: ['provisioning-jobs'] }),
    ]);
  return useMutation({
    mutationKey: ['subscriptions', 'command'],
    mutationFn: ({ subscription, command }: { subscription: Pick<Subscription, 'id' | 'version'>; command: SubscriptionCommand }) =>
      runCommand(subscription, command),
    onSettled: reload,
  });
}
