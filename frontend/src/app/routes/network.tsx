import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useMe } from '@/features/auth/api/get-me';
import { canEditNetwork, IpPoolsPanel, NasPanel } from '@/features/network';

/** Network set-up: the NAS devices and the address pools (admins change, managers read). */
export function NetworkRoute() {
  const me = useMe();
  const canEdit = canEditNetwork(me.role);
  return (
    <Stack gap="md">
      <div>
        <Title order={1}>Network</Title>
        <Text c="dimmed">NAS devices (RADIUS clients) and the address pools static IPs come from.</Text>
      </div>
      <Tabs defaultValue="nas" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="nas">NAS devices</Tabs.Tab>
          <Tabs.Tab value="pools">Address pools</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="nas" pt="md">
          <NasPanel canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="pools" pt="md">
          <IpPoolsPanel canEdit={canEdit} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
