import { Alert, Button, Checkbox, Divider, Group, Modal, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, fieldErrorsByPath } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { notifySuccess } from '@/lib/notify';
import { useCreateCustomer, useCustomerClasses } from '../api/customers';
import { KIND_OPTIONS, optional } from '../labels';
import { addressInput, EMPTY_ADDRESS, isBlankAddress, type AddressValues } from '../form-values';
import { AddressFields } from './address-fields';
import { billingInput, billingProblems, DEFAULT_BILLING, type BillingValues } from '../form-values';
import { BillingFields } from './billing-fields';

interface CreateCustomerValues {
  kind: Schemas['CustomerKind'];
  name: string;
  company_name: string;
  tax_id: string;
  class: string;
  email: string;
  phone: string;
  service_address: AddressValues;
  separate_billing_address: boolean;
  billing_address: AddressValues;
  billing: BillingValues;
}

function addressProblems(prefix: string, a: AddressValues, required: boolean): Record<string, string | undefined> {
  if (!required && isBlankAddress(a)) return {};
  return {
    [`${prefix}.line1`]: a.line1.trim() === '' ? 'Enter the street' : undefined,
    [`${prefix}.city`]: a.city.trim() === '' ? 'Enter the city' : undefined,
    [`${prefix}.country`]: /^[A-Za-z]{2}$/.test(a.country.trim()) ? undefined : 'Two letters, e.g. US',
  };
}

interface CreateCustomerFormProps {
  idempotencyKey: string;
  onDone: () => void;
}

function CreateCustomerForm({ idempotencyKey, onDone }: CreateCustomerFormProps) {
  const createCustomer = useCreateCustomer();
  const classes = useCustomerClasses();
  const navigate = useNavigate();
  const form = useForm<CreateCustomerValues>({
    initialValues: {
      kind: 'residential',
      name: '',
      company_name: '',
      tax_id: '',
      class: '',
      email: '',
      phone: '',
      service_address: EMPTY_ADDRESS,
      separate_billing_address: false,
      billing_address: EMPTY_ADDRESS,
      billing: DEFAULT_BILLING,
    },
    validate: (values) => ({
      name: values.name.trim() === '' ? 'Enter a name' : undefined,
      company_name:
        values.kind === 'business' && values.company_name.trim() === '' ? 'A business needs a company name' : undefined,
      phone: values.phone.trim() === '' && values.email.trim() === '' ? 'Give an email or a phone' : undefined,
      ...addressProblems('service_address', values.service_address, false),
      ...(values.separate_billing_address ? addressProblems('billing_address', values.billing_address, true) : {}),
      ...billingProblems(values.billing, values.email),
    }),
  });
  const values = form.getValues();

  const submit = form.onSubmit((v) => {
    const email = optional(v.email);
    const phone = optional(v.phone);
    const company = optional(v.company_name);
    const taxId = optional(v.tax_id);
    const input: Schemas['CreateCustomerRequest'] = {
      kind: v.kind,
      name: v.name.trim(),
      ...(company ? { company_name: company } : {}),
      ...(taxId ? { tax_id: taxId } : {}),
      ...(v.class === '' ? {} : { class: v.class }),
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      ...(isBlankAddress(v.service_address) ? {} : { service_address: addressInput(v.service_address) }),
      ...(v.separate_billing_address ? { billing_address: addressInput(v.billing_address) } : {}),
      billing: billingInput(v.billing),
    };
    createCustomer.mutate(
      { input, idempotencyKey },
      {
        onSuccess: (customer) => {
          notifySuccess('Customer created', `${customer.name} has account ${customer.account_number}.`);
          onDone();
          void navigate(`/customers/${customer.id}`);
        },
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrorsByPath(error))) form.setFieldError(field, message);
        },
      },
    );
  });

  const unexplained =
    createCustomer.isError && Object.keys(fieldErrorsByPath(createCustomer.error)).length === 0;
  const classOptions = [
    { value: '', label: 'By kind (residential or business)' },
    ...(classes.data ?? []).map((c) => ({ value: c.code, label: c.name })),
  ];

  return (
    <form onSubmit={submit} noValidate aria-label="New customer">
      <Stack gap="sm">
        {unexplained && (
          <Alert color="red" title="Could not create the customer" role="alert">
            {errorMessage(createCustomer.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select label="Kind" data={KIND_OPTIONS} allowDeselect={false} {...form.getInputProps('kind')} />
          <Select label="Class" data={classOptions} allowDeselect={false} {...form.getInputProps('class')} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          {values.kind === 'business' && (
            <>
              <TextInput label="Company name" required {...form.getInputProps('company_name')} />
              <TextInput label="Tax ID" {...form.getInputProps('tax_id')} />
            </>
          )}
          <TextInput label="Email" type="email" {...form.getInputProps('email')} />
          <TextInput label="Phone" type="tel" placeholder="(555) 010-0101" {...form.getInputProps('phone')} />
        </SimpleGrid>
        <Divider label="Service address" labelPosition="left" />
        <AddressFields form={form} prefix="service_address" legend="Service address" />
        <Checkbox
          label="Bills go to another address"
          {...form.getInputProps('separate_billing_address', { type: 'checkbox' })}
        />
        {values.separate_billing_address && (
          <AddressFields form={form} prefix="billing_address" legend="Billing address" />
        )}
        <Divider label="Billing" labelPosition="left" />
        <BillingFields form={form} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={createCustomer.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={createCustomer.isPending}>
            Create customer
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The "New customer" button and its form; a created customer opens at `/customers/{id}`. */
export function NewCustomerButton() {
  const [form, setForm] = useState({ opened: false, idempotencyKey: '' });
  const close = () => setForm((current) => ({ ...current, opened: false }));
  return (
    <>
      <Button onClick={() => setForm({ opened: true, idempotencyKey: newIdempotencyKey() })}>New customer</Button>
      <Modal opened={form.opened} onClose={close} title="New customer" size="xl" centered>
        <CreateCustomerForm key={form.idempotencyKey} idempotencyKey={form.idempotencyKey} onDone={close} />
      </Modal>
    </>
  );
}
