import { Badge, Button, Group, Kbd, Loader, Modal, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue, useDisclosure, useHotkeys } from '@mantine/hooks';
import { useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '@/lib/api/problem';
import { MIN_TERM_LENGTH, useCustomerSearch, type CustomerHit } from '../api/search-customers';

const MATCH_LABEL: Record<string, string> = {
  identifier: 'account / e-mail',
  phone: 'phone',
  words: 'name / address',
  similar: 'similar',
};

const STATUS_COLOR: Record<string, string> = { active: 'green', suspended: 'orange', closed: 'gray' };

interface ResultsProps {
  term: string;
  selected: number;
  onPick: (hit: CustomerHit) => void;
}

function Results({ term, selected, onPick }: ResultsProps) {
  const search = useCustomerSearch(term);
  if (term.trim().length < MIN_TERM_LENGTH) {
    return (
      <Text c="dimmed" size="sm">
        Name, company, account number, e-mail, phone or street.
      </Text>
    );
  }
  if (search.isPending) return <Loader size="sm" aria-label="Searching" />;
  if (search.isError) {
    return (
      <Text c="red" size="sm" role="alert">
        {errorMessage(search.error)}
      </Text>
    );
  }
  const { items, hint } = search.data;
  return (
    <Stack gap={4} role="listbox" aria-label="Customers found">
      {hint === 'account_number_check_failed' && (
        <Text c="orange" size="sm" role="alert">
          That account number's check digit is wrong — a digit was probably misheard. Ask the caller to repeat it.
        </Text>
      )}
      {items.length === 0 && hint == null && (
        <Text c="dimmed" size="sm">
          No customer matches “{term.trim()}”.
        </Text>
      )}
      {items.map((hit, index) => (
        <UnstyledButton
          key={hit.id}
          role="option"
          aria-selected={index === selected}
          onClick={() => onPick(hit)}
          p="xs"
          style={{
            borderRadius: 'var(--mantine-radius-sm)',
            background: index === selected ? 'var(--mantine-color-blue-light)' : undefined,
          }}
        >
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Text fw={500} size="sm">
                {hit.name}
                {hit.company_name != null && (
                  <Text span c="dimmed" size="sm">
                    {' '}
                    · {hit.company_name}
                  </Text>
                )}
              </Text>
              <Text size="xs" c="dimmed">
                #{hit.account_number}
                {hit.email != null && ` · ${hit.email}`}
                {hit.phone != null && ` · ${hit.phone}`}
              </Text>
            </div>
            <Group gap={4} wrap="nowrap">
              <Badge size="xs" variant="light" color="gray">
                {MATCH_LABEL[hit.matched] ?? hit.matched}
              </Badge>
              <Badge size="xs" variant="light" color={STATUS_COLOR[hit.status] ?? 'gray'}>
                {hit.status}
              </Badge>
            </Group>
          </Group>
        </UnstyledButton>
      ))}
    </Stack>
  );
}

/** The one search box: a header button and Ctrl+K (or /) open it; Enter opens the customer. */
export function GlobalSearch() {
  const [opened, modal] = useDisclosure(false);
  const [term, setTerm] = useState('');
  const [selected, setSelected] = useState(0);
  const [debounced] = useDebouncedValue(term, 150);
  const search = useCustomerSearch(debounced);
  const navigate = useNavigate();

  useHotkeys([
    ['mod+K', () => modal.open()],
    ['/', () => modal.open()],
  ]);

  const close = () => {
    modal.close();
    setTerm('');
    setSelected(0);
  };
  const pick = (hit: CustomerHit) => {
    close();
    void navigate(`/customers/${hit.id}`);
  };
  const items = search.data?.items ?? [];
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setSelected((s) => Math.min(s + 1, Math.max(items.length - 1, 0)));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setSelected((s) => Math.max(s - 1, 0));
    } else if (event.key === 'Enter' && items[selected] !== undefined) {
      event.preventDefault();
      pick(items[selected]);
    }
  };

  return (
    <>
      <Button
        variant="default"
        size="xs"
        onClick={modal.open}
        rightSection={<Kbd size="xs">Ctrl K</Kbd>}
        aria-label="Search customers"
      >
        Search customers
      </Button>
      <Modal opened={opened} onClose={close} title="Find a customer" size="lg" yOffset="8vh">
        <Stack gap="sm">
          <TextInput
            data-autofocus
            aria-label="Search term"
            placeholder="Name, account number, e-mail, phone, street…"
            value={term}
            onChange={(e) => {
              setTerm(e.currentTarget.value);
              setSelected(0);
            }}
            onKeyDown={onKeyDown}
          />
          <Results term={debounced} selected={selected} onPick={pick} />
        </Stack>
      </Modal>
    </>
  );
}
