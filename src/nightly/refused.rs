//! The money of statements pointage refused tonight (`conflicting_statement`:
//! a known id with other content, or the same day partly delivered again in
//! another form). Nothing of it is applied, and no state changes; but its
//! payers may well have paid, so the matcher runs on its credits in a dry
//! run (the same rules as tonight's credits, the pairs people rejected left
//! out) and every invoice it points at — a match or a suggestion — is held
//! from every dunning step. The conflict's alert names the invoices held
//! and records them in its `invoice_id` (`|`-separated): dunning holds
//! every invoice an open `conflicting_statement` names
//! (`dunning_input::customers`), whether the file is read again or not and
//! whatever `suggestion_hold_days` says, until a person clears the alert or
//! the invoice is settled.

use std::collections::{BTreeMap, BTreeSet};

use crate::client::StatementFile;
use crate::config::ClientConfig;
use crate::ledger::Ledger;
use crate::matching::{self, MatchConfig, OpenItem};
use crate::nightly::credits::CreditStep;

/// Invoices held by a refused statement's credits, with the ids of the
/// statements holding them.
pub type Held = BTreeMap<String, BTreeSet<String>>;

/// The invoices the credits of tonight's refused statements would pay, by
/// invoice; each refused statement's alert (`import.refused`) gets their
/// numbers appended.
pub fn hold(
    files: &[StatementFile],
    import: &mut super::import::ImportReport,
    credits: &CreditStep,
    ledger: &Ledger,
    config: &ClientConfig,
    rejected: &crate::state::decisions::Rejections,
) -> Held {
    let mut held = Held::new();
    if import.refused.is_empty() {
        return held;
    }
    // What is still owed after tonight's money.
    let items: Vec<OpenItem> = credits
        .items
        .iter()
        .map(|i| {
            let mut i = i.clone();
            if let Some(open) = credits.open_after(&i.invoice_id) {
                i.open_amount = open;
            }
            i
        })
        .collect();
    let ix = matching::index::InvoiceIndex::build(&items, &ledger.customers);
    let cfg = MatchConfig::from_settings(&config.matching);
    for &((fi, si), alert) in &import.refused {
        let Some(statement) = files.get(fi).and_then(|f| f.parsed.statements.get(si)) else {
            continue;
        };
        let mut named: BTreeSet<String> = BTreeSet::new();
        for (position, (entry, tx)) in statement.transactions().enumerate() {
            let Some(p) = matching::payment_of(statement, entry, tx, position) else {
                continue;
            };
            if !p.currency.is_known() {
                continue;
            }
            let Some(prop) = matching::rules::candidates_with(&p, &items, &ix, &cfg).proposal
            else {
                continue;
            };
            let pointed = prop
                .hits
                .iter()
                .flat_map(|h| h.items.iter())
                .chain(prop.sets.iter().flatten());
            for &i in pointed {
                let Some(item) = items.get(i as usize) else {
                    continue;
                };
                if rejected.contains(&p.account, &p.entry_id, &item.invoice_id)
                    || !item.open_amount.is_positive()
                {
                    continue;
                }
                named.insert(item.invoice_id.clone());
                held.entry(item.invoice_id.clone())
                    .or_default()
                    .insert(statement.id.clone());
            }
        }
        if let Some(a) = import.alerts.get_mut(alert)
            && !named.is_empty()
        {
            let list: Vec<&str> = named.iter().map(String::as_str).collect();
            // Recorded with the alert: dunning holds them while it is open,
            // whether or not the file is read again.
            if a.invoice_id.is_empty() {
                a.invoice_id = list.join("|");
            }
            a.message.push_str(&format!(
                "; its credits would pay {}: not chased while this statement is refused",
                list.join(", ")
            ));
        }
    }
    held
}
