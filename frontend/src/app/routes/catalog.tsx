import { Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useMe } from '@/features/auth/api/get-me';
import { NewProductButton } from '@/features/catalog/components/create-product-modal';
import { ProductsTable } from '@/features/catalog/components/products-table';
import { NewPromotionButton, PromotionsTable } from '@/features/catalog/components/promotions';
import { NewTaxRateButton, TaxRatesTable } from '@/features/catalog/components/tax-rates';
import { canEditCatalog } from '@/features/catalog/permissions';

type Tab = 'products' | 'promotions' | 'tax-rates';

export function CatalogRoute() {
  const me = useMe();
  const canEdit = canEditCatalog(me.role);
  const [tab, setTab] = useState<Tab>('products');
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Catalog</Title>
          <Text c="dimmed">
            {canEdit
              ? 'Plans, add-ons and one-time products, their prices, promotions and tax rates.'
              : 'Plans, add-ons and one-time products, their prices, promotions and tax rates. Only managers can change them.'}
          </Text>
        </div>
        {canEdit && tab === 'products' && <NewProductButton />}
        {canEdit && tab === 'promotions' && <NewPromotionButton />}
        {canEdit && tab === 'tax-rates' && <NewTaxRateButton />}
      </Group>
      <Tabs value={tab} onChange={(value) => setTab((value as Tab | null) ?? 'products')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="products">Products</Tabs.Tab>
          <Tabs.Tab value="promotions">Promotions</Tabs.Tab>
          <Tabs.Tab value="tax-rates">Tax rates</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="products" pt="md">
          <Stack gap="sm">
            <ProductsTable canEdit={canEdit} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="promotions" pt="md">
          <PromotionsTable />
        </Tabs.Panel>
        <Tabs.Panel value="tax-rates" pt="md">
          <TaxRatesTable canEdit={canEdit} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
