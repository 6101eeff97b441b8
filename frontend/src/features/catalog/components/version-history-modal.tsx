import { Badge, Modal, Table } from '@mantine/core';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import { useProduct } from '../api/get-product';
import type { ProductVersion } from '../api/get-products';
import { formatCap, formatMoney, formatSpeeds } from '../format';

const STATUS_COLOR: Record<ProductVersion['status'], string> = {
  current: 'green',
  scheduled: 'blue',
  superseded: 'gray',
};

function VersionHistory({ productId }: { productId: number }) {
  const product = useProduct(productId);
  if (!product.isSuccess) {
    return <QueryStatus query={product} what="the price history" noAccess="You cannot see this product." />;
  }
  const { versions } = product.data;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped aria-label="Price versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Valid from</Table.Th>
            <Table.Th>Monthly</Table.Th>
            <Table.Th>Setup / price</Table.Th>
            <Table.Th>Speeds</Table.Th>
            <Table.Th>Data</Table.Th>
            <Table.Th>Contract</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.id}>
              <Table.Td>v{v.version}</Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLOR[v.status]} variant="light" miw="max-content">
                  {v.status}
                </Badge>
              </Table.Td>
              <Table.Td>{formatDateTime(v.valid_from)}</Table.Td>
              <Table.Td>{formatMoney(v.monthly_price, v.currency)}</Table.Td>
              <Table.Td>{formatMoney(v.one_time_price, v.currency)}</Table.Td>
              <Table.Td>{formatSpeeds(v)}</Table.Td>
              <Table.Td>{formatCap(v)}</Table.Td>
              <Table.Td>
                {v.contract_months === 0
                  ? 'None'
                  : `${v.contract_months} months, ETF ${formatMoney(v.early_termination_fee, v.currency)}`}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface VersionHistoryModalProps {
  product: { id: number; code: string } | null;
  opened: boolean;
  onClose: () => void;
}

/** Every price version of a product, newest first. */
export function VersionHistoryModal({ product, opened, onClose }: VersionHistoryModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Price history${product ? ` of ${product.code}` : ''}`} size={960} centered>
      {product && <VersionHistory productId={product.id} />}
    </Modal>
  );
}
