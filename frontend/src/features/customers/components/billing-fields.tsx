import { Checkbox, Select, SimpleGrid, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { BillingValues } from '../form-values';
import { BILLING_DAY_OPTIONS, CYCLE_OPTIONS, DELIVERY_OPTIONS } from '../labels';

interface BillingFieldsProps<V extends { billing: BillingValues }> {
  form: UseFormReturnType<V>;
}

/** Cycle and day, delivery, autopay, currency, tax zone and exemption, bound under `billing`. */
export function BillingFields<V extends { billing: BillingValues }>({ form }: BillingFieldsProps<V>) {
  const billing = form.getValues().billing;
  return (
    <fieldset style={{ border: 0, padding: 0, margin: 0 }} aria-label="Billing preferences">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Select label="Billing cycle" data={CYCLE_OPTIONS} allowDeselect={false} {...form.getInputProps('billing.cycle')} />
        <Select
          label="Billing day"
          data={BILLING_DAY_OPTIONS}
          allowDeselect={false}
          disabled={billing.cycle !== 'calendar'}
          {...form.getInputProps('billing.billing_day')}
        />
        <Select
          label="Invoice delivery"
          data={DELIVERY_OPTIONS}
          allowDeselect={false}
          {...form.getInputProps('billing.invoice_delivery')}
        />
        <TextInput label="Currency" placeholder="Class currency" maxLength={3} {...form.getInputProps('billing.currency')} />
        <TextInput label="Tax zone" {...form.getInputProps('billing.tax_zone')} />
        <TextInput
          label="Tax exemption reference"
          disabled={!billing.tax_exempt}
          {...form.getInputProps('billing.tax_exemption_ref')}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" mt="sm">
        <Checkbox label="Autopay" {...form.getInputProps('billing.autopay', { type: 'checkbox' })} />
        <Checkbox label="Tax exempt" {...form.getInputProps('billing.tax_exempt', { type: 'checkbox' })} />
      </SimpleGrid>
    </fieldset>
  );
}
