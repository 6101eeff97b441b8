import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ActiveBadge } from '@/components/ui/active-badge';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { formatDateTime } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { useCreatePromotion } from '../api/create-promotion';
import { useProducts, type Product } from '../api/get-products';
import { usePromotions } from '../api/get-promotions';
import { describeDiscount, promotionFormProblems, promotionInput, type PromotionFormValues } from '../forms';



const FIELDS = ['code', 'name', 'kind', 'value', 'currency', 'cycles', 'valid_from', 'valid_to', 'product_ids'] as const;



function CreatePromotionForm({
  idempotencyKey,
  products,
  onDone,
}: {
  idempotencyKey: string;
  products: Product[];
  onDone: () => void;
}) {
  const create = useCreatePromotion();
  const form = useForm<PromotionFormValues>({
    initialValues: {
      code: '',
      name: '',
      kind: 'percent',
      value: '',
      currency: 'USD',
      cycles: '',
      valid_from: '',
      valid_to: '',
      product_ids: [],
    },
    validate: promotionFormProblems,
  });
  const eligible = products
    .filter((p) => p.kind !== 'one_time' && p.status === 'active')
    .map((p) => ({ value: String(p.id), label: `${p.code} — ${p.name}` }));

  const submit = form.onSubmit((values) => {
    create.mutate(
      { input: promotionInput(values), idempotencyKey },
      {
        onSuccess: (promotion) => {
          notifySuccess('Promotion created', `${promotion.name}: ${describeDiscount(promotion)}.`);
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
  const amount = form.getValues().kind === 'amount';

  return (
    <form onSubmit={submit} noValidate aria-label="New promotion">
      <Stack>
        {showAlert && (
          <Alert color="red" title="Could not create the promotion" role="alert">
            {errorMessage(create.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <TextInput label="Code" description="Optional; what a customer quotes" {...form.getInputProps('code')} />
          <Select
            label="Discount"
            data={[
              { value: 'percent', label: 'Percent off' },
              { value: 'amount', label: 'Amount off' },
            ]}
            allowDeselect={false}
            required
            {...form.getInputProps('kind')}
          />
          <TextInput
            label={amount ? 'Amount per month' : 'Percent'}
            inputMode="decimal"
            required
            {...form.getInputProps('value')}
          />
          {amount && <TextInput label="Currency" required {...form.getInputProps('currency')} />}
          <TextInput
            label="Billing cycles"
            description="Empty: forever"
            inputMode="numeric"
            {...form.getInputProps('cycles')}
          />
          <TextInput label="Valid from" description="Empty: now" type="datetime-local" {...form.getInputProps('valid_from')} />
          <TextInput label="Valid until" description="Empty: open-ended" type="datetime-local" {...form.getInputProps('valid_to')} />
        </SimpleGrid>
        <MultiSelect
          label="Eligible plans and add-ons"
          data={eligible}
          searchable
          required
          {...form.getInputProps('product_ids')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create promotion
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The "New promotion" button and its form. */
export function NewPromotionButton() {
  const [state, setState] = useState({ opened: false, idempotencyKey: '' });
  const products = useProducts();
  const close = () => setState((current) => ({ ...current, opened: false }));
  const list = products.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <Button onClick={() => setState({ opened: true, idempotencyKey: newIdempotencyKey() })}>New promotion</Button>
      <Modal opened={state.opened} onClose={close} title="New promotion" size="lg" centered>
        <CreatePromotionForm key={state.idempotencyKey} idempotencyKey={state.idempotencyKey} products={list} onDone={close} />
      </Modal>
    </>
  );
}

export function PromotionsTable() {
  const promotions = usePromotions();
  const products = useProducts(true);
  if (!promotions.isSuccess) {
    return <QueryStatus query={promotions} what="promotions" noAccess="You cannot see the catalog." />;
  }
  const codes = new Map(
    (products.data?.pages.flatMap((page) => page.items) ?? []).map((p) => [p.id, p.code] as const),
  );
  const rows = promotions.data.pages.flatMap((page) => page.items);
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-label="Promotions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Code</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Discount</Table.Th>
            <Table.Th>Valid from</Table.Th>
            <Table.Th>Valid until</Table.Th>
            <Table.Th>Products</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={7}>
                <Text c="dimmed" ta="center" py="lg">
                  No promotions yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            rows.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td ff="monospace">{p.code ?? '—'}</Table.Td>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>{describeDiscount(p)}</Table.Td>
                <Table.Td>{formatDateTime(p.valid_from)}</Table.Td>
                <Table.Td>{formatDateTime(p.valid_to, { never: 'Open-ended' })}</Table.Td>
                <Table.Td>{p.product_ids.map((id) => codes.get(id) ?? `#${id}`).join(', ')}</Table.Td>
                <Table.Td>
                  <ActiveBadge active={p.active} />
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

