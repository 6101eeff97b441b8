import { Alert, Button, Group, Modal, Progress, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useCreateIpPool, useDeleteIpPool, useIpPools, type IpPool } from '../api/ip-pools';
import { createPoolInput, emptyPool, poolFormProblems, type PoolFormValues } from '../forms';

const FIELDS = ['name', 'network', 'first_address', 'last_address', 'description'] as const;

function PoolForm({ onDone }: { onDone: () => void }) {
  const create = useCreateIpPool();
  const form = useForm<PoolFormValues>({ initialValues: emptyPool, validate: poolFormProblems });
  const submit = form.onSubmit((values) =>
    create.mutate(createPoolInput(values), {
      onSuccess: (pool) => {
        notifySuccess('Address pool added', `${pool.name}: ${pool.size} addresses for static IPs.`);
        onDone();
      },
      onError: (error) => {
        for (const [field, message] of Object.entries(fieldErrors(error))) {
          if ((FIELDS as readonly string[]).includes(field)) form.setFieldError(field, message);
        }
      },
    }),
  );
  return (
    <form onSubmit={submit} noValidate aria-label="New address pool">
      <Stack>
        {create.isError && !explainedByFields(create.error, FIELDS) && (
          <Alert color="red" role="alert" title="Could not add the pool">
            {errorMessage(create.error)}
          </Alert>
        )}
        <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
        <TextInput label="Network" description="An IPv4 network, e.g. 203.0.113.0/24." required {...form.getInputProps('network')} />
        <Group grow align="flex-start">
          <TextInput label="First address" description="Default: the first host address." {...form.getInputProps('first_address')} />
          <TextInput label="Last address" description="Default: the last host address." {...form.getInputProps('last_address')} />
        </Group>
        <Textarea label="Description" rows={2} {...form.getInputProps('description')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Add pool
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The ISP's address pools static IPs are handed out from. */
export function IpPoolsPanel({ canEdit }: { canEdit: boolean }) {
  const pools = useIpPools();
  const remove = useDeleteIpPool();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<IpPool | null>(null);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Static IPs for services that order one are taken from these pools.
        </Text>
        {canEdit && <Button onClick={() => setAdding(true)}>Add pool</Button>}
      </Group>
      {!pools.isSuccess ? (
        <QueryStatus query={pools} what="address pools" noAccess="You cannot see the address pools." />
      ) : pools.data.length === 0 ? (
        <Text c="dimmed">No address pools yet: static IPs cannot be sold until one exists.</Text>
      ) : (
        <Table striped aria-label="Address pools">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Network</Table.Th>
              <Table.Th>Range</Table.Th>
              <Table.Th>Used</Table.Th>
              {canEdit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pools.data.map((pool) => (
              <Table.Tr key={pool.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {pool.name}
                  </Text>
                  {pool.description != null && (
                    <Text size="xs" c="dimmed">
                      {pool.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ff="monospace">{pool.network}</Table.Td>
                <Table.Td ff="monospace">
                  {pool.first_address} – {pool.last_address}
                </Table.Td>
                <Table.Td miw={160}>
                  <Text size="xs">
                    {pool.used} of {pool.size}
                  </Text>
                  <Progress
                    value={pool.size === 0 ? 0 : (pool.used / pool.size) * 100}
                    color={pool.used >= pool.size ? 'red' : 'blue'}
                    size="sm"
                    aria-label={`${pool.name}: ${pool.used} of ${pool.size} addresses used`}
                  />
                </Table.Td>
                {canEdit && (
                  <Table.Td ta="right">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${pool.name}`}
                      onClick={() => {
                        remove.reset();
                        setDeleting(pool);
                      }}
                    >
                      Delete
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title="New address pool" centered>
        {adding && <PoolForm onDone={() => setAdding(false)} />}
      </Modal>
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'pool'}`}
        confirmLabel="Delete pool"
        confirmColor="red"
        loading={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting !== null &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess('Address pool deleted');
              setDeleting(null);
            },
          })
        }
      >
        No more static IPs are handed out from {deleting?.network}. A pool that still has addresses in use cannot be
        deleted.
      </ConfirmModal>
    </Stack>
  );
}
