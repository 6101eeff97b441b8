import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <Center mih="100vh" p="md">
      <Stack align="center" gap="sm">
        <Text c="dimmed" fw={700} size="xl">
          404
        </Text>
        <Title order={1}>Page not found</Title>
        <Text c="dimmed">There is no page at this address.</Text>
        <Button component={Link} to="/">
          Go to the dashboard
        </Button>
      </Stack>
    </Center>
  );
}
