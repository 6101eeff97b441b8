import { Alert, Button, Divider, Group, Modal, Select, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, fieldErrorsByPath } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { notifySuccess } from '@/lib/notify';
import { useCreateLead } from '../api/leads';
import { KIND_OPTIONS, LEAD_SOURCE_OPTIONS, optional } from '../labels';

interface CreateLeadValues {
  kind: Schemas['CustomerKind'];
  name: string;
  company_name: string;
  email: string;
  phone: string;
  address_line1: string;
  city: string;
  postal_code: string;
  country: string;
  source: Schemas['LeadSource'];
  note: string;
}

const FIELDS: (keyof CreateLeadValues)[] = [
  'kind',
  'name',
  'company_name',
  'email',
  'phone',
  'address_line1',
  'city',
  'postal_code',
  'country',
  'source',
  'note',
];

function CreateLeadForm({ idempotencyKey, onDone }: { idempotencyKey: string; onDone: () => void }) {
  const createLead = useCreateLead();
  const navigate = useNavigate();
  const form = useForm<CreateLeadValues>({
    initialValues: {
      kind: 'residential',
      name: '',
      company_name: '',
      email: '',
      phone: '',
      address_line1: '',
      city: '',
      postal_code: '',
      country: 'US',
      source: 'phone',
      note: '',
    },
    validate: (v) => ({
      name: v.name.trim() === '' ? 'Enter a name' : undefined,
      phone: v.phone.trim() === '' && v.email.trim() === '' ? 'Give an email or a phone' : undefined,
      country: v.country.trim() === '' || /^[A-Za-z]{2}$/.test(v.country.trim()) ? undefined : 'Two letters, e.g. US',
    }),
  });
  const values = form.getValues();

  const submit = form.onSubmit((v) => {
    const input: Schemas['CreateLeadRequest'] = { kind: v.kind, name: v.name.trim(), source: v.source };
    for (const field of ['company_name', 'email', 'phone', 'address_line1', 'city', 'postal_code', 'note'] as const) {
      const value = optional(v[field]);
      if (value !== undefined) input[field] = value;
    }
    // A country alone says nothing about where the prospect is.
    const country = optional(v.country);
    if (country !== undefined && input.address_line1 !== undefined) input.country = country.toUpperCase();
    createLead.mutate(
      { input, idempotencyKey },
      {
        onSuccess: (lead) => {
          notifySuccess('Lead captured', `${lead.name} is in the pipeline.`);
          onDone();
          void navigate(`/leads/${lead.id}`);
        },
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrorsByPath(error))) form.setFieldError(field, message);
        },
      },
    );
  });

  const explained = Object.keys(fieldErrorsByPath(createLead.error)).every((f) =>
    (FIELDS as string[]).includes(f),
  );
  const showAlert = createLead.isError && (!explained || Object.keys(fieldErrorsByPath(createLead.error)).length === 0);

  return (
    <form onSubmit={submit} noValidate aria-label="New lead">
      <Stack gap="sm">
        {showAlert && (
          <Alert color="red" title="Could not capture the lead" role="alert">
            {errorMessage(createLead.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <Select label="Source" data={LEAD_SOURCE_OPTIONS} allowDeselect={false} {...form.getInputProps('source')} />
          <Select label="Kind" data={KIND_OPTIONS} allowDeselect={false} {...form.getInputProps('kind')} />
          {values.kind === 'business' ? (
            <TextInput label="Company name" {...form.getInputProps('company_name')} />
          ) : (
            <div />
          )}
          <TextInput label="Email" type="email" {...form.getInputProps('email')} />
          <TextInput label="Phone" type="tel" placeholder="(555) 010-0101" {...form.getInputProps('phone')} />
        </SimpleGrid>
        <Divider label="Service address" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Street" {...form.getInputProps('address_line1')} />
          <TextInput label="City" {...form.getInputProps('city')} />
          <TextInput label="Postal code" {...form.getInputProps('postal_code')} />
          <TextInput label="Country" maxLength={2} {...form.getInputProps('country')} />
        </SimpleGrid>
        <Textarea label="Note" placeholder="What they asked for" rows={3} {...form.getInputProps('note')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={createLead.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={createLead.isPending}>
            Create lead
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The "New lead" button and its form; a captured lead opens at `/leads/{id}`. */
export function NewLeadButton() {
  const [form, setForm] = useState({ opened: false, idempotencyKey: '' });
  const close = () => setForm((current) => ({ ...current, opened: false }));
  return (
    <>
      <Button onClick={() => setForm({ opened: true, idempotencyKey: newIdempotencyKey() })}>New lead</Button>
      <Modal opened={form.opened} onClose={close} title="New lead" size="lg" centered>
        <CreateLeadForm key={form.idempotencyKey} idempotencyKey={form.idempotencyKey} onDone={close} />
      </Modal>
    </>
  );
}
