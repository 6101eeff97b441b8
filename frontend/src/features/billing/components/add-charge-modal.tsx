import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { formatMoney } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { useAddPendingCharge } from '../api/pending-charges';
import { todayIso } from '../dates';
import { CHARGE_KIND_OPTIONS } from '../labels';
import { minorDigits, toUnits } from '../money';

const FIELDS = ['kind', 'description', 'amount', 'tax_category', 'charge_on'] as const;

interface ChargeValues {
  kind: string;
  description: string;
  amount: string;
  tax_category: string;
  charge_on: string;
}

interface AddChargeFormProps {
  customerId: number;
  currency: string;
  idempotencyKey: string;
  onDone: () => void;
}

function AddChargeForm({ customerId, currency, idempotencyKey, onDone }: AddChargeFormProps) {
  const add = useAddPendingCharge(customerId);
  const form = useForm<ChargeValues>({
    initialValues: { kind: 'installation', description: '', amount: '', tax_category: 'standard', charge_on: todayIso() },
    validate: {
      description: (value) => (value.trim() === '' ? 'Say what the charge is for' : null),
      amount: (value) => {
        const units = toUnits(value, 4);
        if (value.trim() === '' || units === null) return 'Enter an amount, e.g. 25.00';
        if (units <= 0n) return 'More than zero';
        return toUnits(value, minorDigits(currency)) === null ? `At most ${minorDigits(currency)} decimals` : null;
      },
      tax_category: (value) => (/^[a-z_]{1,50}$/.test(value.trim()) ? null : 'Lower-case letters and _, e.g. standard'),
    },
  });

  const submit = form.onSubmit((values) => {
    add.mutate(
      {
        charge: {
          kind: values.kind,
          description: values.description.trim(),
          amount: values.amount.trim(),
          tax_category: values.tax_category.trim(),
          ...(values.charge_on === '' ? {} : { charge_on: values.charge_on }),
        },
        idempotencyKey,
      },
      {
        onSuccess: (charge) => {
          notifySuccess('Charge added', `${formatMoney(charge.amount, charge.currency)} goes on the next invoice.`);
          onDone();
        },
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrors(error))) {
            if ((FIELDS as readonly string[]).includes(field)) form.setFieldError(field, message);
          }
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Add a charge">
      <Stack>
        {add.isError && !explainedByFields(add.error, FIELDS) && (
          <Alert color="red" role="alert" title="The charge was not added">
            {errorMessage(add.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <Select
            label="Kind"
            data={CHARGE_KIND_OPTIONS.map((option) => ({ ...option }))}
            allowDeselect={false}
            required
            {...form.getInputProps('kind')}
            onChange={(value: string | null) => {
              const kind = value ?? 'other';
              form.setFieldValue('kind', kind);
              // Deposits are held, not sold: usually no tax on them.
              form.setFieldValue('tax_category', kind === 'deposit' ? 'exempt' : 'standard');
            }}
          />
          <TextInput
            label={`Amount (${currency}, before tax)`}
            inputMode="decimal"
            required
            {...form.getInputProps('amount')}
          />
        </SimpleGrid>
        <TextInput label="Description" description="As the invoice will show it" required data-autofocus {...form.getInputProps('description')} />
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput label="Tax category" description="standard, exempt, …" required {...form.getInputProps('tax_category')} />
          <TextInput
            label="Bill from"
            description="The first bill run on or after this day"
            type="date"
            {...form.getInputProps('charge_on')}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={add.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={add.isPending}>
            Add charge
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Add charge" and its form; each opening has its own idempotency key. */
export function AddChargeButton({ customerId, currency }: { customerId: number; currency: string }) {
  const [state, setState] = useState({ opened: false, key: '' });
  const close = () => setState((current) => ({ ...current, opened: false }));
  return (
    <>
      <Button size="xs" variant="default" onClick={() => setState({ opened: true, key: newIdempotencyKey() })}>
        Add charge
      </Button>
      <Modal opened={state.opened} onClose={close} title="Add a one-time charge" size="lg" centered>
        <AddChargeForm key={state.key} customerId={customerId} currency={currency} idempotencyKey={state.key} onDone={close} />
      </Modal>
    </>
  );
}
