//! Synthetic CFONB 120 statements: several accounts over several days with
//! realistic movements — customer transfers whose complements name the payer
//! and the invoice (`NPY`, `LCC`, `RCN`, sometimes `CPY`), our SEPA collections
//! (`A1`) and their unpaid returns (`B3`, with a reject reason, `RUM`, `RCN`),
//! supplier transfers and direct debits, card payments, cheques and fees.
//! Every block closes (old balance + movements = new balance).
//!
//! [`statements`] builds them exactly as the parser reads them back (ids,
//! lines, mapped complements), so `parse(generate(..))` gives `statements(..)`;
//! [`generate`] writes them with [`crate::formats::cfonb120::render`].

use chrono::{Days, NaiveDate};

use super::Rng;
use crate::formats::cfonb120::{complement, render, statement_id};
use crate::money::{Currency, Money};
use crate::refs;
use crate::statement::{
    Account, Balance, BankCode, Entry, EntryStatus, ReturnReason, SourceFormat, Statement,
    Transaction, identity,
};

const CUSTOMERS: &[&str] = &[
    "SARL DUPONT ET FILS",
    "BOULANGERIE MARTIN",
    "CABINET LEROY",
    "SAS MOREAU INDUSTRIE",
    "GARAGE DU CENTRE",
    "EURL PETIT CONSEIL",
    "HOTEL DES VOYAGEURS",
    "PHARMACIE BERNARD",
    "SCI LES TILLEULS",
    "TRANSPORTS ROUX",
    "ATELIER FOURNIER",
    "SOCIETE GENERALE DECO",
];

const SUPPLIERS: &[&str] = &[
    "EDF ENTREPRISES",
    "ORANGE BUSINESS",
    "URSSAF ILE DE FRANCE",
    "DGFIP TVA",
    "BUREAU VALLEE",
    "LOCATION MATERIEL PRO",
];

const CARD_SHOPS: &[&str] = &[
    "CB AMAZON EU",
    "CB SNCF",
    "CB TOTAL ENERGIE",
    "CB RESTAURANT",
];

const REJECT_REASONS: &[&str] = &["64", "65", "66", "01", "02"];

/// The bytes of a CFONB 120 file: `accounts` accounts × `days` daily blocks,
/// `movements` 04 records spread over them.
pub fn generate(rng: &mut Rng, accounts: usize, days: usize, movements: usize) -> Vec<u8> {
    render(&statements(rng, accounts, days, movements)).into_bytes()
}

/// The statements [`generate`] writes, as the parser reads them back.
pub fn statements(rng: &mut Rng, accounts: usize, days: usize, movements: usize) -> Vec<Statement> {
    let accounts = accounts.max(1);
    let days = days.max(1);
    let blocks = accounts * days;
    let start = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap_or_default();
    let mut out = Vec::with_capacity(blocks);
    let mut line: u64 = 1;
    let mut counter: u64 = 0;
    for a in 0..accounts {
        let bank = format!("{:05}", 10000 + rng.below(80000));
        let branch = format!("{:05}", rng.below(100000));
        let number = format!("{:011}", rng.below(100_000_000_000));
        let account = Account {
            iban: refs::iban_from_rib(&bank, &branch, &number),
            other_id: None,
            bic: None,
            bank_code: Some(bank),
            branch_code: Some(branch),
            account_number: Some(number),
        };
        let mut balance: i64 = rng.below(10_000_000) as i64;
        for d in 0..days {
            let block = a * days + d;
            let n = movements / blocks + usize::from(block < movements % blocks);
            let open_date = start.checked_add_days(Days::new(d as u64));
            let day = start.checked_add_days(Days::new(d as u64 + 1));
            let opening = balance;
            let statement_line = line;
            line += 1;
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                counter += 1;
                let entry = movement(rng, day, counter, line);
                line += 1 + entry.transactions[0].complements.len() as u64;
                balance += units(entry.amount);
                entries.push(entry);
            }
            line += 1;
            let mut s = Statement {
                format: SourceFormat::Cfonb120,
                id: String::new(),
                sequence: None,
                account: account.clone(),
                currency: Currency::EUR,
                opening: Some(Balance {
                    amount: cents(opening),
                    date: open_date,
                }),
                closing: Some(Balance {
                    amount: cents(balance),
                    date: day,
                }),
                from_date: open_date,
                to_date: day,
                entries,
                line: statement_line,
            };
            s.id = statement_id(&s);
            identity::assign_entry_ids(&mut s);
            out.push(s);
        }
    }
    out
}

fn cents(units: i64) -> Money {
    Money::from_scaled(units, 2).unwrap_or(Money::ZERO)
}

fn units(m: Money) -> i64 {
    crate::formats::cfonb120::amount::units_of(m, 2).unwrap_or(0)
}

fn pad35(s: &str) -> String {
    format!("{s:<35}")
}

