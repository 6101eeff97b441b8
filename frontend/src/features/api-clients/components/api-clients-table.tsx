import { ActionIcon, Badge, Button, Code, Group, Menu, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { errorMessage } from '@/lib/api/problem';
import { formatDateTime } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { useDeleteApiClient } from '../api/delete-api-client';
import { useApiClients, type ApiClient } from '../api/get-api-clients';
import { useRotateApiClientSecret } from '../api/rotate-api-client-secret';
import type { RevealedSecret } from '../api/secret';
import { EditApiClientModal } from './api-client-form-modals';
import { SecretModal } from './secret-modal';
import { ActiveBadge } from '@/components/ui/active-badge';

type RowAction = 'edit' | 'rotate' | 'delete';

interface ApiClientRowProps {
  client: ApiClient;
  onAction: (action: RowAction, client: ApiClient) => void;
}

function DotsIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
      <circle cx="5" cy="12" r="2" />
      <circle cx="12" cy="12" r="2" />
      <circle cx="19" cy="12" r="2" />
    </svg>
  );
}

function ApiClientRow({ client, onAction }: ApiClientRowProps) {
  return (
    <Table.Tr>
      <Table.Td fw={500}>{client.name}</Table.Td>
      <Table.Td>
        <Code fz="xs">{client.client_id}</Code>
      </Table.Td>
      <Table.Td>
        {client.scopes.length === 0 ? (
          <Text size="sm" c="dimmed">
            None
          </Text>
        ) : (
          <Group gap={4}>
            {client.scopes.map((scope) => (
              <Badge key={scope} variant="light" color="gray" tt="none" miw="max-content">
                {scope}
              </Badge>
            ))}
          </Group>
        )}
      </Table.Td>
      <Table.Td>
        <ActiveBadge active={client.active} />
      </Table.Td>
      <Table.Td>{formatDateTime(client.created_at)}</Table.Td>
      <Table.Td>{formatDateTime(client.last_used_at)}</Table.Td>
      <Table.Td ta="right">
        <Menu position="bottom-end" shadow="md" width={180}>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${client.name}`}>
              <DotsIcon />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => onAction('edit', client)}>Edit</Menu.Item>
            <Menu.Item onClick={() => onAction('rotate', client)}>Rotate secret</Menu.Item>
            <Menu.Divider />
            <Menu.Item color="red" onClick={() => onAction('delete', client)}>
              Delete
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}

interface Pending {
  action: RowAction;
  client: ApiClient;
  opened: boolean;
}

export function ApiClientsTable() {
  const clients = useApiClients();
  const [pending, setPending] = useState<Pending | null>(null);
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const rotate = useRotateApiClientSecret({ onSecret: setRevealed });
  const remove = useDeleteApiClient();

  const open = (action: RowAction, client: ApiClient) => {
    rotate.reset();
    remove.reset();
    setPending({ action, client, opened: true });
  };
  const close = () => setPending((current) => current && { ...current, opened: false });
  const isOpen = (action: RowAction) => pending?.opened === true && pending.action === action;

  if (!clients.isSuccess) {
    return <QueryStatus query={clients} what="API clients" noAccess="Only administrators can manage API clients." />;
  }

  const rows = clients.data.pages.flatMap((page) => page.items);
  const target = pending?.client ?? null;

  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover aria-label="API clients" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Client ID</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text c="dimmed" ta="center" py="lg">
                    No API clients yet. Create one for each system that calls the API.
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((client) => <ApiClientRow key={client.id} client={client} onAction={open} />)
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {clients.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={clients.isFetchingNextPage} onClick={() => void clients.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}

      <EditApiClientModal opened={isOpen('edit')} client={pending?.action === 'edit' ? target : null} onClose={close} />

      <ConfirmModal
        opened={isOpen('rotate')}
        title="Rotate the secret?"
        confirmLabel="Rotate secret"
        confirmColor="orange"
        loading={rotate.isPending}
        error={rotate.isError ? errorMessage(rotate.error) : null}
        onCancel={close}
        onConfirm={() => {
          if (target === null) return;
          rotate.mutate(target.id, {
            onSuccess: (client) => {
              close();
              notifySuccess('Secret rotated', `${client.name} has a new secret; the old one no longer works.`);
            },
          });
        }}
      >
        <Text size="sm">
          <strong>{target?.name}</strong> gets a new secret, shown once. The current secret stops working at once:
          the integration fails until it is given the new one.
        </Text>
      </ConfirmModal>

      <ConfirmModal
        opened={isOpen('delete')}
        title="Delete the API client?"
        confirmLabel="Delete client"
        confirmColor="red"
        loading={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onCancel={close}
        onConfirm={() => {
          if (target === null) return;
          remove.mutate(target.id, {
            onSuccess: () => {
              close();
              notifySuccess('API client deleted', `${target.name} can no longer call the API.`);
            },
          });
        }}
      >
        <Text size="sm">
          <strong>{target?.name}</strong> is deleted and its secret stops working at once. This cannot be undone.
        </Text>
      </ConfirmModal>

      <SecretModal revealed={revealed} reason="rotated" onClose={() => setRevealed(null)} />
    </>
  );
}
