import { Alert, Badge, Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useState } from 'react';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { useAddContact, useContacts, useRemoveContact, type Contact } from '../api/contacts';
import { CONTACT_ROLE_OPTIONS, labelOf, optional } from '../labels';

const FIELDS = ['name', 'role', 'email', 'phone'] as const;

interface ContactFormValues {
  name: string;
  role: Schemas['ContactRole'];
  email: string;
  phone: string;
}

function AddContactForm({ customerId, onDone }: { customerId: number; onDone: () => void }) {
  const addContact = useAddContact();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const form = useForm<ContactFormValues>({
    initialValues: { name: '', role: 'primary', email: '', phone: '' },
    validate: {
      name: isNotEmpty('Enter a name'),
      phone: (phone, values) =>
        phone.trim() === '' && values.email.trim() === '' ? 'Give an email or a phone' : null,
    },
  });
  const submit = form.onSubmit((values) => {
    const email = optional(values.email);
    const phone = optional(values.phone);
    addContact.mutate(
      {
        customerId,
        idempotencyKey,
        input: { name: values.name.trim(), role: values.role, ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
      },
      {
        onSuccess: onDone,
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrors(error))) {
            if ((FIELDS as readonly string[]).includes(field)) form.setFieldError(field, message);
          }
        },
      },
    );
  });
  const showAlert = addContact.isError && !explainedByFields(addContact.error, FIELDS);
  return (
    <form onSubmit={submit} noValidate aria-label="New contact">
      <Stack gap="sm">
        {showAlert && (
          <Alert color="red" role="alert">
            {errorMessage(addContact.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <Select label="Role" data={CONTACT_ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
          <TextInput label="Email" type="email" {...form.getInputProps('email')} />
          <TextInput label="Phone" type="tel" {...form.getInputProps('phone')} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={addContact.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={addContact.isPending}>
            Add contact
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export interface ContactsPanelProps {
  customerId: number;
  /** Agents, managers and admins add and remove contacts; others only read. */
  canEdit: boolean;
}

/** A customer's contact people, with add and remove for those who may change them. */
export function ContactsPanel({ customerId, canEdit }: ContactsPanelProps) {
  const contacts = useContacts(customerId);
  const removeContact = useRemoveContact();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Contact | null>(null);

  if (!contacts.isSuccess) {
    return <QueryStatus query={contacts} what="contacts" noAccess="You cannot see this customer's contacts." />;
  }
  return (
    <Stack gap="sm">
      <Table aria-label="Contacts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Phone</Table.Th>
            {canEdit && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {contacts.data.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={5}>
                <Text c="dimmed" ta="center">
                  No contacts yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {contacts.data.map((contact) => (
            <Table.Tr key={contact.id}>
              <Table.Td>{contact.name}</Table.Td>
              <Table.Td>
                <Badge variant="light">{labelOf(CONTACT_ROLE_OPTIONS, contact.role)}</Badge>
              </Table.Td>
              <Table.Td>{contact.email ?? '—'}</Table.Td>
              <Table.Td>{contact.phone ?? '—'}</Table.Td>
              {canEdit && (
                <Table.Td ta="right">
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="red"
                    aria-label={`Remove ${contact.name}`}
                    onClick={() => setRemoving(contact)}
                  >
                    Remove
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {canEdit &&
        (adding ? (
          <AddContactForm customerId={customerId} onDone={() => setAdding(false)} />
        ) : (
          <Group>
            <Button variant="light" onClick={() => setAdding(true)}>
              Add contact
            </Button>
          </Group>
        ))}
      <ConfirmModal
        opened={removing !== null}
        title="Remove this contact?"
        confirmLabel="Remove"
        confirmColor="red"
        loading={removeContact.isPending}
        error={removeContact.isError ? errorMessage(removeContact.error) : null}
        onCancel={() => {
          removeContact.reset();
          setRemoving(null);
        }}
        onConfirm={() => {
          if (removing === null) return;
          removeContact.mutate(
            { customerId, contactId: removing.id },
            { onSuccess: () => setRemoving(null) },
          );
        }}
      >
        {removing?.name} will no longer be listed as a contact.
      </ConfirmModal>
    </Stack>
  );
}
