import { Button, Checkbox, Chip, Group, Paper, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import {
  EMPTY_INVOICE_FILTERS,
  filtersFromSearchParams,
  filtersToQuery,
  filtersToSearchParams,
  hasFilters,
  type InvoiceFilters,
} from '../filters';
import { INVOICE_STATUSES, invoiceStatusLabel, isInvoiceStatus } from '../labels';
import { InvoicesTable } from './invoices-table';

interface FiltersFormProps {
  value: InvoiceFilters;
  onApply: (filters: InvoiceFilters) => void;
}

/** Statuses and "overdue" apply at once; the typed fields on "Apply" (or Enter). */
function InvoiceFiltersForm({ value, onApply }: FiltersFormProps) {
  const [draft, setDraft] = useState<InvoiceFilters>(value);
  const applyNow = (next: InvoiceFilters) => {
    setDraft(next);
    onApply(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-label="Filter invoices">
      <Stack gap="sm">
        <Group gap="md" align="center">
          <Group gap="xs" role="group" aria-label="Invoice status">
            <Chip.Group
              multiple
              value={draft.statuses}
              onChange={(statuses) => applyNow({ ...draft, statuses: statuses.filter(isInvoiceStatus) })}
            >
              {INVOICE_STATUSES.map((status) => (
                <Chip key={status} value={status} size="sm">
                  {invoiceStatusLabel(status)}
                </Chip>
              ))}
            </Chip.Group>
          </Group>
          <Checkbox
            label="Overdue only"
            checked={draft.overdue}
            onChange={(event) => applyNow({ ...draft, overdue: event.currentTarget.checked })}
          />
        </Group>
        <Group gap="sm" align="flex-end">
          <TextInput
            label="Period includes"
            type="date"
            value={draft.period}
            onChange={(event) => setDraft({ ...draft, period: event.currentTarget.value })}
          />
          <TextInput
            label="Bill run"
            placeholder="Run number"
            inputMode="numeric"
            w={130}
            value={draft.billRunId}
            onChange={(event) => setDraft({ ...draft, billRunId: event.currentTarget.value })}
          />
          <TextInput
            label="Customer ID"
            placeholder="e.g. 42"
            inputMode="numeric"
            w={130}
            value={draft.customerId}
            onChange={(event) => setDraft({ ...draft, customerId: event.currentTarget.value })}
          />
          <Button type="submit">Apply filters</Button>
          <Button
            variant="default"
            disabled={!hasFilters(value) && !hasFilters(draft)}
            onClick={() => applyNow(EMPTY_INVOICE_FILTERS)}
          >
            Clear
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Finance's invoice list; its filters live in the page's URL. */
export function InvoiceList() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFromSearchParams(searchParams);
  const urlKey = filtersToSearchParams(filters).toString();
  return (
    <Stack gap="md">
      {/* Remounted when the URL changes (back/forward, a shared link) so the form shows it. */}
      <InvoiceFiltersForm
        key={`filters?${urlKey}`}
        value={filters}
        onApply={(next) => setSearchParams(filtersToSearchParams(next))}
      />
      <InvoicesTable
        query={filtersToQuery(filters)}
        label="Invoices"
        empty={hasFilters(filters) ? 'No invoice matches these filters.' : 'No invoices yet. Bill runs make them.'}
      />
    </Stack>
  );
}
