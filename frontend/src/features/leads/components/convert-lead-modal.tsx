import { Alert, Button, Checkbox, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useConvertLead, useCustomerClassOptions, type Lead } from '../api/leads';

const BILLING_DAYS = Array.from({ length: 28 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));

function ConvertLeadForm({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const convert = useConvertLead();
  const classes = useCustomerClassOptions();
  const navigate = useNavigate();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [klass, setKlass] = useState('');
  const [billingDay, setBillingDay] = useState('1');
  const [createOrder, setCreateOrder] = useState(true);

  // mutateAsync, not mutate's callbacks: once converted, the lead page re-renders read-only
  // and unmounts this dialog, and the new customer must open all the same.
  const submit = async () => {
    let result;
    try {
      result = await convert.mutateAsync({
        id: lead.id,
        idempotencyKey,
        input: {
          ...(klass === '' ? {} : { class: klass }),
          billing: { cycle: 'calendar', billing_day: Number(billingDay) },
          create_order: createOrder,
        },
      });
    } catch {
      return; // shown from convert.error
    }
    notifySuccess(
      'Lead converted',
      `${result.customer.name} is customer ${result.customer.account_number}${
        result.order_id == null ? '' : ', with a draft order'
      }.`,
    );
    onDone();
    void navigate(`/customers/${result.customer.id}`);
  };

  return (
    <Stack gap="sm">
      <Text size="sm">
        Creates the customer from this lead ({lead.name}); its address becomes the service and billing address, and its
        notes move to the customer&apos;s history. The lead becomes read-only.
      </Text>
      {convert.isError && (
        <Alert color="red" title="Could not convert the lead" role="alert">
          {errorMessage(convert.error)}
        </Alert>
      )}
      <Select
        label="Customer class"
        data={[{ value: '', label: `By kind (${lead.kind})` }, ...(classes.data ?? [])]}
        value={klass}
        onChange={(v) => setKlass(v ?? '')}
        allowDeselect={false}
      />
      <Select
        label="Billing day"
        description="Day of the month invoices are issued"
        data={BILLING_DAYS}
        value={billingDay}
        onChange={(v) => setBillingDay(v ?? '1')}
        allowDeselect={false}
      />
      <Checkbox
        label="Open a draft order"
        checked={createOrder}
        onChange={(e) => setCreateOrder(e.currentTarget.checked)}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone} disabled={convert.isPending}>
          Cancel
        </Button>
        <Button color="teal" onClick={() => void submit()} loading={convert.isPending}>
          Convert to customer
        </Button>
      </Group>
    </Stack>
  );
}

export interface ConvertLeadButtonProps {
  lead: Lead;
}

/** "Convert" and its dialog (class, billing day, draft order); then opens the new customer. */
export function ConvertLeadButton({ lead }: ConvertLeadButtonProps) {
  const [opened, setOpened] = useState(false);
  const [session, setSession] = useState(0);
  return (
    <>
      <Button
        color="teal"
        onClick={() => {
          setSession((s) => s + 1);
          setOpened(true);
        }}
      >
        Convert
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Convert to customer" centered>
        <ConvertLeadForm key={session} lead={lead} onDone={() => setOpened(false)} />
      </Modal>
    </>
  );
}
