import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useMe } from '@/features/auth/api/get-me';
import { roleLabel } from '@/lib/roles';
import { lifecycleStages, visibleTo } from '../stages';

export function DashboardRoute() {
  const me = useMe();
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Welcome, {me.name}</Title>
        <Group gap="xs" mt="xs">
          <Text c="dimmed">You are signed in as</Text>
          <Badge variant="light" size="lg">
            {roleLabel(me.role)}
          </Badge>
        </Group>
      </div>
      <div>
        <Title order={2} size="h4" mb="sm">
          The subscriber lifecycle
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {lifecycleStages.filter((stage) => visibleTo(stage, me.role)).map((stage, index) => (
            <Card key={stage.path} withBorder padding="md" radius="md">
              <Text size="xs" c="dimmed">
                Stage {index + 1}
              </Text>
              <Anchor component={Link} to={stage.path} fw={600}>
                {stage.label}
              </Anchor>
              <Text size="sm" c="dimmed" mt={4}>
                {stage.summary}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      </div>
    </Stack>
  );
}