fn movement(rng: &mut Rng, day: Option<NaiveDate>, n: u64, line: u64) -> Entry {
    let roll = rng.below(100);
    let invoice = format!("F-2026-{:04}", rng.below(10_000));
    let customer = *rng.pick(CUSTOMERS);
    let supplier = *rng.pick(SUPPLIERS);
    let mut complements: Vec<(&str, String)> = Vec::new();
    let mut reason = None;
    let (code, internal, label, amount) = match roll {
        0..=39 => {
            complements.push(("NPY", customer.to_string()));
            complements.push(("LCC", format!("FACT {invoice} REGLEMENT")));
            if rng.chance(60) {
                complements.push(("RCN", pad35(&format!("E2E{n:012}"))));
            }
            if rng.chance(30) {
                let iban = refs::iban_from_rib("30004", "00822", &format!("{:011}", n))
                    .unwrap_or_default();
                complements.push(("CPY", iban));
            }
            let amount = 1_000 + rng.below(5_000_000) as i64;
            ("05", "0521", format!("VIR SEPA {customer}"), amount)
        }
        40..=49 => {
            complements.push(("LIB", format!("REMISE PRLV SEPA {n}")));
            complements.push((
                "REF",
                format!("{}LOT-{:06}", pad35(&format!("REM-{n}")), n % 1_000_000),
            ));
            (
                "A1",
                "0A10",
                "REMISE PRLV SEPA".to_string(),
                10_000 + rng.below(9_000_000) as i64,
            )
        }
        50..=54 => {
            reason = Some(rng.pick(REJECT_REASONS).to_string());
            complements.push(("NPY", customer.to_string()));
            complements.push((
                "RUM",
                format!("{}RCUR", pad35(&format!("MDT-{:06}", n % 1_000_000))),
            ));
            complements.push(("RCN", pad35(&format!("ACME-{invoice}"))));
            complements.push(("LCC", format!("FACT {invoice}")));
            let amount = -(1_000 + rng.below(500_000) as i64);
            ("B3", "0B30", format!("IMPAYE PRLV {customer}"), amount)
        }
        55..=69 => {
            complements.push(("NBE", supplier.to_string()));
            complements.push(("LCC", format!("FACTURE FOURNISSEUR {}", rng.below(100_000))));
            let amount = -(1_000 + rng.below(2_000_000) as i64);
            ("06", "0621", format!("VIR {supplier}"), amount)
        }
        70..=79 => {
            complements.push(("NBE", supplier.to_string()));
            complements.push(("RUM", pad35(&format!("{}-{:06}", &supplier[..3], n % 1000))));
            let amount = -(500 + rng.below(300_000) as i64);
            ("B1", "0B10", format!("PRLV SEPA {supplier}"), amount)
        }
        80..=89 => {
            let shop = *rng.pick(CARD_SHOPS);
            (
                "11",
                "1101",
                shop.to_string(),
                -(100 + rng.below(50_000) as i64),
            )
        }
        90..=94 => {
            complements.push(("LIB", format!("REMISE {} CHEQUES", 1 + rng.below(9))));
            (
                "02",
                "0201",
                "REMISE CHEQUES".to_string(),
                5_000 + rng.below(1_000_000) as i64,
            )
        }
        _ => (
            "62",
            "6201",
            "COMMISSION INTERVENTION".to_string(),
            -(100 + rng.below(5_000) as i64),
        ),
    };
    let amount = cents(amount);
    let bank_code = BankCode::Cfonb {
        interbank: code.to_string(),
        internal: internal.to_string(),
    };
    let kind = bank_code.kind(amount.is_negative(), false);
    let mut tx = Transaction {
        amount,
        return_reason: reason.map(|code| ReturnReason { code, text: None }),
        ..Transaction::default()
    };
    let payer = amount.is_positive() || kind.is_receivable_debit();
    for (q, info) in &complements {
        complement::apply(&mut tx, q, info, payer);
    }
    let label: String = label.chars().take(31).collect();
    Entry {
        booking_date: day,
        value_date: day,
        amount,
        currency: None,
        status: EntryStatus::Booked,
        reversal: false,
        bank_ref: rng.chance(90).then(|| format!("R{n:015}")),
        bank_code,
        kind,
        additional_info: Some(label.trim().to_string()),
        transactions: vec![tx],
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::cfonb120::parse;
    use crate::statement::check::{BalanceCheck, check_balances};

    #[test]
    fn generated_files_read_back_to_the_same_statements_and_close() {
        let want = statements(&mut Rng::new(7), 2, 3, 200);
        let bytes = generate(&mut Rng::new(7), 2, 3, 200);
        let got = parse(&bytes, std::path::Path::new("synth.cfonb")).unwrap();
        assert_eq!(got.statements.len(), 6);
        assert_eq!(got.statements, want);
        assert!(
            got.statements
                .iter()
                .all(|s| check_balances(s) == BalanceCheck::Closes)
        );
        let n: usize = got.statements.iter().map(|s| s.entries.len()).sum();
        assert_eq!(n, 200);
        let kinds: std::collections::BTreeSet<&str> = got
            .statements
            .iter()
            .flat_map(|s| s.entries.iter().map(|e| e.kind.as_str()))
            .collect();
        assert!(kinds.contains("direct_debit_returned"), "{kinds:?}");
    }
}
