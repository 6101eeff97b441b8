import { Alert, Button, Divider, Group, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { errorMessage, fieldErrorsByPath, isApiError } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { notifySuccess } from '@/lib/notify';
import { useCustomerClasses, useUpdateCustomer, type Customer } from '../api/customers';
import { KIND_OPTIONS } from '../labels';
import { billingInput, billingProblems, billingValuesOf, type BillingValues } from '../form-values';
import { BillingFields } from './billing-fields';

interface CustomerEditValues {
  kind: Schemas['CustomerKind'];
  name: string;
  company_name: string;
  tax_id: string;
  class: string;
  email: string;
  phone: string;
  billing: BillingValues;
}

function valuesOf(c: Customer): CustomerEditValues {
  return {
    kind: c.kind,
    name: c.name,
    company_name: c.company_name ?? '',
    tax_id: c.tax_id ?? '',
    class: c.class.code,
    email: c.email ?? '',
    phone: c.phone ?? '',
    billing: billingValuesOf(c.billing),
  };
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

export interface CustomerEditFormProps {
  /** The customer as read; its `version` is sent as `If-Match`. */
  customer: Customer;
  onSaved?: (customer: Customer) => void;
  onCancel?: () => void;
}

/**
 * Edits a customer's profile and billing preferences. Sends the version it was opened with
 * as `If-Match`: if someone else saved in between, nothing is written and it says so.
 * Status (suspend, close) is not edited here.
 */
export function CustomerEditForm({ customer, onSaved, onCancel }: CustomerEditFormProps) {
  const update = useUpdateCustomer();
  const classes = useCustomerClasses();
  const form = useForm<CustomerEditValues>({
    initialValues: valuesOf(customer),
    validate: (values) => ({
      name: values.name.trim() === '' ? 'Enter a name' : undefined,
      company_name:
        values.kind === 'business' && values.company_name.trim() === '' ? 'A business needs a company name' : undefined,
      ...billingProblems(values.billing, values.email),
    }),
  });

  const submit = form.onSubmit((values) => {
    update.mutate(
      {
        id: customer.id,
        version: customer.version,
        changes: {
          kind: values.kind,
          name: values.name.trim(),
          company_name: orNull(values.company_name),
          tax_id: orNull(values.tax_id),
          class: values.class,
          email: orNull(values.email),
          phone: orNull(values.phone),
          billing: billingInput(values.billing),
        },
      },
      {
        onSuccess: (saved) => {
          notifySuccess('Customer saved');
          onSaved?.(saved);
        },
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrorsByPath(error))) form.setFieldError(field, message);
        },
      },
    );
  });

  const conflict = isApiError(update.error, 409);
  const unexplained = update.isError && !conflict && Object.keys(fieldErrorsByPath(update.error)).length === 0;
  const classOptions = (classes.data ?? [{ code: customer.class.code, name: customer.class.name }]).map((c) => ({
    value: c.code,
    label: c.name,
  }));

  return (
    <form onSubmit={submit} noValidate aria-label="Edit customer">
      <Stack gap="sm">
        {conflict && (
          <Alert color="orange" title="Someone else changed this customer" role="alert">
            Nothing was saved. Reload the customer to see their changes, then edit again.
          </Alert>
        )}
        {unexplained && (
          <Alert color="red" title="Could not save the customer" role="alert">
            {errorMessage(update.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select label="Kind" data={KIND_OPTIONS} allowDeselect={false} {...form.getInputProps('kind')} />
          <Select label="Class" data={classOptions} allowDeselect={false} {...form.getInputProps('class')} />
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <TextInput label="Company name" {...form.getInputProps('company_name')} />
          <TextInput label="Tax ID" {...form.getInputProps('tax_id')} />
          <TextInput label="Email" type="email" {...form.getInputProps('email')} />
          <TextInput label="Phone" type="tel" {...form.getInputProps('phone')} />
        </SimpleGrid>
        <Divider label="Billing" labelPosition="left" />
        <BillingFields form={form} />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={update.isPending}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={update.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
