import { SimpleGrid, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ProductKind } from '../api/get-products';
import type { TermsValues } from '../validation';

interface TermsFieldsProps<V extends TermsValues> {
  kind: ProductKind;
  currency: string;
  form: UseFormReturnType<V>;
}

/** The price and technical fields of a version, shown as the product's kind needs them. */
export function TermsFields<V extends TermsValues>({ kind, currency, form }: TermsFieldsProps<V>) {
  const plan = kind === 'plan';
  const recurring = kind !== 'one_time';
  const unit = currency.trim() || 'currency';
  return (
    <>
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        {recurring && (
          <TextInput
            label="Monthly price"
            description={unit}
            inputMode="decimal"
            required
            {...form.getInputProps('monthly_price')}
          />
        )}
        <TextInput
          label={recurring ? 'Setup fee' : 'Price'}
          description={unit}
          inputMode="decimal"
          required
          {...form.getInputProps('one_time_price')}
        />
      </SimpleGrid>
      {plan && (
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput label="Download (Mbit/s)" inputMode="numeric" required {...form.getInputProps('download_mbps')} />
          <TextInput label="Upload (Mbit/s)" inputMode="numeric" required {...form.getInputProps('upload_mbps')} />
          <TextInput
            label="Data cap (GB)"
            description="Empty: unlimited"
            inputMode="numeric"
            {...form.getInputProps('data_cap_gb')}
          />
          <TextInput
            label="Overage per GB"
            description={`${unit}, with a data cap`}
            inputMode="decimal"
            {...form.getInputProps('overage_per_gb')}
          />
        </SimpleGrid>
      )}
      {recurring && (
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput
            label="Contract (months)"
            description="0: no contract"
            inputMode="numeric"
            {...form.getInputProps('contract_months')}
          />
          <TextInput
            label="Early-termination fee"
            description={unit}
            inputMode="decimal"
            {...form.getInputProps('early_termination_fee')}
          />
        </SimpleGrid>
      )}
    </>
  );
}
