import { Button, Group, Stack, Tabs } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { useOverview } from '@/features/customer-360/api/get-overview';
import { CustomerHeader } from '@/features/customer-360/components/customer-header';
import { OverviewPanels } from '@/features/customer-360/components/overview-panels';
import { CustomerTimeline } from '@/features/customer-360/components/timeline';
import { NotFoundRoute } from './not-found';

/** The 360° page of one customer: header, panels, timeline. */
export function Customer360Route() {
  const { id } = useParams();
  const customerId = Number(id);
  if (!Number.isSafeInteger(customerId) || customerId <= 0) return <NotFoundRoute />;
  return <Customer360 customerId={customerId} />;
}

function Customer360({ customerId }: { customerId: number }) {
  const overview = useOverview(customerId);
  if (!overview.isSuccess) {
    return <QueryStatus query={overview} what="the customer" noAccess="You cannot see this customer." />;
  }
  return (
    <Stack gap="md">
      <CustomerHeader overview={overview.data} />
      <Group gap="xs">
        <Button component={Link} to={`/orders/new?customer=${customerId}`} size="xs">
          New order
        </Button>
      </Group>
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline ({overview.data.counts.timeline})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <OverviewPanels overview={overview.data} />
        </Tabs.Panel>
        <Tabs.Panel value="timeline" pt="md">
          <CustomerTimeline customerId={customerId} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
