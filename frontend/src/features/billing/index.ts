// The billing pieces the app's pages compose.
export { BillRunDetail } from './components/bill-run-detail';
export { BillRunForm } from './components/bill-run-form';
export { BillRunsTable } from './components/bill-runs-table';
export { CustomerBillingPanel } from './components/customer-billing-panel';
export { InvoiceDetail } from './components/invoice-detail';
export { InvoiceList } from './components/invoice-list';
export { canRunBills, canWriteBilling } from './permissions';
