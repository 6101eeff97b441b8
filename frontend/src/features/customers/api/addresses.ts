import { mutationOptions, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Address = Schemas['Address'];
export type CreateAddressInput = Schemas['CreateAddressRequest'];

export function getAddresses(customerId: number): Promise<Address[]> {
  return unwrap(apiClient.GET('/api/v1/customers/{id}/addresses', { params: { path: { id: customerId } } })).then(
    (list) => list.items,
  );
}

export const addressesQueryOptions = (customerId: number) =>
  queryOptions({ queryKey: ['customers', 'detail', customerId, 'addresses'], queryFn: () => getAddresses(customerId) });

export function useAddresses(customerId: number) {
  return useQuery(addressesQueryOptions(customerId));
}

export interface AddAddressVariables {
  customerId: number;
  input: CreateAddressInput;
  idempotencyKey: string;
}

export function addAddress({ customerId, input, idempotencyKey }: AddAddressVariables): Promise<Address> {
  return unwrap(
    apiClient.POST('/api/v1/customers/{id}/addresses', {
      params: { path: { id: customerId }, header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export interface RemoveAddressVariables {
  customerId: number;
  addressId: number;
}

/** Refused with 409 `last_service_address` for the customer's only service address. */
export async function removeAddress({ customerId, addressId }: RemoveAddressVariables): Promise<void> {
  await unwrap(
    apiClient.DELETE('/api/v1/customers/{id}/addresses/{address_id}', {
      params: { path: { id: customerId, address_id: addressId } },
    }),
  );
}

function useInvalidateCustomer() {
  const queryClient = useQueryClient();
  return (customerId: number) => queryClient.invalidateQueries({ queryKey: ['customers', 'detail', customerId] });
}

export function useAddAddress() {
  const invalidate = useInvalidateCustomer();
  return useMutation(
    mutationOptions({
      mutationKey: ['customers', 'addresses', 'add'],
      mutationFn: addAddress,
      onSuccess: (address) => invalidate(address.customer_id),
    }),
  );
}

export function useRemoveAddress() {
  const invalidate = useInvalidateCustomer();
  return useMutation(
    mutationOptions({
      mutationKey: ['customers', 'addresses', 'remove'],
      mutationFn: removeAddress,
      onSuccess: (_, { customerId }) => invalidate(customerId),
    }),
  );
}
