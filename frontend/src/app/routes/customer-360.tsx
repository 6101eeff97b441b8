import { Button, Group, Modal, SimpleGrid, Stack, Tabs } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { useMe } from '@/features/auth/api/get-me';
import { CustomerBillingPanel } from '@/features/billing';
import { useOverview } from '@/features/customer-360/api/get-overview';
import { CustomerHeader } from '@/features/customer-360/components/customer-header';
import { OverviewPanels } from '@/features/customer-360/components/overview-panels';
import { CustomerTimeline } from '@/features/customer-360/components/timeline';
import { JobHistory } from '@/features/provisioning';
import { ServicesPanel } from '@/features/subscriptions';
import {
  AddressesPanel,
  ContactsPanel,
  CustomerEditForm,
  InteractionForm,
  InteractionList,
  useCustomer,
} from '@/features/customers';
import { canWriteCrm } from '@/lib/roles';
import { NotFoundRoute } from './not-found';

/** The 360° page of one customer: header, panels, services, invoices, interactions, contacts, timeline. */
export function Customer360Route() {
  const { id } = useParams();
  const customerId = Number(id);
  if (!Number.isSafeInteger(customerId) || customerId <= 0) return <NotFoundRoute />;
  return <Customer360 key={customerId} customerId={customerId} />;
}

/** Read only when the dialog opens: the profile as the edit form needs it (with its version). */
function EditProfile({ customerId, onDone }: { customerId: number; onDone: () => void }) {
  const customer = useCustomer(customerId);
  if (!customer.isSuccess) {
    return <QueryStatus query={customer} what="the customer" noAccess="You cannot edit this customer." />;
  }
  return <CustomerEditForm customer={customer.data} onSaved={onDone} onCancel={onDone} />;
}

function EditProfileButton({ customerId }: { customerId: number }) {
  const [opened, modal] = useDisclosure(false);
  return (
    <>
      <Button variant="default" size="xs" onClick={modal.open}>
        Edit profile
      </Button>
      <Modal opened={opened} onClose={modal.close} title="Edit profile and billing preferences" size="lg">
        <EditProfile customerId={customerId} onDone={modal.close} />
      </Modal>
    </>
  );
}

function LogInteractionButton({ customerId }: { customerId: number }) {
  const [opened, modal] = useDisclosure(false);
  const queryClient = useQueryClient();
  return (
    <>
      <Button variant="default" size="xs" onClick={modal.open}>
        Log interaction
      </Button>
      <Modal opened={opened} onClose={modal.close} title="Log a call, e-mail, visit or note" size="lg">
        <InteractionForm
          customerId={customerId}
          onLogged={() => {
            modal.close();
            // The overview's latest interactions, counts and timeline change too.
            void queryClient.invalidateQueries({ queryKey: ['customers', 'detail', customerId] });
          }}
        />
      </Modal>
    </>
  );
}

function Customer360({ customerId }: { customerId: number }) {
  const me = useMe();
  const overview = useOverview(customerId);
  const canEdit = canWriteCrm(me.role);
  if (!overview.isSuccess) {
    return <QueryStatus query={overview} what="the customer" noAccess="You cannot see this customer." />;
  }
  const { counts } = overview.data;
  return (
    <Stack gap="md">
      <CustomerHeader overview={overview.data} />
      {canEdit && (
        <Group gap="xs">
          <Button component={Link} to={`/orders/new?customer=${customerId}`} size="xs">
            New order
          </Button>
          <LogInteractionButton customerId={customerId} />
          <EditProfileButton customerId={customerId} />
        </Group>
      )}
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="services">Services ({overview.data.active_services.length})</Tabs.Tab>
          <Tabs.Tab value="invoices">Invoices</Tabs.Tab>
          <Tabs.Tab value="interactions">Interactions ({counts.interactions})</Tabs.Tab>
          <Tabs.Tab value="contacts">Contacts and addresses</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline ({counts.timeline})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <OverviewPanels overview={overview.data} />
        </Tabs.Panel>
        <Tabs.Panel value="services" pt="md">
          <ServicesPanel
            customerId={customerId}
            role={me.role}
            renderJobs={(subscriptionId) => <JobHistory subscriptionId={subscriptionId} role={me.role} />}
          />
        </Tabs.Panel>
        <Tabs.Panel value="invoices" pt="md">
          <CustomerBillingPanel
            customerId={customerId}
            currency={overview.data.customer.billing.currency}
            role={me.role}
          />
        </Tabs.Panel>
        <Tabs.Panel value="interactions" pt="md">
          <InteractionList customerId={customerId} />
        </Tabs.Panel>
        <Tabs.Panel value="contacts" pt="md">
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <ContactsPanel customerId={customerId} canEdit={canEdit} />
            <AddressesPanel customerId={customerId} canEdit={canEdit} />
          </SimpleGrid>
        </Tabs.Panel>
        <Tabs.Panel value="timeline" pt="md">
          <CustomerTimeline customerId={customerId} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
