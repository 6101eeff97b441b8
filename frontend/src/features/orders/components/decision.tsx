import { Button, Group } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useChangeOrder } from '../api/change-order';
import type { Order } from '../api/get-order';
import { ReasonModal } from './reason-modal';

type Decision = 'approve' | 'reject' | 'cancel';

const TEXT: Record<Decision, { title: string; description: string; confirm: string; color: string; done: string }> = {
  approve: {
    title: 'Approve order',
    description: 'The order goes ahead to provisioning. Say why it is acceptable despite the credit check.',
    confirm: 'Approve',
    color: 'teal',
    done: 'approved',
  },
  reject: {
    title: 'Reject order',
    description: 'The order is refused for good. The customer can place a new one.',
    confirm: 'Reject',
    color: 'red',
    done: 'rejected',
  },
  cancel: {
    title: 'Cancel order',
    description: 'The order is cancelled and nothing is provisioned.',
    confirm: 'Cancel order',
    color: 'red',
    done: 'cancelled',
  },
};

interface DecisionButtonsProps {
  order: Pick<Order, 'id' | 'version' | 'number'>;
  decisions: readonly Decision[];
  size?: 'xs' | 'sm' | 'compact-sm';
}

/** Approve / reject / cancel buttons, each asking for the reason first. */
export function DecisionButtons({ order, decisions, size = 'sm' }: DecisionButtonsProps) {
  const change = useChangeOrder();
  const [open, setOpen] = useState<Decision | null>(null);
  const text = open === null ? null : TEXT[open];
  return (
    <>
      <Group gap="xs" wrap="nowrap">
        {decisions.map((decision) => (
          <Button
            key={decision}
            size={size}
            variant={decision === 'approve' ? 'filled' : 'light'}
            color={TEXT[decision].color}
            aria-label={`${TEXT[decision].confirm} ${order.number}`}
            onClick={() => {
              change.reset();
              setOpen(decision);
            }}
          >
            {TEXT[decision].confirm}
          </Button>
        ))}
      </Group>
      {text !== null && open !== null && (
        <ReasonModal
          opened
          title={`${text.title} ${order.number}`}
          description={text.description}
          confirmLabel={text.confirm}
          confirmColor={text.color}
          loading={change.isPending}
          error={change.isError ? errorMessage(change.error) : null}
          onClose={() => setOpen(null)}
          onConfirm={(reason) =>
            change.mutate(
              { order, change: { kind: open, reason } },
              {
                onSuccess: () => {
                  notifySuccess(`Order ${order.number} ${text.done}`);
                  setOpen(null);
                },
              },
            )
          }
        />
      )}
    </>
  );
}
