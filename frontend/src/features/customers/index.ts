// The customer pieces other pages compose (the 360° page among them).
export { InteractionForm, type InteractionFormProps } from './components/interaction-form';
export { InteractionList, InteractionItem, type InteractionListProps } from './components/interaction-list';
export { ContactsPanel, type ContactsPanelProps } from './components/contacts-panel';
export { AddressesPanel, type AddressesPanelProps } from './components/addresses-panel';
export { CustomerEditForm, type CustomerEditFormProps } from './components/customer-edit-form';
export { NewCustomerButton } from './components/create-customer-modal';
export { CustomersTable } from './components/customers-table';
export { useCustomer, useUpdateCustomer, customerQueryOptions, type Customer } from './api/customers';
export { useInteractions, useLogInteraction } from './api/interactions';
export { useContacts, useAddContact, useRemoveContact } from './api/contacts';
export { useAddresses, useAddAddress, useRemoveAddress } from './api/addresses';
