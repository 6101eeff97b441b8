import { Stack } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { EMPTY_AUDIT_FILTERS, filtersFromSearchParams, filtersToQuery, filtersToSearchParams, hasFilters } from '../filters';
import { AuditLogFilters } from './audit-log-filters';
import { AuditLogTable } from './audit-log-table';

/** The audit log with its filters, which live in the page's URL search params. */
export function AuditLog() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFromSearchParams(searchParams);
  const apply = (next: typeof filters) => setSearchParams(filtersToSearchParams(next));
  const urlKey = filtersToSearchParams(filters).toString();

  return (
    <Stack gap="md">
      {/* Remounted when the URL changes (back/forward, a shared link) so the form shows it. */}
      <AuditLogFilters key={`filters?${urlKey}`} value={filters} onApply={apply} />
      <AuditLogTable
        key={`table?${urlKey}`}
        query={filtersToQuery(filters)}
        filtered={hasFilters(filters)}
        onClearFilters={() => apply(EMPTY_AUDIT_FILTERS)}
      />
    </Stack>
  );
}
