//! Invoices and credit notes: reading, issuing, voiding, crediting.
