import { mutationOptions, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Contact = Schemas['Contact'];
export type CreateContactInput = Schemas['CreateContactRequest'];

export function getContacts(customerId: number): Promise<Contact[]> {
  return unwrap(apiClient.GET('/api/v1/customers/{id}/contacts', { params: { path: { id: customerId } } })).then(
    (list) => list.items,
  );
}

export const contactsQueryOptions = (customerId: number) =>
  queryOptions({ queryKey: ['customers', 'detail', customerId, 'contacts'], queryFn: () => getContacts(customerId) });

export function useContacts(customerId: number) {
  return useQuery(contactsQueryOptions(customerId));
}

export interface AddContactVariables {
  customerId: number;
  input: CreateContactInput;
  idempotencyKey: string;
}

export function addContact({ customerId, input, idempotencyKey }: AddContactVariables): Promise<Contact> {
  return unwrap(
    apiClient.POST('/api/v1/customers/{id}/contacts', {
      params: { path: { id: customerId }, header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export interface RemoveContactVariables {
  customerId: number;
  contactId: number;
}

export async function removeContact({ customerId, contactId }: RemoveContactVariables): Promise<void> {
  await unwrap(
    apiClient.DELETE('/api/v1/customers/{id}/contacts/{contact_id}', {
      params: { path: { id: customerId, contact_id: contactId } },
    }),
  );
}

function useInvalidateCustomer() {
  const queryClient = useQueryClient();
  return (customerId: number) => queryClient.invalidateQueries({ queryKey: ['customers', 'detail', customerId] });
}

export function useAddContact() {
  const invalidate = useInvalidateCustomer();
  return useMutation(
    mutationOptions({
      mutationKey: ['customers', 'contacts', 'add'],
      mutationFn: addContact,
      onSuccess: (contact) => invalidate(contact.customer_id),
    }),
  );
}

export function useRemoveContact() {
  const invalidate = useInvalidateCustomer();
  return useMutation(
    mutationOptions({
      mutationKey: ['customers', 'contacts', 'remove'],
      mutationFn: removeContact,
      onSuccess: (_, { customerId }) => invalidate(customerId),
    }),
  );
}
