import { Badge, Button, Group, Switch, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useProducts, type Product } from '../api/get-products';
import { useRetireProduct } from '../api/retire-product';
import { formatMoney, formatSpeeds } from '../format';
import { NewVersionModal } from './new-version-modal';
import { VersionHistoryModal } from './version-history-modal';

const KIND_LABELS: Record<Product['kind'], string> = { plan: 'Plan', addon: 'Add-on', one_time: 'One-time' };

function kindLabel(product: Product): string {
  const kind = KIND_LABELS[product.kind];
  return product.service ? `${kind} (${product.service === 'tv' ? 'TV' : product.service})` : kind;
}

interface ProductRowProps {
  product: Product;
  canEdit: boolean;
  onHistory: (product: Product) => void;
  onNewPrice: (product: Product) => void;
  onRetire: (product: Product) => void;
}

function ProductRow({ product, canEdit, onHistory, onNewPrice, onRetire }: ProductRowProps) {
  const v = product.current_version;
  const retired = product.status === 'retired';
  return (
    <Table.Tr>
      <Table.Td ff="monospace">{product.code}</Table.Td>
      <Table.Td>{product.name}</Table.Td>
      <Table.Td>{kindLabel(product)}</Table.Td>
      <Table.Td>{formatSpeeds(v)}</Table.Td>
      <Table.Td>{product.kind === 'one_time' ? '—' : formatMoney(v?.monthly_price, v?.currency)}</Table.Td>
      <Table.Td>{formatMoney(v?.one_time_price, v?.currency)}</Table.Td>
      <Table.Td>
        <Badge color={retired ? 'gray' : 'green'} variant="dot" miw="max-content">
          {retired ? 'Retired' : 'Active'}
        </Badge>
      </Table.Td>
      <Table.Td>{v ? `v${v.version}` : 'Not yet on sale'}</Table.Td>
      <Table.Td>
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Button size="compact-sm" variant="subtle" onClick={() => onHistory(product)} aria-label={`Price history of ${product.code}`}>
            History
          </Button>
          {canEdit && !retired && (
            <>
              <Button size="compact-sm" variant="subtle" onClick={() => onNewPrice(product)} aria-label={`New price for ${product.code}`}>
                New price
              </Button>
              <Button
                size="compact-sm"
                variant="subtle"
                color="red"
                onClick={() => onRetire(product)}
                aria-label={`Retire ${product.code}`}
              >
                Retire
              </Button>
            </>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** The products with the version each sells at now; managers re-price and retire from here. */
export function ProductsTable({ canEdit }: { canEdit: boolean }) {
  const [includeRetired, setIncludeRetired] = useState(false);
  const products = useProducts(includeRetired);
  const retire = useRetireProduct();
  const [history, setHistory] = useState<{ opened: boolean; product: Product | null }>({ opened: false, product: null });
  const [pricing, setPricing] = useState<{ opened: boolean; product: Product | null; key: string }>({
    opened: false,
    product: null,
    key: '',
  });
  const [retiring, setRetiring] = useState<Product | null>(null);

  const toggle = (
    <Switch
      label="Show retired products"
      checked={includeRetired}
      onChange={(event) => setIncludeRetired(event.currentTarget.checked)}
    />
  );

  if (!products.isSuccess) {
    return (
      <>
        {toggle}
        <QueryStatus query={products} what="products" noAccess="You cannot see the catalog." />
      </>
    );
  }

  const rows = products.data.pages.flatMap((page) => page.items);

  return (
    <>
      {toggle}
      <Table.ScrollContainer minWidth={980}>
        <Table striped highlightOnHover aria-label="Products">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Code</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Speeds</Table.Th>
              <Table.Th>Monthly</Table.Th>
              <Table.Th>Setup fee / price</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={9}>
                  <Text c="dimmed" ta="center" py="lg">
                    No products yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((product) => (
                <ProductRow
                  key={product.id}
                  product={product}
                  canEdit={canEdit}
                  onHistory={(p) => setHistory({ opened: true, product: p })}
                  onNewPrice={(p) => setPricing({ opened: true, product: p, key: newIdempotencyKey() })}
                  onRetire={(p) => {
                    retire.reset();
                    setRetiring(p);
                  }}
                />
              ))
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {products.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={products.isFetchingNextPage} onClick={() => void products.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}
      <VersionHistoryModal
        opened={history.opened}
        product={history.product}
        onClose={() => setHistory((current) => ({ ...current, opened: false }))}
      />
      <NewVersionModal
        opened={pricing.opened}
        product={pricing.product}
        idempotencyKey={pricing.key}
        onClose={() => setPricing((current) => ({ ...current, opened: false }))}
      />
      <ConfirmModal
        opened={retiring !== null}
        title="Retire product"
        confirmLabel="Retire"
        confirmColor="red"
        loading={retire.isPending}
        error={retire.isError ? errorMessage(retire.error) : null}
        onCancel={() => setRetiring(null)}
        onConfirm={() => {
          if (!retiring) return;
          const product = retiring;
          retire.mutate(product.id, {
            onSuccess: () => {
              notifySuccess('Product retired', `${product.code} is no longer sold.`);
              setRetiring(null);
            },
          });
        }}
      >
        {retiring && (
          <>
            Retire <strong>{retiring.code}</strong> ({retiring.name})? It can no longer be sold; existing subscribers
            keep it, and it stays in the catalog as retired.
          </>
        )}
      </ConfirmModal>
    </>
  );
}
