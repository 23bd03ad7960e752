//! `promises.csv` lines that match nothing pointage knows, or whose customer
//! is not the invoice's: each is a `promise_unmatched` condition naming the
//! line and why, re-checked every night (it leaves `open_items.csv` once the
//! line is corrected, removed, or the invoice appears in the export). The
//! other lines apply as usual; a people's file never stops the night.
//!
//! - a named invoice of another customer: the promise holds that invoice as
//!   written (a formal notice must not go out over a promise a person
//!   recorded), and a person checks which of the two ids is wrong. Unless
//!   the number named an invoice of the line's customer before the ERP
//!   reused it ([`earlier_invoice`]): the promise is about that one, holds
//!   nothing tonight, and is judged kept if that invoice was settled (never
//!   broken: the new invoice's money is not the customer's to pay);
//! - a named invoice pointage never saw exported: it holds nothing (a typo,
//!   or an invoice not exported yet). One exported before and gone from
//!   tonight's export is settled: nothing to hold, nothing to say;
//! - a promise on all invoices of a customer in no export and not in
//!   `customers.csv`: it holds nothing.
//!
//! A customer id the ERP renamed is not a mismatch: the line follows the
//! customer to its new id ([`Renamed`]).

use rusqlite::{Connection, params};

use super::promises::promise_key;
use super::renamed::Renamed;
use crate::alerts::{Alert, AlertKind};
use crate::ledger::{Invoice, Ledger, PromiseRow};
use crate::state::incarnations as inc;

const FILE: &str = "promises.csv";

fn ever_exported(conn: &Connection, column: &str, id: &str) -> rusqlite::Result<bool> {
    let sql = match column {
        "invoice_id" => "SELECT EXISTS(SELECT 1 FROM invoices WHERE invoice_id = ?1)",
        _ => "SELECT EXISTS(SELECT 1 FROM invoices WHERE customer_id = ?1)",
    };
    conn.prepare_cached(sql)?
        .query_row(params![id], |r| r.get::<_, bool>(0))
}

/// When line `p` names an invoice that tonight's export (`tonight`, the
/// invoice of that number) gives to another customer (not the line's
/// customer under the id the ERP renamed it to), and the number named
/// an invoice of `p`'s customer before the ERP reused it: that earlier
/// invoice's archived id and whether it was settled. The line is about it.
pub(super) fn earlier_invoice(
    conn: &Connection,
    tonight: Option<&Invoice>,
    p: &PromiseRow,
    renamed: &Renamed,
) -> rusqlite::Result<Option<(String, bool)>> {
    match (&p.invoice_id, tonight) {
        (Some(id), Some(inv)) if !renamed.same(&p.customer_id, &inv.customer_id) => {
            inc::earlier_of(conn, id, &p.customer_id)
        }
        _ => Ok(None),
    }
}

/// One `promise_unmatched` per line of `rows` that matches nothing or names
/// another customer's invoice. `conn`: state, with tonight's export recorded.
pub fn promise_row_conditions(
    conn: &Connection,
    ledger: &Ledger,
    rows: &[PromiseRow],
) -> rusqlite::Result<Vec<Alert>> {
    let mut out: Vec<Alert> = Vec::new();
    let renamed = Renamed::load(conn, ledger)?;
    for p in rows {
        let what = match &p.invoice_id {
            Some(i) => match ledger.invoices.iter().find(|inv| inv.invoice_id == *i) {
                Some(inv) if !renamed.same(&p.customer_id, &inv.customer_id) => {
                    Some(match earlier_invoice(conn, Some(inv), p, &renamed)? {
                        Some((archived, settled)) => (
                            p.customer_id.clone(),
                            format!(
                                "invoice {i} now names another invoice, customer {}'s; {}'s earlier {i} is kept as {archived} and {}: the promise is about that one and holds nothing{}",
                                inv.customer_id,
                                p.customer_id,
                                if settled {
                                    "was settled"
                                } else {
                                    "is no longer exported"
                                },
                                if settled {
                                    " (kept; the line can be removed)"
                                } else {
                                    ", nor is it judged"
                                },
                            ),
                        ),
                        None => other_customer(i, inv, p),
                    })
                }
                Some(_) => None,
                None if ever_exported(conn, "invoice_id", i)? => None,
                None => Some((
                    p.customer_id.clone(),
                    format!(
                        "invoice {i} is in no invoices.csv pointage has read: the promise holds nothing (a typo, or not exported yet?)"
                    ),
                )),
            },
            None => {
                let known = ledger.customers.contains_key(&p.customer_id)
                    || ledger
                        .invoices
                        .iter()
                        .any(|inv| inv.customer_id == p.customer_id)
                    || ever_exported(conn, "customer_id", &p.customer_id)?
                    || renamed.current(&p.customer_id).is_some();
                (!known).then(|| {
                    (
                        p.customer_id.clone(),
                        format!(
                            "customer {} is in neither invoices.csv nor customers.csv: the promise holds nothing (a typo?)",
                            p.customer_id
                        ),
                    )
                })
            }
        };
        let Some((customer, why)) = what else {
            continue;
        };
        let key = promise_key(p);
        if out.iter().any(|a| a.key.ends_with(&format!(":{key}"))) {
            continue;
        }
        let mut a = Alert::new(
            AlertKind::PromiseUnmatched,
            &key,
            format!(
                "{FILE} line {}: {} {} {}: {why}",
                p.line,
                p.customer_id,
                p.invoice_id.as_deref().unwrap_or("(all invoices)"),
                p.promised_date
            ),
        );
        a.customer_id = customer;
        a.invoice_id = p.invoice_id.clone().unwrap_or_default();
        out.push(a);
    }
    Ok(out)
}

