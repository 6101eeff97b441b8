import { Alert, Button, Card, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { useCreateOrder } from '../api/change-order';
import { CHANNELS } from '../status';

type Channel = Schemas['OrderChannel'];

/**
 * Opens a draft order and goes to it. With a customer (`/orders/new?customer=42`, as the
 * customer page links) the draft is opened at once; otherwise the agent names the customer.
 */
export function NewOrder({ customerId }: { customerId: number | null }) {
  const navigate = useNavigate();
  const create = useCreateOrder();
  // One key per visit: a double click, a retry or React's double effect opens one draft.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [customer, setCustomer] = useState<number | string>(customerId ?? '');
  const [channel, setChannel] = useState<Channel>('call_center');
  const started = useRef(false);

  const open = (id: number, ch: Channel) =>
    create.mutate(
      { input: { customer_id: id, channel: ch }, idempotencyKey },
      { onSuccess: (order) => void navigate(`/orders/${order.id}`, { replace: true }) },
    );

  useEffect(() => {
    if (customerId !== null && !started.current) {
      started.current = true;
      open(customerId, 'call_center');
    }
    // Opening once per visit is the point; `open` changes on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [customerId]);

  return (
    <Card withBorder maw={520}>
      <form
        aria-label="New order"
        onSubmit={(event) => {
          event.preventDefault();
          const id = Number(customer);
          if (Number.isInteger(id) && id > 0) open(id, channel);
        }}
      >
        <Stack>
          {create.isError && (
            <Alert color="red" role="alert" title="Could not open the order">
              {errorMessage(create.error)}
            </Alert>
          )}
          {customerId !== null && create.isPending && <Text>Opening a draft order…</Text>}
          <NumberInput
            label="Customer id"
            description="The customer the order is for (shown on the customer's page)."
            min={1}
            allowDecimal={false}
            required
            value={customer}
            onChange={setCustomer}
          />
          <Select
            label="Channel"
            data={CHANNELS}
            allowDeselect={false}
            value={channel}
            onChange={(value) => {
              const found = CHANNELS.find((c) => c.value === value);
              if (found) setChannel(found.value);
            }}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending}>
              Open draft
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
