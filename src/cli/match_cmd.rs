//! `pointage match CLIENT_DIR --out OUT_DIR`: reads a client folder, matches
//! its booked credits to its open invoices and writes `OUT_DIR/matches.csv`.
//! Honours the folder's `client.toml` `[matching]` settings (defaults when
//! there is none). Keeps no state. Exit 3 when an input is malformed, 4 when the output
//! cannot be written (nothing half-written).

use std::collections::BTreeMap;
use std::path::Path;

use super::exit;
use crate::client;
use crate::matching::{self, MatchConfig, OpenItem, Payment};

/// Runs the command; returns the exit code.
pub fn run(client_dir: &Path, out_dir: &Path) -> u8 {
    let data = match client::load_client(client_dir) {
        Ok(d) => d,
        Err(e) => {
            elog!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    let settings = match crate::config::ClientConfig::load(client_dir) {
        Ok(c) => c,
        Err(e) => {
            // A configuration error, as for `pointage run`.
            elog!("error: {e}");
            return exit::USAGE;
        }
    };
    for f in &data.statements {
        for finding in &f.parsed.findings {
            elog!("{}: {finding}", f.path.display());
        }
    }
    // The same statement in two files (a re-download, an old copy) must not
    // bring its money twice: statements are taken once by account, id and
    // content; the same id with other content is reported and skipped.
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut payments: Vec<Payment> = Vec::new();
    for f in &data.statements {
        for s in &f.parsed.statements {
            let key = (s.account.key(), s.id.clone());
            let hash = crate::state::statements::content_hash(s);
            match seen.get(&key) {
                Some(h) if *h == hash => {
                    elog!(
                        "{}: statement {} already read from another file: skipped",
                        f.path.display(),
                        s.id
                    );
                }
                Some(_) => {
                    elog!(
                        "{}: statement {} differs from the one of the same id in another file: skipped, check with the bank",
                        f.path.display(),
                        s.id
                    );
                }
                None => {
                    seen.insert(key, hash);
                    payments.extend(matching::payments_of_statement(s));
                }
            }
        }
    }
    let items: Vec<OpenItem> = data
        .ledger
        .invoices
        .iter()
        .map(OpenItem::from_invoice)
        .collect();
    let apps = matching::reconcile(
        &payments,
        &items,
        &data.ledger.customers,
        &MatchConfig::from_settings(&settings.matching),
    );
    let rows = matching::output::rows(&payments, &items, &apps);
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        elog!("error: {}: {e}", out_dir.display());
        return exit::OUTPUT;
    }
    if let Err(e) = matching::output::write_matches_csv(out_dir, &rows) {
        elog!("error: {}: {e}", out_dir.join("matches.csv").display());
        return exit::OUTPUT;
    }
    exit::OK
}
