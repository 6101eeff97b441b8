import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useCreateProduct } from '../api/create-product';
import type { ProductKind } from '../api/get-products';
import { productFormProblems, productInput, type ProductFormValues } from '../forms';
import { emptyTerms, type TermsValues } from '../validation';
import { TermsFields } from './terms-fields';

const FIELDS = [
  'code',
  'name',
  'kind',
  'service',
  'description',
  'tax_category',
  'radius_group',
  'currency',
  'valid_from',
  ...(Object.keys(emptyTerms) as (keyof TermsValues)[]),
] as const;

const KIND_OPTIONS = [
  { value: 'plan', label: 'Plan' },
  { value: 'addon', label: 'Add-on' },
  { value: 'one_time', label: 'One-time product' },
];

const SERVICE_OPTIONS = [
  { value: 'internet', label: 'Internet' },
  { value: 'voice', label: 'Voice' },
  { value: 'tv', label: 'TV' },
];



interface CreateProductFormProps {
  idempotencyKey: string;
  onDone: () => void;
}

function CreateProductForm({ idempotencyKey, onDone }: CreateProductFormProps) {
  const createProduct = useCreateProduct();
  const form = useForm<ProductFormValues>({
    initialValues: {
      code: '',
      name: '',
      kind: 'plan',
      service: 'internet',
      description: '',
      tax_category: 'telecom',
      radius_group: '',
      currency: 'USD',
      valid_from: '',
      ...emptyTerms,
    },
    validate: productFormProblems,
  });
  const kind = form.getValues().kind;

  const submit = form.onSubmit((values) => {
    createProduct.mutate(
      { input: productInput(values), idempotencyKey },
      {
        onSuccess: (product) => {
          notifySuccess('Product created', `${product.code} (${product.name}) is on sale.`);
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

  const showAlert = createProduct.isError && !explainedByFields(createProduct.error, FIELDS);

  return (
    <form onSubmit={submit} noValidate aria-label="New product">
      <Stack>
        {showAlert && (
          <Alert color="red" title="Could not create the product" role="alert">
            {errorMessage(createProduct.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput label="Code" description="e.g. FIBER-500" required data-autofocus {...form.getInputProps('code')} />
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <Select
            label="Kind"
            data={KIND_OPTIONS}
            allowDeselect={false}
            required
            {...form.getInputProps('kind')}
            onChange={(value) => {
              const next = (value ?? 'plan') as ProductKind;
              form.setFieldValue('kind', next);
              form.setFieldValue('service', next === 'plan' ? 'internet' : null);
            }}
          />
          {kind === 'plan' && (
            <Select
              label="Service"
              data={SERVICE_OPTIONS}
              allowDeselect={false}
              required
              {...form.getInputProps('service')}
            />
          )}
          <TextInput label="Tax category" description="Which tax rates apply" required {...form.getInputProps('tax_category')} />
          {kind === 'plan' && (
            <TextInput label="RADIUS group" description="Optional" {...form.getInputProps('radius_group')} />
          )}
          <TextInput label="Currency" description="ISO 4217" required {...form.getInputProps('currency')} />
          <TextInput
            label="On sale from"
            description="Empty: now"
            type="datetime-local"
            {...form.getInputProps('valid_from')}
          />
        </SimpleGrid>
        <TermsFields kind={kind} currency={form.getValues().currency} form={form} />
        <Textarea label="Description" rows={2} {...form.getInputProps('description')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={createProduct.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={createProduct.isPending}>
            Create product
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The "New product" button and its form; each opening has its own idempotency key. */
export function NewProductButton() {
  const [state, setState] = useState({ opened: false, idempotencyKey: '' });
  const close = () => setState((current) => ({ ...current, opened: false }));
  return (
    <>
      <Button onClick={() => setState({ opened: true, idempotencyKey: newIdempotencyKey() })}>New product</Button>
      <Modal opened={state.opened} onClose={close} title="New product" size="lg" centered>
        <CreateProductForm key={state.idempotencyKey} idempotencyKey={state.idempotencyKey} onDone={close} />
      </Modal>
    </>
  );
}
