import { Alert, Button, Group, Modal, SimpleGrid, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useCreateTaxRate, type CreateTaxRateInput } from '../api/create-tax-rate';
import { useEndTaxRate } from '../api/end-tax-rate';
import { useTaxRates, type TaxRate } from '../api/get-tax-rates';
import { formatDay } from '../format';
import { DAY, taxRateFormProblems, today, type TaxRateFormValues } from '../forms';




const FIELDS = ['zone', 'category', 'name', 'rate', 'valid_from', 'valid_to'] as const;


function CreateTaxRateForm({ idempotencyKey, onDone }: { idempotencyKey: string; onDone: () => void }) {
  const create = useCreateTaxRate();
  const form = useForm<TaxRateFormValues>({
    initialValues: { zone: 'DEFAULT', category: '', name: '', rate: '', valid_from: today(), valid_to: '' },
    validate: taxRateFormProblems,
  });
  const submit = form.onSubmit((v) => {
    const input: CreateTaxRateInput = {
      zone: v.zone.trim().toUpperCase(),
      category: v.category.trim(),
      name: v.name.trim(),
      rate: v.rate.trim(),
      valid_from: v.valid_from,
      valid_to: v.valid_to === '' ? null : v.valid_to,
    };
    create.mutate(
      { input, idempotencyKey },
      {
        onSuccess: (rate) => {
          notifySuccess('Tax rate created', `${rate.zone} / ${rate.category}: ${rate.rate}%.`);
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
  const showAlert = create.isError && !explainedByFields(create.error, FIELDS);
  return (
    <form onSubmit={submit} noValidate aria-label="New tax rate">
      <Stack>
        {showAlert && (
          <Alert color="red" title="Could not create the tax rate" role="alert">
            {errorMessage(create.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput label="Zone" required data-autofocus {...form.getInputProps('zone')} />
          <TextInput label="Category" description="e.g. telecom, hardware" required {...form.getInputProps('category')} />
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <TextInput label="Rate (%)" inputMode="decimal" required {...form.getInputProps('rate')} />
          <TextInput label="First day" type="date" required {...form.getInputProps('valid_from')} />
          <TextInput label="Ends on" description="First day it no longer applies; empty: open-ended" type="date" {...form.getInputProps('valid_to')} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create tax rate
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The "New tax rate" button and its form. */
export function NewTaxRateButton() {
  const [state, setState] = useState({ opened: false, idempotencyKey: '' });
  const close = () => setState((current) => ({ ...current, opened: false }));
  return (
    <>
      <Button onClick={() => setState({ opened: true, idempotencyKey: newIdempotencyKey() })}>New tax rate</Button>
      <Modal opened={state.opened} onClose={close} title="New tax rate" centered>
        <CreateTaxRateForm key={state.idempotencyKey} idempotencyKey={state.idempotencyKey} onDone={close} />
      </Modal>
    </>
  );
}

function EndTaxRateForm({ rate, onDone }: { rate: TaxRate; onDone: () => void }) {
  const end = useEndTaxRate();
  const form = useForm({
    initialValues: { valid_to: rate.valid_to ?? today() },
    validate: {
      valid_to: (value: string) => {
        if (!DAY.test(value)) return 'Pick a day';
        if (value <= rate.valid_from) return 'Must be after the first day';
        if (value < today()) return 'Must not be in the past';
        return null;
      },
    },
  });
  const submit = form.onSubmit(({ valid_to }) => {
    end.mutate(
      { rate, validTo: valid_to },
      {
        onSuccess: () => {
          notifySuccess('Tax rate ended', `${rate.name} applies until ${formatDay(valid_to)} (exclusive).`);
          onDone();
        },
        onError: (error) => {
          const byField = fieldErrors(error);
          if (byField.valid_to) form.setFieldError('valid_to', byField.valid_to);
        },
      },
    );
  });
  const showAlert = end.isError && !explainedByFields(end.error, ['valid_to']);
  return (
    <form onSubmit={submit} noValidate aria-label="End tax rate">
      <Stack>
        <Text size="sm">
          {rate.name} ({rate.zone} / {rate.category}, {rate.rate}%) stops applying on the day you pick. A new rate for
          the same zone and category can start on that day.
        </Text>
        {showAlert && (
          <Alert color="red" title="Could not end the tax rate" role="alert">
            {errorMessage(end.error)}
          </Alert>
        )}
        <TextInput label="Ends on" type="date" required data-autofocus {...form.getInputProps('valid_to')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={end.isPending}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={end.isPending}>
            End rate
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function TaxRatesTable({ canEdit }: { canEdit: boolean }) {
  const rates = useTaxRates();
  const [ending, setEnding] = useState<{ opened: boolean; rate: TaxRate | null }>({ opened: false, rate: null });
  if (!rates.isSuccess) {
    return <QueryStatus query={rates} what="tax rates" noAccess="You cannot see the catalog." />;
  }
  const rows = rates.data.pages.flatMap((page) => page.items);
  const now = today();
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover aria-label="Tax rates">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Zone</Table.Th>
              <Table.Th>Category</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Rate</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>Until</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text c="dimmed" ta="center" py="lg">
                    No tax rates yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((rate) => (
                <Table.Tr key={rate.id}>
                  <Table.Td ff="monospace">{rate.zone}</Table.Td>
                  <Table.Td>{rate.category}</Table.Td>
                  <Table.Td>{rate.name}</Table.Td>
                  <Table.Td>{rate.rate}%</Table.Td>
                  <Table.Td>{formatDay(rate.valid_from)}</Table.Td>
                  <Table.Td>{formatDay(rate.valid_to, 'Open-ended')}</Table.Td>
                  <Table.Td ta="right">
                    {canEdit && (rate.valid_to == null || rate.valid_to > now) && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        onClick={() => setEnding({ opened: true, rate })}
                        aria-label={`End ${rate.name} (${rate.zone})`}
                      >
                        End
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal
        opened={ending.opened}
        onClose={() => setEnding((current) => ({ ...current, opened: false }))}
        title="End tax rate"
        centered
      >
        {ending.rate && (
          <EndTaxRateForm
            key={`${ending.rate.id}-${ending.rate.version}`}
            rate={ending.rate}
            onDone={() => setEnding((current) => ({ ...current, opened: false }))}
          />
        )}
      </Modal>
    </>
  );
}
