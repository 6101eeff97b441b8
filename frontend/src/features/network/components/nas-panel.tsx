import { Alert, Badge, Button, Group, Modal, NumberInput, PasswordInput, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { formatDateTime } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { useCreateNas, useDeleteNas, useNasList, useUpdateNas, type Nas } from '../api/nas';
import { createNasInput, emptyNas, NAS_KINDS, nasFormProblems, nasFormValues, updateNasInput, type NasFormValues } from '../forms';

const FIELDS = ['address', 'name', 'kind', 'coa_port', 'description', 'secret'] as const;

function NasForm({ nas, onDone }: { nas: Nas | null; onDone: () => void }) {
  const create = useCreateNas();
  const update = useUpdateNas();
  const mutation = nas === null ? create : update;
  const mode = nas === null ? 'create' : 'edit';
  const form = useForm<NasFormValues>({
    initialValues: nas === null ? emptyNas : nasFormValues(nas),
    validate: (values) => nasFormProblems(values, mode),
  });
  const onError = (error: unknown) => {
    for (const [field, message] of Object.entries(fieldErrors(error))) {
      if ((FIELDS as readonly string[]).includes(field)) form.setFieldError(field, message);
    }
  };
  const submit = form.onSubmit((values) => {
    if (nas === null) {
      create.mutate(createNasInput(values), {
        onSuccess: (created) => {
          notifySuccess('NAS added', `${created.name} (${created.address}) may now send RADIUS requests.`);
          onDone();
        },
        onError,
      });
      return;
    }
    const changes = updateNasInput(nas, values);
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    update.mutate(
      { id: nas.id, changes },
      {
        onSuccess: (updated) => {
          notifySuccess('NAS updated', `Saved the changes to ${updated.name}.`);
          onDone();
        },
        onError,
      },
    );
  });
  const showAlert = mutation.isError && !explainedByFields(mutation.error, FIELDS);
  return (
    <form onSubmit={submit} noValidate aria-label={nas === null ? 'New NAS' : `Edit ${nas.name}`}>
      <Stack>
        {showAlert && (
          <Alert color="red" role="alert" title="Could not save the NAS">
            {errorMessage(mutation.error)}
          </Alert>
        )}
        <TextInput
          label="Address"
          description={nas === null ? 'The IP address the NAS sends RADIUS requests from.' : 'The address cannot change: add a new NAS instead.'}
          required={nas === null}
          disabled={nas !== null}
          data-autofocus={nas === null ? true : undefined}
          {...form.getInputProps('address')}
        />
        <TextInput label="Name" required data-autofocus={nas !== null ? true : undefined} {...form.getInputProps('name')} />
        <Group grow align="flex-start">
          <Select label="Type" data={[...NAS_KINDS]} allowDeselect={false} {...form.getInputProps('kind')} />
          <NumberInput
            label="CoA port"
            description="Disconnect and CoA requests (RFC 5176)."
            min={1}
            max={65535}
            allowDecimal={false}
            allowNegative={false}
            {...form.getInputProps('coa_port')}
            value={form.values.coa_port}
            onChange={(value) => form.setFieldValue('coa_port', String(value))}
          />
        </Group>
        <Textarea label="Description" rows={2} {...form.getInputProps('description')} />
        <PasswordInput
          label="Shared secret"
          description={
            nas === null
              ? '8–128 printable characters. It is stored for FreeRADIUS and never shown again.'
              : 'Leave blank to keep the current secret. It is never shown.'
          }
          required={nas === null}
          autoComplete="new-password"
          {...form.getInputProps('secret')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {nas === null ? 'Add NAS' : 'Save changes'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The NAS devices FreeRADIUS takes requests from; admins change them, managers look. */
export function NasPanel({ canEdit }: { canEdit: boolean }) {
  const list = useNasList();
  const remove = useDeleteNas();
  const [editing, setEditing] = useState<Nas | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Nas | null>(null);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Routers and access concentrators that authenticate subscribers against FreeRADIUS and take Disconnect/CoA
          requests.
        </Text>
        {canEdit && <Button onClick={() => setEditing('new')}>Add NAS</Button>}
      </Group>
      {!list.isSuccess ? (
        <QueryStatus query={list} what="NAS devices" noAccess="You cannot see the network set-up." />
      ) : list.data.length === 0 ? (
        <Text c="dimmed">No NAS yet. Subscribers cannot connect until their NAS is known here.</Text>
      ) : (
        <Table striped aria-label="NAS devices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>CoA port</Table.Th>
              <Table.Th>Secret</Table.Th>
              <Table.Th>Updated</Table.Th>
              {canEdit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((nas) => (
              <Table.Tr key={nas.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {nas.name}
                  </Text>
                  {nas.description != null && (
                    <Text size="xs" c="dimmed">
                      {nas.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ff="monospace">{nas.address}</Table.Td>
                <Table.Td>{nas.kind}</Table.Td>
                <Table.Td>{nas.coa_port}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={nas.secret_set ? 'teal' : 'red'}>
                    {nas.secret_set ? 'set' : 'missing'}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDateTime(nas.updated_at)}</Table.Td>
                {canEdit && (
                  <Table.Td ta="right">
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button size="compact-xs" variant="default" aria-label={`Edit ${nas.name}`} onClick={() => setEditing(nas)}>
                        Edit
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${nas.name}`}
                        onClick={() => {
                          remove.reset();
                          setDeleting(nas);
                        }}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'New NAS' : editing === null ? '' : `Edit ${editing.name}`}
        centered
      >
        {editing !== null && <NasForm key={editing === 'new' ? 'new' : editing.id} nas={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'NAS'}`}
        confirmLabel="Delete NAS"
        confirmColor="red"
        loading={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting !== null &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess('NAS deleted', `${deleting.name} can no longer send RADIUS requests.`);
              setDeleting(null);
            },
          })
        }
      >
        FreeRADIUS stops answering {deleting?.address}: subscribers behind it cannot log in any more.
      </ConfirmModal>
    </Stack>
  );
}
