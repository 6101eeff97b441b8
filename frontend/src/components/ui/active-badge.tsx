import { Badge } from '@mantine/core';

/** "Active" / "Inactive" as a dot badge, for anything that can be switched off. */
export function ActiveBadge({ active }: { active: boolean }) {
  return (
    <Badge color={active ? 'green' : 'gray'} variant="dot" miw="max-content">
      {active ? 'Active' : 'Inactive'}
    </Badge>
  );
}
