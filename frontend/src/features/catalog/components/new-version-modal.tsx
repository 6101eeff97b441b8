import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useAddProductVersion, type CreateVersionInput } from '../api/add-product-version';
import type { Product } from '../api/get-products';
import { termsOf } from '../forms';
import {
  emptyTerms,
  isInThePast,
  localDateTimeToIso,
  termsInput,
  termsProblems,
  type TermsValues,
} from '../validation';
import { TermsFields } from './terms-fields';

interface VersionFormValues extends TermsValues {
  valid_from: string;
  apply_to_existing: boolean;
}

const FIELDS = ['valid_from', 'apply_to_existing', 'currency', ...(Object.keys(emptyTerms) as (keyof TermsValues)[])] as const;


interface NewVersionFormProps {
  product: Product;
  idempotencyKey: string;
  onDone: () => void;
}

function NewVersionForm({ product, idempotencyKey, onDone }: NewVersionFormProps) {
  const addVersion = useAddProductVersion();
  const current = product.current_version ?? null;
  const form = useForm<VersionFormValues>({
    initialValues: { ...termsOf(current), valid_from: '', apply_to_existing: false },
    validate: (values) => ({
      ...termsProblems(product.kind, values),
      ...(isInThePast(values.valid_from) ? { valid_from: 'Must not be in the past' } : {}),
    }),
  });

  const submit = form.onSubmit((values) => {
    const validFrom = localDateTimeToIso(values.valid_from);
    const input: CreateVersionInput = {
      ...termsInput(product.kind, values),
      apply_to_existing: values.apply_to_existing,
      ...(validFrom === null ? {} : { valid_from: validFrom }),
    };
    addVersion.mutate(
      { productId: product.id, input, idempotencyKey },
      {
        onSuccess: (version) => {
          notifySuccess('New price saved', `${product.code} version ${version.version} is ${version.status}.`);
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

  const showAlert = addVersion.isError && !explainedByFields(addVersion.error, FIELDS);
  const currency = current?.currency ?? '';

  return (
    <form onSubmit={submit} noValidate aria-label="New price version">
      <Stack>
        <Text size="sm" c="dimmed">
          Prices are never edited: this adds a new version of {product.code}. Orders already placed keep the
          price they were sold at.
        </Text>
        {showAlert && (
          <Alert color="red" title="Could not save the new price" role="alert">
            {errorMessage(addVersion.error)}
          </Alert>
        )}
        <TermsFields kind={product.kind} currency={currency} form={form} />
        <TextInput
          label="Valid from"
          description="Empty: now. A later date schedules the change."
          type="datetime-local"
          {...form.getInputProps('valid_from')}
        />
        <Checkbox
          label="Also apply to existing subscriptions from their next billing cycle"
          {...form.getInputProps('apply_to_existing', { type: 'checkbox' })}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={addVersion.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={addVersion.isPending}>
            Save new price
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface NewVersionModalProps {
  product: Product | null;
  opened: boolean;
  idempotencyKey: string;
  onClose: () => void;
}

/** "New price version" for one product. */
export function NewVersionModal({ product, opened, idempotencyKey, onClose }: NewVersionModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="New price version" size="lg" centered>
      {product && (
        <NewVersionForm key={idempotencyKey} product={product} idempotencyKey={idempotencyKey} onDone={onClose} />
      )}
    </Modal>
  );
}
