import { Badge, Button, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import { roleLabel } from '@/lib/roles';
import { useUsers, type User } from '../api/get-users';
import { EditUserModal } from './edit-user-modal';
import { ActiveBadge } from '@/components/ui/active-badge';

interface UserRowProps {
  user: User;
  onEdit: (user: User) => void;
}

function UserRow({ user, onEdit }: UserRowProps) {
  return (
    <Table.Tr>
      <Table.Td>{user.name}</Table.Td>
      <Table.Td>{user.email}</Table.Td>
      <Table.Td>
        <Badge variant="light" miw="max-content">
          {roleLabel(user.role)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <ActiveBadge active={user.active} />
      </Table.Td>
      <Table.Td>{formatDateTime(user.last_login_at)}</Table.Td>
      <Table.Td>{formatDateTime(user.created_at)}</Table.Td>
      <Table.Td ta="right">
        <Button size="compact-sm" variant="subtle" onClick={() => onEdit(user)} aria-label={`Edit ${user.email}`}>
          Edit
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

export function UsersTable() {
  const users = useUsers();
  const [editing, setEditing] = useState<{ opened: boolean; user: User | null }>({ opened: false, user: null });

  if (!users.isSuccess) {
    return <QueryStatus query={users} what="users" noAccess="Only administrators can see the list of users." />;
  }

  const rows = users.data.pages.flatMap((page) => page.items);

  return (
    <>
      <Table.ScrollContainer minWidth={820}>
        <Table striped highlightOnHover aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last login</Table.Th>
              <Table.Th>Created</Table.Th>
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
                    No users yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((user) => (
                <UserRow key={user.id} user={user} onEdit={(u) => setEditing({ opened: true, user: u })} />
              ))
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {users.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}
      <EditUserModal
        opened={editing.opened}
        user={editing.user}
        onClose={() => setEditing((current) => ({ ...current, opened: false }))}
      />
    </>
  );
}