/// A line naming another customer's invoice: held as written.
fn other_customer(i: &str, inv: &Invoice, p: &PromiseRow) -> (String, String) {
    (
        inv.customer_id.clone(),
        format!(
            "invoice {i} is customer {}'s, not {}'s: the promise holds {i} as written until a person corrects the line",
            inv.customer_id, p.customer_id
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::testkit::{d, invoice};
    use super::*;

    fn row(customer: &str, invoice: Option<&str>, line: u64) -> PromiseRow {
        PromiseRow {
            customer_id: customer.into(),
            invoice_id: invoice.map(str::to_string),
            promised_date: d("2026-12-15"),
            line,
        }
    }

    #[test]
    fn lines_matching_nothing_or_another_customer_s_invoice_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        let mut gone = invoice("F-7", "10.00");
        gone.customer_id = "P7".into();
        crate::state::ledger::upsert_invoices(conn, &[gone], "2026-11-01").unwrap();
        let ledger = Ledger {
            invoices: vec![invoice("F-1", "100.00")],
            customers: BTreeMap::new(),
            customers_file: false,
        };
        let rows = [
            row("C1", Some("F-1"), 2),  // F-1 is P3's
            row("C9", None, 3),         // no such customer
            row("P3", Some("F-99"), 4), // no such invoice
            row("P3", Some("F-1"), 5),  // fine
            row("P3", None, 6),         // fine
            row("P7", Some("F-7"), 7),  // settled and gone: fine
            row("P7", None, 8),         // known from an earlier export: fine
        ];
        let alerts = promise_row_conditions(conn, &ledger, &rows).unwrap();
        let got: Vec<(&str, &str, &str)> = alerts
            .iter()
            .map(|a| (a.key.as_str(), a.customer_id.as_str(), a.message.as_str()))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, "promise_unmatched:C1:F-1:2026-12-15");
        assert_eq!(got[0].1, "P3");
        assert!(
            got[0].2.starts_with(
                "promises.csv line 2: C1 F-1 2026-12-15: invoice F-1 is customer P3's, not C1's"
            ),
            "{}",
            got[0].2
        );
        assert!(
            got[1]
                .2
                .starts_with("promises.csv line 3: C9 (all invoices)"),
            "{}",
            got[1].2
        );
        assert!(
            got[2].2.contains("line 4") && got[2].2.contains("F-99"),
            "{}",
            got[2].2
        );
    }

    #[test]
    fn a_line_about_an_earlier_invoice_still_open_holds_and_judges_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = crate::state::State::open(dir.path()).unwrap();
        let conn = st.conn();
        // P1's F-9, open, moved to P3 under another issue date: a new
        // invoice; P1's is kept apart, still open.
        let mut old = invoice("F-9", "500.00");
        old.customer_id = "P1".into();
        old.customer_name = "Other".into();
        old.issue_date = d("2026-01-05");
        crate::state::ledger::upsert_invoices(conn, &[old], "2026-03-01").unwrap();
        crate::state::incarnations::archive(
            conn,
            "F-9",
            "F-9~2026-01-05",
            "reused",
            "2026-03-02",
            true,
        )
        .unwrap();
        let new = invoice("F-9", "800.00");
        crate::state::ledger::upsert_invoices(conn, std::slice::from_ref(&new), "2026-03-02")
            .unwrap();
        let ledger = Ledger {
            invoices: vec![new],
            customers: BTreeMap::new(),
            customers_file: false,
        };
        let rows = [PromiseRow {
            customer_id: "P1".into(),
            invoice_id: Some("F-9".into()),
            promised_date: d("2026-03-05"),
            line: 2,
        }];
        let alerts = promise_row_conditions(conn, &ledger, &rows).unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].customer_id, "P1");
        assert!(
            alerts[0].message.contains(
                "P1's earlier F-9 is kept as F-9~2026-01-05 and is no longer exported: the promise is about that one and holds nothing, nor is it judged"
            ),
            "{}",
            alerts[0].message
        );
        for night in ["2026-03-04", "2026-04-15"] {
            let (status, broken) = super::super::promises::promises(
                conn,
                &ledger,
                &rows,
                &crate::calendar::Calendar::new([]),
                &crate::config::ClientConfig::default(),
                d(night),
                |_| Some("800.00".parse().unwrap()),
            )
            .unwrap();
            assert!(status.is_empty(), "{night}: {status:?}");
            assert!(broken.is_empty(), "{night}: {broken:?}");
        }
        assert!(
            crate::state::events::kept_promises(conn)
                .unwrap()
                .is_empty()
        );
    }
}
