//! A statement is what the bank booked. A notification's (camt.052/054)
//! booked row is money only while no statement of its account covers its
//! booking date; once one does, and statements of the account reach
//! [`BOOKING_GRACE_DAYS`] past it (a bank books a notified payment a day or
//! a weekend later, in a later block or after a cut-off hour), a row no
//! statement booked — no row of it linked to the notified one by id,
//! reference or amount ([`super`], [`super::pairs`]; tonight's statements
//! all linked first) — stops counting: its applications are withdrawn as
//! `booked_amount_differs` withdraws them ([`super::rebook::withdraw`]: the
//! invoices are open again), its unapplied money leaves the totals, and a
//! critical `notified_not_booked` names it, once. A notification entry that
//! statement entries fit with nothing telling which (`ambiguous_notification`)
//! waits for a person instead. A later statement booking the row under its
//! id brings the money back ([`super::rebook`]) and answers the alert.

use rusqlite::Connection;

use crate::alerts::{Alert, AlertKind};
use crate::money::Money;
use crate::state::transactions::{self, NOT_MONEY, StoredTx};

/// Days past a notified row's booking date the statements of its account
/// must reach, none booking it, before it stops counting: a payment booked
/// a day, a weekend or a bank holiday later is the notified one, never a
/// false alarm with its invoice reopened and its payer chased.
pub(in crate::nightly) const BOOKING_GRACE_DAYS: u64 = 5;

/// The alert key's object: the account and the notified row.
fn object(account: &str, entry_id: &str) -> String {
    format!("{account}:{entry_id}")
}

/// For each account a statement was imported for tonight
/// (`report.covering`), the notification rows no statement row is linked
/// to, booked on a day a statement covers and at least
/// [`BOOKING_GRACE_DAYS`] before the last day its statements cover: no
/// longer money, each with its alert. A notification entry a person is
/// asked to pair (`ambiguous_notification`, raised tonight or still open) is
/// left as it is. Run once every statement of the night is in and linked,
/// before any notification.
pub(in crate::nightly) fn not_booked(
    conn: &Connection,
    report: &mut crate::nightly::import::ImportReport,
    run_date: &str,
) -> rusqlite::Result<()> {
    if report.covering.is_empty() {
        return Ok(());
    }
    let kind = AlertKind::AmbiguousNotification;
    let mut asked: Vec<(String, String)> = report
        .alerts
        .iter()
        .filter(|a| a.kind == kind)
        .map(|a| (a.key.clone(), a.entry_id.clone()))
        .collect();
    asked.extend(
        crate::state::events::open_alerts(conn)?
            .into_iter()
            .filter(|(_, (a, _))| a.kind == kind)
            .map(|(k, (a, _))| (k, a.entry_id)),
    );
    let accounts: std::collections::BTreeSet<&str> =
        report.covering.iter().map(|(a, _)| a.as_str()).collect();
    let mut alerts = Vec::new();
    for account in accounts {
        let Some(last) = crate::state::statements::covered_through(conn, account)?
            .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
        else {
            continue;
        };
        let Some(until) = last.checked_sub_days(chrono::Days::new(BOOKING_GRACE_DAYS)) else {
            continue;
        };
        let prefix = format!("{}:{account}:", kind.as_str());
        let rows = transactions::notified_between(conn, account, "0000-01-01", &until.to_string())?;
        for entry in super::pairs::entries(rows) {
            let waits = entry.iter().any(|r| {
                asked
                    .iter()
                    .any(|(k, e)| k.starts_with(&prefix) && *e == r.tx.entry_id)
            });
            if waits {
                continue;
            }
            for r in &entry {
                let Some(day) = r.entry.booking_date.map(|d| d.to_string()) else {
                    continue;
                };
                // (Before the first statement, nothing says it was not booked.)
                let Some(by) = crate::state::statements::covering(conn, account, &day)? else {
                    continue;
                };
                alerts.push(withdraw(
                    conn,
                    account,
                    r,
                    &by,
                    (run_date, &last.to_string()),
                )?);
            }
        }
    }
    report.alerts.extend(alerts);
    Ok(())
}

/// The notified row `r` stops counting; the alert that says so.
pub(super) fn withdraw(
    conn: &Connection,
    account: &str,
    r: &StoredTx,
    statement: &str,
    (run_date, through): (&str, &str),
) -> rusqlite::Result<Alert> {
    let id = &r.tx.entry_id;
    let apps = super::rebook::withdraw(conn, account, id, run_date)?;
    transactions::settle_tx(
        conn,
        account,
        id,
        Money::ZERO,
        Some(run_date),
        Some(NOT_MONEY),
    )?;
    let mut a = Alert::new(
        AlertKind::NotifiedNotBooked,
        &object(account, id),
        String::new(),
    );
    a.entry_id.clone_from(id);
    a.amount = Some(r.tx.amount);
    a.currency = Some(r.currency);
    let mut invoices: Vec<&str> = Vec::new();
    for app in &apps {
        if !invoices.contains(&app.invoice_id.as_str()) {
            invoices.push(&app.invoice_id);
        }
    }
    a.invoice_id = invoices.join("|");
    if let Some(app) = apps.first() {
        a.customer_id.clone_from(&app.customer_id);
    }
    let what = if !apps.is_empty() {
        let each: Vec<String> = apps
            .iter()
            .map(|x| format!("{} from {}", x.applied, x.invoice_id))
            .collect();
        format!(
            "; what it paid is withdrawn ({}) and {} {} open again, its formal notice waiting while this alert is open",
            each.join(", "),
            invoices.join(", "),
            if invoices.len() == 1 { "is" } else { "are" }
        )
    } else if r.tx.amount.is_negative() && r.processed_run.is_some() {
        "; it was processed as notified (what it undid stays undone): correct by hand if the bank did not take it".to_string()
    } else {
        String::new()
    };
    a.message = format!(
        "entry {id} of account {}: {} {} notified by {} as booked on {}, but statement {statement}, which covers that day, does not book it, nor any statement through {through}: it is no longer counted as money{what}; check with the bank (booked later under its id, it is matched then); an `ignore` line for entry {id} in decisions.csv closes this alert",
        crate::refs::mask_iban(account),
        r.tx.amount,
        r.currency,
        r.statement_id,
        r.entry
            .booking_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    Ok(a)
}

/// A statement booked under its id the notified row [`not_booked`]
/// withdrew: its alert is answered.
pub(super) fn answered(
    conn: &Connection,
    account: &str,
    entry_id: &str,
    statement: &str,
    run_date: &str,
) -> rusqlite::Result<()> {
    let key = format!(
        "{}:{}",
        AlertKind::NotifiedNotBooked.as_str(),
        object(account, entry_id)
    );
    crate::state::events::resolve_alert(
        conn,
        &key,
        run_date,
        &format!("booked by statement {statement}"),
    )
}
