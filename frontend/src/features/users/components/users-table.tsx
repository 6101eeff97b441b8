import { Alert, Badge, Button, Center, Group, Loader, Table, Text } from '@mantine/core';
import { errorMessage, isApiError } from '@/lib/api/problem';
import { roleLabel } from '@/lib/roles';
import { useUsers, type User } from '../api/get-users';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatDate(value: string | null | undefined): string {
  if (value == null) return 'Never';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

function UserRow({ user }: { user: User }) {
  return (
    <Table.Tr>
      <Table.Td>{user.name}</Table.Td>
      <Table.Td>{user.email}</Table.Td>
      <Table.Td>
        <Badge variant="light">{roleLabel(user.role)}</Badge>
      </Table.Td>
      <Table.Td>
        <Badge color={user.active ? 'green' : 'gray'} variant="dot">
          {user.active ? 'Active' : 'Inactive'}
        </Badge>
      </Table.Td>
      <Table.Td>{formatDate(user.last_login_at)}</Table.Td>
      <Table.Td>{formatDate(user.created_at)}</Table.Td>
    </Table.Tr>
  );
}

export function UsersTable() {
  const users = useUsers();

  if (users.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading users" />
      </Center>
    );
  }

  if (users.isError) {
    if (isApiError(users.error, 403)) {
      return (
        <Alert color="yellow" title="You don't have access" role="alert">
          Only administrators can see the list of users. Ask an administrator if you need access.
        </Alert>
      );
    }
    return (
      <Alert color="red" title="Could not load users" role="alert">
        <Text size="sm">{errorMessage(users.error)}</Text>
        <Button mt="sm" size="xs" variant="light" onClick={() => void users.refetch()}>
          Try again
        </Button>
      </Alert>
    );
  }

  const rows = users.data.pages.flatMap((page) => page.items);

  return (
    <>
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last login</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text c="dimmed">No users yet.</Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((user) => <UserRow key={user.id} user={user} />)
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
    </>
  );
}
