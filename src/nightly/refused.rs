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

use rusqlite::{Connection, params};

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
    conn: &Connection,
    files: &[StatementFile],
    import: &mut super::import::ImportReport,
    credits: &CreditStep,
    ledger: &Ledger,
    config: &ClientConfig,
    rejected: &crate::state::decisions::Rejections,
) -> rusqlite::Result<Held> {
    let mut held = Held::new();
    if import.refused.is_empty() {
        return Ok(held);
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
        let mut stored = Stored::load(conn, &statement.account.key())?;
        for (position, (entry, tx)) in statement.transactions().enumerate() {
            if stored.repeats(entry, tx) {
                continue;
            }
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
                "; its credits would pay {0}: not chased while this statement is refused (a clear_gap on this account ends that hold: whether {0} was paid is for a person to settle with the bank first)",
                list.join(", ")
            ));
        }
    }
    Ok(held)
}

/// The credits state holds for an account, as far as telling whether a
/// refused statement's credit repeats one of them; each stored credit
/// stands for one repeat at most.
struct Stored {
    ids: BTreeSet<String>,
    rows: Vec<StoredCredit>,
}

struct StoredCredit {
    day: Option<String>,
    amount: String,
    end_to_end_id: Option<String>,
    iban: Option<String>,
    name: Option<String>,
    claimed: bool,
}

/// Upper case, letters and digits only: a name as two banks may write it.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Two values that do not contradict each other (one not given, or equal;
/// names when one contains the other, a label around a name).
fn agree(a: Option<&str>, b: Option<&str>, contains: bool) -> bool {
    let known = |s: Option<&str>| {
        crate::statement::given_reference(s)
            .map(squash)
            .filter(|s| !s.is_empty())
    };
    match (known(a), known(b)) {
        (Some(a), Some(b)) if contains => a.contains(&b) || b.contains(&a),
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

impl Stored {
    fn load(conn: &Connection, account: &str) -> rusqlite::Result<Self> {
        let mut ids = BTreeSet::new();
        let mut rows = Vec::new();
        let mut q = conn.prepare_cached(
            "SELECT entry_id, COALESCE(booking_date, value_date), amount, end_to_end_id,
                 counterparty_iban, counterparty_name
             FROM transactions WHERE account = ?1 ORDER BY entry_id",
        )?;
        let mut r = q.query(params![account])?;
        while let Some(row) = r.next()? {
            ids.insert(row.get::<_, String>(0)?);
            rows.push(StoredCredit {
                day: row.get(1)?,
                amount: row.get(2)?,
                end_to_end_id: row.get(3)?,
                iban: row.get(4)?,
                name: row.get(5)?,
                claimed: false,
            });
        }
        Ok(Stored { ids, rows })
    }

    /// Whether the credit is one state holds: its id, or an unclaimed
    /// stored transaction of its amount and day that nothing tells apart.
    fn repeats(
        &mut self,
        entry: &crate::statement::Entry,
        tx: &crate::statement::Transaction,
    ) -> bool {
        if self.ids.contains(&tx.entry_id) {
            return true;
        }
        let day = entry
            .booking_date
            .or(entry.value_date)
            .map(|d| d.to_string());
        let amount = tx.amount.to_plain();
        let found = self.rows.iter_mut().find(|r| {
            !r.claimed
                && r.amount == amount
                && day.is_some()
                && r.day == day
                && agree(
                    r.end_to_end_id.as_deref(),
                    tx.end_to_end_id.as_deref(),
                    false,
                )
                && agree(r.iban.as_deref(), tx.counterparty.iban.as_deref(), false)
                && agree(r.name.as_deref(), tx.counterparty.name.as_deref(), true)
        });
        match found {
            Some(r) => {
                r.claimed = true;
                true
            }
            None => false,
        }
    }
}
