import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Link, Outlet, useMatch } from 'react-router';
import { FullPageLoader } from '@/components/ui/full-page-loader';
import { useMe } from '@/features/auth/api/get-me';
import { useLogout } from '@/features/auth/api/logout';
import { GlobalSearch } from '@/features/search/components/global-search';
import { roleLabel } from '@/lib/roles';
import { adminAreas, lifecycleStages, visibleTo } from '../stages';

interface NavItemProps {
  to: string;
  label: string;
  onNavigate: () => void;
}

function NavItem({ to, label, onNavigate }: NavItemProps) {
  const active = useMatch({ path: to, end: to === '/' }) !== null;
  return (
    <NavLink
      component={Link}
      to={to}
      label={label}
      active={active}
      aria-current={active ? 'page' : undefined}
      onClick={onNavigate}
    />
  );
}

function UserMenu() {
  const me = useMe();
  const logout = useLogout();
  return (
    <Group gap="sm" wrap="nowrap">
      <Text size="sm" fw={500} data-testid="current-user-name" visibleFrom="xs">
        {me.name}
      </Text>
      <Badge variant="light" data-testid="current-user-role">
        {roleLabel(me.role)}
      </Badge>
      <Button variant="default" size="xs" loading={logout.isPending} onClick={() => logout.mutate()}>
        Log out
      </Button>
    </Group>
  );
}

export function AppLayout() {
  const [navbarOpened, navbar] = useDisclosure(false);
  const me = useMe();
  const visibleStages = lifecycleStages.filter((stage) => visibleTo(stage, me.role));
  const visibleAdminAreas = adminAreas.filter((area) => (area.roles ?? ['admin']).includes(me.role));

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navbarOpened}
              onClick={navbar.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={2} size="h4">
              ispbill
            </Title>
            <GlobalSearch />
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <ScrollArea>
          <NavItem to="/" label="Dashboard" onNavigate={navbar.close} />
          {visibleStages.map((stage) => (
            <NavItem key={stage.path} to={stage.path} label={stage.label} onNavigate={navbar.close} />
          ))}
          {visibleAdminAreas.length > 0 && (
            <NavLink label="Admin" defaultOpened childrenOffset="md" component="button">
              {visibleAdminAreas.map((area) => (
                <NavItem key={area.path} to={area.path} label={area.label} onNavigate={navbar.close} />
              ))}
            </NavLink>
          )}
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main>
        <Suspense fallback={<FullPageLoader label="Loading" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
