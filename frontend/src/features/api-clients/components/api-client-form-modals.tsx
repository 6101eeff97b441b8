import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Switch,
  TextInput,
  type MultiSelectProps,
} from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useState } from 'react';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useCreateApiClient } from '../api/create-api-client';
import type { ApiClient } from '../api/get-api-clients';
import type { RevealedSecret } from '../api/secret';
import { useUpdateApiClient, type UpdateApiClientInput } from '../api/update-api-client';
import { API_SCOPES } from '../scopes';
import { SecretModal } from './secret-modal';

const scopeOptions = API_SCOPES.map((scope) => ({ value: scope, label: scope }));

function ScopesInput(props: Omit<MultiSelectProps, 'data'>) {
  return (
    <MultiSelect
      label="Scopes"
      description="What the integration may do. Without scopes it can only get a token."
      placeholder="Pick scopes"
      data={scopeOptions}
      searchable
      clearable
      hidePickedOptions
      {...props}
    />
  );
}

/** Shows the API's field errors on the form's own fields. */
function setErrors(error: unknown, fields: readonly string[], setFieldError: (field: string, message: string) => void) {
  for (const [field, message] of Object.entries(fieldErrors(error))) {
    if (fields.includes(field)) setFieldError(field, message);
  }
}

const CREATE_FIELDS = ['name', 'scopes'] as const;

interface CreateApiClientFormProps {
  onCreated: (revealed: RevealedSecret) => void;
  onCancel: () => void;
}

function CreateApiClientForm({ onCreated, onCancel }: CreateApiClientFormProps) {
  const createClient = useCreateApiClient({ onSecret: onCreated });
  const form = useForm<{ name: string; scopes: string[] }>({
    initialValues: { name: '', scopes: [] },
    validate: { name: isNotEmpty('Enter a name') },
  });

  const submit = form.onSubmit((values) => {
    createClient.mutate(
      { name: values.name.trim(), scopes: values.scopes },
      {
        // No notification: the secret's modal, which opens now, says that it worked.
        onError: (error) => setErrors(error, CREATE_FIELDS, form.setFieldError),
      },
    );
  });

  const showAlert = createClient.isError && !explainedByFields(createClient.error, CREATE_FIELDS);

  return (
    <form onSubmit={submit} noValidate aria-label="New API client">
      <Stack>
        {showAlert && (
          <Alert color="red" title="Could not create the API client" role="alert">
            {errorMessage(createClient.error)}
          </Alert>
        )}
        <TextInput
          label="Name"
          description="Which system this is, e.g. “Website signup form”."
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <ScopesInput {...form.getInputProps('scopes')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={createClient.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={createClient.isPending}>
            Create client
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The "New client" button, its form, and the one-time display of the new client's secret.
 * The secret lives in this component's state only until its modal is closed.
 */
export function NewApiClientButton() {
  const [form, setForm] = useState({ opened: false, generation: 0 });
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const closeForm = () => setForm((current) => ({ ...current, opened: false }));

  return (
    <>
      <Button onClick={() => setForm((current) => ({ opened: true, generation: current.generation + 1 }))}>
        New client
      </Button>
      <Modal opened={form.opened} onClose={closeForm} title="New API client" centered>
        <CreateApiClientForm
          key={form.generation}
          onCreated={(secret) => {
            // Close the form at once: the secret modal takes its place.
            setForm((current) => ({ ...current, opened: false }));
            setRevealed(secret);
          }}
          onCancel={closeForm}
        />
      </Modal>
      <SecretModal revealed={revealed} reason="created" onClose={() => setRevealed(null)} />
    </>
  );
}

const EDIT_FIELDS = ['name', 'scopes', 'active'] as const;

interface EditFormValues {
  name: string;
  scopes: string[];
  active: boolean;
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}

function changesOf(client: ApiClient, values: EditFormValues): UpdateApiClientInput {
  const changes: UpdateApiClientInput = {};
  const name = values.name.trim();
  if (name !== client.name) changes.name = name;
  if (!sameScopes(values.scopes, client.scopes)) changes.scopes = values.scopes;
  if (values.active !== client.active) changes.active = values.active;
  return changes;
}

function EditApiClientForm({ client, onDone }: { client: ApiClient; onDone: () => void }) {
  const updateClient = useUpdateApiClient();
  const form = useForm<EditFormValues>({
    initialValues: { name: client.name, scopes: client.scopes, active: client.active },
    validate: { name: isNotEmpty('Enter a name') },
  });

  const submit = form.onSubmit((values) => {
    const changes = changesOf(client, values);
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    updateClient.mutate(
      { id: client.id, changes },
      {
        onSuccess: (updated) => {
          notifySuccess('API client updated', `Saved the changes to ${updated.name}.`);
          onDone();
        },
        onError: (error) => setErrors(error, EDIT_FIELDS, form.setFieldError),
      },
    );
  });

  const showAlert = updateClient.isError && !explainedByFields(updateClient.error, EDIT_FIELDS);

  return (
    <form onSubmit={submit} noValidate aria-label={`Edit ${client.name}`}>
      <Stack>
        {showAlert && (
          <Alert color="red" title="Could not save the changes" role="alert">
            {errorMessage(updateClient.error)}
          </Alert>
        )}
        <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
        <ScopesInput {...form.getInputProps('scopes')} />
        <Switch
          label="Active"
          description="An inactive client cannot get tokens, and the tokens it holds stop working."
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={updateClient.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={updateClient.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface EditApiClientModalProps {
  opened: boolean;
  /** The client to edit; kept while the modal fades out. */
  client: ApiClient | null;
  onClose: () => void;
}

export function EditApiClientModal({ opened, client, onClose }: EditApiClientModalProps) {
  return (
    <Modal opened={opened && client !== null} onClose={onClose} title={client ? `Edit ${client.name}` : 'Edit API client'} centered>
      {client !== null && <EditApiClientForm key={client.id} client={client} onDone={onClose} />}
    </Modal>
  );
}
