import { Alert, Button, Group, Select, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { errorMessage, fieldErrorsByPath, isApiError } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { notifySuccess } from '@/lib/notify';
import { useUpdateLead, type Lead } from '../api/leads';
import { KIND_OPTIONS, LEAD_SOURCE_OPTIONS } from '../labels';

interface LeadEditValues {
  kind: Schemas['CustomerKind'];
  name: string;
  company_name: string;
  email: string;
  phone: string;
  address_line1: string;
  address_line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  source: Schemas['LeadSource'];
  serviceability_note: string;
}

const TEXT_FIELDS = [
  'company_name',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'serviceability_note',
] as const;

function valuesOf(lead: Lead): LeadEditValues {
  const text = Object.fromEntries(TEXT_FIELDS.map((f) => [f, lead[f] ?? ''])) as Record<
    (typeof TEXT_FIELDS)[number],
    string
  >;
  return { kind: lead.kind, name: lead.name, source: lead.source, ...text };
}

export interface LeadEditFormProps {
  /** The lead as read; its `version` is sent as `If-Match`. */
  lead: Lead;
  onDone: () => void;
}

/** Edits a lead's details (not its status); a lead someone else changed meanwhile is not overwritten. */
export function LeadEditForm({ lead, onDone }: LeadEditFormProps) {
  const update = useUpdateLead();
  const form = useForm<LeadEditValues>({
    initialValues: valuesOf(lead),
    validate: (v) => ({
      name: v.name.trim() === '' ? 'Enter a name' : undefined,
      phone: v.phone.trim() === '' && v.email.trim() === '' ? 'Give an email or a phone' : undefined,
    }),
  });
  const submit = form.onSubmit((v) => {
    const changes: Schemas['UpdateLeadRequest'] = { kind: v.kind, name: v.name.trim(), source: v.source };
    for (const field of TEXT_FIELDS) {
      const value = v[field].trim();
      const before = lead[field] ?? '';
      // Only what changed, so a field someone else filled in meanwhile is not blanked.
      if (value !== before) changes[field] = value === '' ? null : value;
    }
    update.mutate(
      { id: lead.id, version: lead.version, changes },
      {
        onSuccess: () => {
          notifySuccess('Lead saved');
          onDone();
        },
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrorsByPath(error))) form.setFieldError(field, message);
        },
      },
    );
  });
  const conflict = isApiError(update.error, 409) && update.error.code === 'version_conflict';
  const unexplained = update.isError && Object.keys(fieldErrorsByPath(update.error)).length === 0;
  return (
    <form onSubmit={submit} noValidate aria-label="Edit lead">
      <Stack gap="sm">
        {unexplained && (
          <Alert color={conflict ? 'orange' : 'red'} title="Could not save the lead" role="alert">
            {conflict
              ? 'Someone else changed this lead since you opened it. Close this form to see their changes.'
              : errorMessage(update.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <TextInput label="Company name" {...form.getInputProps('company_name')} />
          <Select label="Kind" data={KIND_OPTIONS} allowDeselect={false} {...form.getInputProps('kind')} />
          <Select label="Source" data={LEAD_SOURCE_OPTIONS} allowDeselect={false} {...form.getInputProps('source')} />
          <TextInput label="Email" type="email" {...form.getInputProps('email')} />
          <TextInput label="Phone" type="tel" {...form.getInputProps('phone')} />
          <TextInput label="Street" {...form.getInputProps('address_line1')} />
          <TextInput label="Apartment, suite" {...form.getInputProps('address_line2')} />
          <TextInput label="City" {...form.getInputProps('city')} />
          <TextInput label="Region" {...form.getInputProps('region')} />
          <TextInput label="Postal code" {...form.getInputProps('postal_code')} />
          <TextInput label="Country" maxLength={2} {...form.getInputProps('country')} />
        </SimpleGrid>
        <Textarea label="Serviceability" placeholder="Coverage zone, building access…" rows={2} {...form.getInputProps('serviceability_note')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending}>
            Save lead
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
