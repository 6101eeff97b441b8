import { SimpleGrid, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { AddressValues } from '../form-values';

interface AddressFieldsProps<V> {
  form: UseFormReturnType<V>;
  /** The path of the address in the form's values, e.g. `service_address`; empty for top-level fields. */
  prefix: string;
  /** Label prefix, e.g. "Service address". */
  legend: string;
}

/** Street, city, region, postal code and country inputs bound to `form` under `prefix`. */
export function AddressFields<V>({ form, prefix, legend }: AddressFieldsProps<V>) {
  const path = (field: keyof AddressValues) => (prefix === '' ? field : `${prefix}.${field}`);
  return (
    <fieldset style={{ border: 0, padding: 0, margin: 0 }} aria-label={legend}>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label="Street" {...form.getInputProps(path('line1'))} />
        <TextInput label="Apartment, suite" {...form.getInputProps(path('line2'))} />
        <TextInput label="City" {...form.getInputProps(path('city'))} />
        <TextInput label="Region" {...form.getInputProps(path('region'))} />
        <TextInput label="Postal code" {...form.getInputProps(path('postal_code'))} />
        <TextInput label="Country" description="Two letters, e.g. US" maxLength={2} {...form.getInputProps(path('country'))} />
      </SimpleGrid>
    </fieldset>
  );
}
