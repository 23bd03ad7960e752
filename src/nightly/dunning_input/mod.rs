//! Builds dunning's inputs from tonight's export and state: each customer's
//! plan (from `customers.csv`, else `watch` for a recent return or late
//! payer, else the default), invoices with their effective open amount,
//! steps already issued, suggestions waiting, promises, returns, and the
//! customer's unapplied money.
//!
//! [`promises()`] judges promises to pay (`promises`), and
//! [`promise_row_conditions`] names the lines of `promises.csv` that match
//! nothing (`promise_rows`), a line naming a customer id the ERP renamed
//! following it (`renamed`), and [`promise_night`] holds formal notices for
//! a night over a line edited into one matching nothing (`edited`);
//! [`customers()`] builds
//! each customer's file (`customers`); [`hold_formal`] says whether formal
//! notices must wait (`formal_hold`); [`unknown_customers()`] names the
//! invoices' customer ids missing from `customers.csv` and charges those
//! near a consumer's id as consumers (`unknown_customers`);
//! [`check_plan_names`] refuses a `dunning_plan` naming no plan
//! (`plan_names`); a promised date more than `promise_max_days` ahead holds
//! only until then and is named (`promise_far`); one already past its grace
//! days the night it is first read holds nothing and is named
//! (`promise_past`). The open direct-debit
//! invoices a remittance booked without detail may have collected are held
//! while it waits for a person (`remittance_hold`). Unapplied money from a
//! payer whose name is exactly one customer's is that customer's
//! (`named_payer`). A customer id whose invoices carry several customers'
//! names (a catch-all account) is held from dunning and named
//! (`several_names`).

mod customers;
mod edited;
mod formal_hold;
mod named_payer;
mod plan_names;
mod promise_far;
mod promise_past;
mod promise_rows;
mod promises;
mod remittance_hold;
mod renamed;
mod several_names;
#[cfg(test)]
mod testkit;
mod unknown_customers;

pub use customers::customers;
pub use edited::{Lines, PromiseNight, hold_edited, promise_night};
pub use formal_hold::{hold_formal, holds_formal};
pub use plan_names::check_plan_names;
pub use promise_rows::promise_row_conditions;
pub use promises::promises;
pub use several_names::{SeveralNames, hold_several_names, several_names};
pub use unknown_customers::{UnknownCustomers, charge_as_consumers, unknown_customers};
