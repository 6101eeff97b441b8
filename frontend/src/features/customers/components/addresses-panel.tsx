import { Alert, Badge, Button, Group, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, fieldErrorsByPath } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { useAddAddress, useAddresses, useRemoveAddress, type Address } from '../api/addresses';
import { ADDRESS_KIND_OPTIONS, formatAddress, labelOf } from '../labels';
import { addressInput, EMPTY_ADDRESS, type AddressValues } from '../form-values';
import { AddressFields } from './address-fields';

interface AddAddressValues extends AddressValues {
  kind: Schemas['AddressKind'];
}

function AddAddressForm({ customerId, onDone }: { customerId: number; onDone: () => void }) {
  const addAddress = useAddAddress();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const form = useForm<AddAddressValues>({
    initialValues: { kind: 'service', ...EMPTY_ADDRESS },
    validate: {
      line1: (v) => (v.trim() === '' ? 'Enter the street' : null),
      city: (v) => (v.trim() === '' ? 'Enter the city' : null),
      country: (v) => (/^[A-Za-z]{2}$/.test(v.trim()) ? null : 'Two letters, e.g. US'),
    },
  });
  const submit = form.onSubmit((values) => {
    addAddress.mutate(
      { customerId, idempotencyKey, input: { kind: values.kind, ...addressInput(values) } },
      {
        onSuccess: onDone,
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrorsByPath(error))) form.setFieldError(field, message);
        },
      },
    );
  });
  return (
    <form onSubmit={submit} noValidate aria-label="New address">
      <Stack gap="sm">
        {addAddress.isError && Object.keys(fieldErrorsByPath(addAddress.error)).length === 0 && (
          <Alert color="red" role="alert">
            {errorMessage(addAddress.error)}
          </Alert>
        )}
        <Select label="Kind" data={ADDRESS_KIND_OPTIONS} allowDeselect={false} {...form.getInputProps('kind')} />
        <AddressFields form={form} prefix="" legend="Address" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={addAddress.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={addAddress.isPending}>
            Add address
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export interface AddressesPanelProps {
  customerId: number;
  /** Agents, managers and admins add and remove addresses; others only read. */
  canEdit: boolean;
}

/**
 * A customer's service and billing addresses. The only service address cannot be removed
 * (the API answers 409 `last_service_address`): add the new one first.
 */
export function AddressesPanel({ customerId, canEdit }: AddressesPanelProps) {
  const addresses = useAddresses(customerId);
  const removeAddress = useRemoveAddress();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Address | null>(null);

  if (!addresses.isSuccess) {
    return <QueryStatus query={addresses} what="addresses" noAccess="You cannot see this customer's addresses." />;
  }
  return (
    <Stack gap="sm">
      <Table aria-label="Addresses">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Address</Table.Th>
            {canEdit && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {addresses.data.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={3}>
                <Text c="dimmed" ta="center">
                  No addresses yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {addresses.data.map((address) => (
            <Table.Tr key={address.id}>
              <Table.Td>
                <Badge variant="light" color={address.kind === 'service' ? 'blue' : 'grape'}>
                  {labelOf(ADDRESS_KIND_OPTIONS, address.kind)}
                </Badge>
              </Table.Td>
              <Table.Td>{formatAddress(address)}</Table.Td>
              {canEdit && (
                <Table.Td ta="right">
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="red"
                    aria-label={`Remove ${address.line1}`}
                    onClick={() => setRemoving(address)}
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
          <AddAddressForm customerId={customerId} onDone={() => setAdding(false)} />
        ) : (
          <Group>
            <Button variant="light" onClick={() => setAdding(true)}>
              Add address
            </Button>
          </Group>
        ))}
      <ConfirmModal
        opened={removing !== null}
        title="Remove this address?"
        confirmLabel="Remove"
        confirmColor="red"
        loading={removeAddress.isPending}
        error={removeAddress.isError ? errorMessage(removeAddress.error) : null}
        onCancel={() => {
          removeAddress.reset();
          setRemoving(null);
        }}
        onConfirm={() => {
          if (removing === null) return;
          removeAddress.mutate(
            { customerId, addressId: removing.id },
            { onSuccess: () => setRemoving(null) },
          );
        }}
      >
        {removing && formatAddress(removing)}
      </ConfirmModal>
    </Stack>
  );
}
