//! Synthetic client folders for the matcher's determinism tests and bench:
//! invoices, customers and camt.053.001.08 statements full of what makes
//! matching hard — the same invoice quoted by two payments, grouped payments
//! with credit notes, partial payments, direct debits by mandate, invoice
//! numbers written many ways, short numbers that several invoices end with,
//! and payments nobody can explain. Deterministic from the seed.
//!
//! [`generate`] builds model objects; [`write_folder`] renders them
//! (`invoices.csv` `;`-separated, `customers.csv`, `statements/*.xml`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use chrono::NaiveDate;

use super::Rng;
use crate::ledger::{Customer, CustomerType, Invoice, PaymentMethod};
use crate::money::{Currency, Money};
use crate::statement::{
    Account, Balance, BankCode, CreditorRef, Entry, EntryStatus, Party, SourceFormat, Statement,
    Transaction, TxKind, identity,
};

/// A generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthClient {
    /// Invoices and credit notes in id order.
    pub invoices: Vec<Invoice>,
    /// Customers.
    pub customers: BTreeMap<String, Customer>,
    /// Statements, one per booking day.
    pub statements: Vec<Statement>,
}

/// Transactions per statement (one statement per day).
const PER_STATEMENT: usize = 1000;

fn date(day: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(day)))
        .unwrap_or_default()
}

fn cents(c: i64) -> Money {
    Money::from_scaled(c, 2).unwrap_or(Money::ZERO)
}

fn iban(n: u64) -> String {
    // A real French IBAN (valid RIB key and check digits) per customer.
    let account = format!("{:011}", n % 100_000_000_000);
    crate::refs::iban_from_rib("30004", "00000", &account).unwrap_or_default()
}

/// Generates a client with about `n_invoices` open items and `n_tx`
/// transactions (≈ 90 % booked credits).
pub fn generate(seed: u64, n_tx: usize, n_invoices: usize) -> SynthClient {
    let mut rng = Rng::new(seed);
    let n_invoices = n_invoices.max(10);
    let n_customers = (n_invoices / 20).max(2);
    let mut customers = BTreeMap::new();
    for c in 0..n_customers {
        let id = format!("C{c:05}");
        customers.insert(
            id.clone(),
            Customer {
                customer_id: id.clone(),
                name: format!("CLIENT {c} SARL"),
                customer_type: CustomerType::B2b,
                ibans: vec![iban(c as u64)],
                learned_ibans: Vec::new(),
                aliases: vec![],
                mandate_ids: if c.is_multiple_of(4) {
                    vec![format!("RUM-{c:05}")]
                } else {
                    vec![]
                },
                email: None,
                phone: None,
                address: None,
                dunning_plan: None,
                line: c as u64 + 2,
            },
        );
    }
    let mut invoices = Vec::with_capacity(n_invoices);
    for i in 0..n_invoices {
        let cust = rng.below(n_customers as u64);
        let credit = rng.chance(5);
        // Two years share sequence numbers: `fact 123` is ambiguous.
        let year = if i % 2 == 0 { 2025 } else { 2026 };
        let seq = i / 2 + 1;
        let id = if credit {
            format!("AV-{year}-{seq:06}")
        } else {
            format!("F-{year}-{seq:06}")
        };
        let amount = cents((rng.below(500_000) as i64 + 1_000) * if credit { -1 } else { 1 });
        let due = date(rng.below(60));
        let reference = if rng.chance(20) {
            crate::refs::rf_from_reference(&format!("{year}{seq:06}"))
        } else {
            None
        };
        let dd = cust.is_multiple_of(4) && !credit;
        invoices.push(Invoice {
            invoice_id: id,
            customer_id: format!("C{cust:05}"),
            customer_name: format!("CLIENT {cust} SARL"),
            issue_date: date(0),
            due_date: due,
            amount,
            open_amount: amount,
            currency: Currency::EUR,
            reference,
            payment_method: Some(if dd {
                PaymentMethod::DirectDebit
            } else {
                PaymentMethod::Transfer
            }),
            mandate_id: dd.then(|| format!("RUM-{cust:05}")),
            disputed: rng.chance(2),
            installment: None,
            discount_percent: None,
            discount_until: None,
            line: i as u64 + 2,
        });
    }
    let positives: Vec<usize> = (0..invoices.len())
        .filter(|&i| invoices.get(i).is_some_and(|v| v.amount.is_positive()))
        .collect();
    let credits: Vec<usize> = (0..invoices.len())
        .filter(|&i| invoices.get(i).is_some_and(|v| v.amount.is_negative()))
        .collect();
    let mut statements = Vec::new();
    let mut entries = Vec::new();
    let mut quoted: Vec<usize> = Vec::new();
    for t in 0..n_tx {
        let day = (t / PER_STATEMENT) as u64;
        let mut tx = Transaction {
            entry_id: String::new(),
            ..Default::default()
        };
        let mut kind = TxKind::CreditTransferIn;
        let mut status = EntryStatus::Booked;
        let inv_i = *rng.pick(&positives);
        let Some(inv) = invoices.get(inv_i) else {
            continue;
        };
        let mut amount = inv.amount;
        let roll = rng.below(100);
        match roll {
            // One invoice, its number written one of many ways.
            0..=29 => {
                let (y, s) = split_id(&inv.invoice_id);
                let forms = [
                    format!("FACT {}", inv.invoice_id),
                    format!("fa-{y}-{s}"),
                    format!("N° F{y}{s}"),
                    format!("facture {y}/{}", s.trim_start_matches('0')),
                    format!("REGLEMENT {} MERCI", inv.invoice_id.to_lowercase()),
                ];
                tx.remittance.push(rng.pick(&forms).clone());
                quoted.push(inv_i);
            }
            // RF reference (valid) when the invoice has one, else e2e = id.
            30..=39 => {
                match &inv.reference {
                    Some(r) => tx.creditor_refs.push(CreditorRef {
                        kind: "SCOR".into(),
                        reference: r.clone(),
                    }),
                    None => tx.end_to_end_id = Some(inv.invoice_id.clone()),
                }
                quoted.push(inv_i);
            }
            // Grouped: two or three invoices, sometimes with a credit note.
            40..=49 => {
                let mut ids = vec![inv.invoice_id.clone()];
                let mut sum = inv.amount;
                for _ in 0..(1 + rng.below(2)) {
                    let j = *rng.pick(&positives);
                    if let Some(o) = invoices.get(j) {
                        ids.push(o.invoice_id.clone());
                        sum = sum.checked_add(o.amount).unwrap_or(sum);
                    }
                }
                if rng.chance(40)
                    && !credits.is_empty()
                    && let Some(c) = invoices.get(*rng.pick(&credits))
                {
                    ids.push(c.invoice_id.clone());
                    sum = sum.checked_add(c.amount).unwrap_or(sum);
                }
                amount = if sum.is_positive() { sum } else { inv.amount };
                tx.remittance.push(format!("PAIEMENT {}", ids.join(" ")));
            }
            // Partial payment of one invoice.
            50..=54 => {
                amount =
                    cents(inv.amount.decimal().mantissa().clamp(2, i64::MAX as i128) as i64 / 2);
                tx.remittance.push(format!("ACOMPTE {}", inv.invoice_id));
            }
            // The same invoice as an earlier payment: a conflict.
            55..=62 if !quoted.is_empty() => {
                let j = *rng.pick(&quoted);
                if let Some(o) = invoices.get(j) {
                    amount = o.amount;
                    tx.remittance.push(format!("FACTURE {}", o.invoice_id));
                }
            }
            // Direct-debit collection by mandate.
            63..=69 if inv.mandate_id.is_some() => {
                kind = TxKind::DirectDebitCollected;
                tx.mandate_id = inv.mandate_id.clone();
                tx.end_to_end_id = Some(format!("PRLV-{t}"));
            }
            // Only the short tail number: weak and often ambiguous.
            70..=77 => {
                let (_, s) = split_id(&inv.invoice_id);
                tx.remittance
                    .push(format!("fact {}", s.trim_start_matches('0')));
            }
            // Debits and pending entries: never matched.
            78..=84 => {
                amount = -amount;
                kind = TxKind::CreditTransferOut;
                if rng.chance(30) {
                    status = EntryStatus::Pending;
                    amount = -amount;
                }
            }
            // Unexplained money, or an amount in the text that is no id.
            _ => {
                if rng.chance(50) {
                    tx.remittance.push(format!("VIR {} EUR", amount.to_plain()));
                }
            }
        }
        tx.amount = amount;
        let cust = inv
            .customer_id
            .trim_start_matches('C')
            .parse::<u64>()
            .unwrap_or(0);
        tx.counterparty = Party {
            name: Some(format!("CLIENT {cust} SARL")),
            iban: Some(iban(cust)),
            bic: None,
        };
        let code = match kind {
            TxKind::DirectDebitCollected => ("IDDT", "ESDD"),
            TxKind::CreditTransferOut => ("ICDT", "ESCT"),
            _ => ("RCDT", "ESCT"),
        };
        entries.push(Entry {
            booking_date: Some(date(day)),
            value_date: Some(date(day)),
            amount,
            currency: None,
            status,
            reversal: false,
            // Every 97th entry has no reference: fingerprint ids.
            bank_ref: (!t.is_multiple_of(97)).then(|| format!("BQ{t:08}")),
            bank_code: BankCode::Iso {
                domain: "PMNT".into(),
                family: code.0.into(),
                subfamily: code.1.into(),
                proprietary: None,
            },
            kind,
            additional_info: None,
            transactions: vec![tx],
            line: 0,
        });
        if entries.len() == PER_STATEMENT || t + 1 == n_tx {
            statements.push(statement(day, std::mem::take(&mut entries)));
        }
    }
    SynthClient {
        invoices,
        customers,
        statements,
    }
}

fn split_id(id: &str) -> (&str, &str) {
    let mut parts = id.split('-').skip(1);
    (parts.next().unwrap_or(""), parts.next().unwrap_or(""))
}

fn statement(day: u64, entries: Vec<Entry>) -> Statement {
    let moves = Money::checked_sum(
        entries
            .iter()
            .filter(|e| e.status == EntryStatus::Booked)
            .map(|e| e.amount),
    )
    .unwrap_or(Money::ZERO);
    let mut s = Statement {
        format: SourceFormat::Camt053 { version: 8 },
        id: format!("STMT-{:03}", day + 1),
        sequence: Some(day + 1),
        account: Account {
            iban: Some("FR7630001007941234567890185".into()),
            ..Default::default()
        },
        currency: Currency::EUR,
        opening: Some(Balance {
            amount: Money::ZERO,
            date: Some(date(day)),
        }),
        closing: Some(Balance {
            amount: moves,
            date: Some(date(day)),
        }),
        from_date: Some(date(day)),
        to_date: Some(date(day)),
        entries,
        line: 0,
    };
    identity::assign_entry_ids(&mut s);
    s
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

/// Renders one statement as a camt.053.001.08 document.
pub fn render_camt053(s: &Statement) -> String {
    let mut x = String::new();
    let ccy = s.currency.as_str();
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let sign = |m: Money| if m.is_negative() { "DBIT" } else { "CRDT" };
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n\
         <BkToCstmrStmt>\n<GrpHdr><MsgId>MSG-{id}</MsgId><CreDtTm>{to}T20:00:00</CreDtTm></GrpHdr>\n\
         <Stmt>\n<Id>{id}</Id>\n<ElctrncSeqNb>{seq}</ElctrncSeqNb>\n\
         <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{ccy}</Ccy></Acct>\n",
        id = esc(&s.id),
        to = d(s.to_date),
        seq = s.sequence.unwrap_or(0),
        iban = esc(s.account.iban.as_deref().unwrap_or("")),
    );
    for (code, bal) in [("OPBD", s.opening), ("CLBD", s.closing)] {
        if let Some(b) = bal {
            let _ = writeln!(
                x,
                "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{ccy}\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>{}</Dt></Dt></Bal>",
                b.amount.abs().to_plain(),
                sign(b.amount),
                d(b.date)
            );
        }
    }
    for e in &s.entries {
        x.push_str("<Ntry>\n");
        let _ = writeln!(
            x,
            "<Amt Ccy=\"{ccy}\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Sts><Cd>{}</Cd></Sts>",
            e.amount.abs().to_plain(),
            sign(e.amount),
            match e.status {
                EntryStatus::Booked => "BOOK",
                EntryStatus::Pending => "PDNG",
                EntryStatus::Info => "INFO",
            }
        );
        let _ = writeln!(
            x,
            "<BookgDt><Dt>{}</Dt></BookgDt><ValDt><Dt>{}</Dt></ValDt>",
            d(e.booking_date),
            d(e.value_date)
        );
        if let Some(r) = &e.bank_ref {
            let _ = writeln!(x, "<AcctSvcrRef>{}</AcctSvcrRef>", esc(r));
        }
        if let BankCode::Iso {
            domain,
            family,
            subfamily,
            ..
        } = &e.bank_code
        {
            let _ = writeln!(
                x,
                "<BkTxCd><Domn><Cd>{}</Cd><Fmly><Cd>{}</Cd><SubFmlyCd>{}</SubFmlyCd></Fmly></Domn></BkTxCd>",
                esc(domain),
                esc(family),
                esc(subfamily)
            );
        }
        x.push_str("<NtryDtls>\n");
        for t in &e.transactions {
            x.push_str("<TxDtls>\n");
            let mut refs = String::new();
            if let Some(r) = &t.bank_ref {
                let _ = write!(refs, "<AcctSvcrRef>{}</AcctSvcrRef>", esc(r));
            }
            if let Some(r) = &t.end_to_end_id {
                let _ = write!(refs, "<EndToEndId>{}</EndToEndId>", esc(r));
            }
            if let Some(r) = &t.mandate_id {
                let _ = write!(refs, "<MndtId>{}</MndtId>", esc(r));
            }
            if !refs.is_empty() {
                let _ = writeln!(x, "<Refs>{refs}</Refs>");
            }
            let _ = writeln!(
                x,
                "<Amt Ccy=\"{ccy}\">{}</Amt><CdtDbtInd>{}</CdtDbtInd>",
                t.amount.abs().to_plain(),
                sign(t.amount)
            );
            if t.counterparty.name.is_some() || t.counterparty.iban.is_some() {
                x.push_str("<RltdPties>");
                let debit = t.amount.is_negative();
                let (party, acct) = if debit {
                    ("Cdtr", "CdtrAcct")
                } else {
                    ("Dbtr", "DbtrAcct")
                };
                if let Some(n) = &t.counterparty.name {
                    let _ = write!(x, "<{party}><Pty><Nm>{}</Nm></Pty></{party}>", esc(n));
                }
                if let Some(i) = &t.counterparty.iban {
                    let _ = write!(x, "<{acct}><Id><IBAN>{}</IBAN></Id></{acct}>", esc(i));
                }
                x.push_str("</RltdPties>\n");
            }
            if !t.remittance.is_empty() || !t.creditor_refs.is_empty() {
                x.push_str("<RmtInf>");
                for u in &t.remittance {
                    let _ = write!(x, "<Ustrd>{}</Ustrd>", esc(u));
                }
                for r in &t.creditor_refs {
                    let _ = write!(
                        x,
                        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>{}</Cd></CdOrPrtry></Tp><Ref>{}</Ref></CdtrRefInf></Strd>",
                        esc(&r.kind),
                        esc(&r.reference)
                    );
                }
                x.push_str("</RmtInf>\n");
            }
            x.push_str("</TxDtls>\n");
        }
        x.push_str("</NtryDtls>\n");
        if let Some(a) = &e.additional_info {
            let _ = writeln!(x, "<AddtlNtryInf>{}</AddtlNtryInf>", esc(a));
        }
        x.push_str("</Ntry>\n");
    }
    x.push_str("</Stmt>\n</BkToCstmrStmt>\n</Document>\n");
    x
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Renders `invoices.csv` (`;`-separated, decimal point).
pub fn invoices_csv(invoices: &[Invoice]) -> String {
    let mut o = String::from(
        "invoice_id;customer_id;customer_name;issue_date;due_date;amount;open_amount;currency;reference;payment_method;mandate_id;disputed\n",
    );
    for i in invoices {
        let _ = writeln!(
            o,
            "{};{};{};{};{};{};{};{};{};{};{};{}",
            csv_field(&i.invoice_id),
            csv_field(&i.customer_id),
            csv_field(&i.customer_name),
            i.issue_date,
            i.due_date,
            i.amount.to_plain(),
            i.open_amount.to_plain(),
            i.currency,
            csv_field(i.reference.as_deref().unwrap_or("")),
            i.payment_method.map(|m| m.as_str()).unwrap_or(""),
            csv_field(i.mandate_id.as_deref().unwrap_or("")),
            if i.disputed { "true" } else { "false" },
        );
    }
    o
}

/// Renders `customers.csv` (`;`-separated, `|` between several values).
pub fn customers_csv(customers: &BTreeMap<String, Customer>) -> String {
    let mut o = String::from("customer_id;name;customer_type;iban;aliases;mandate_ids\n");
    for c in customers.values() {
        let _ = writeln!(
            o,
            "{};{};{};{};{};{}",
            csv_field(&c.customer_id),
            csv_field(&c.name),
            match c.customer_type {
                CustomerType::B2b => "b2b",
                CustomerType::B2c => "b2c",
            },
            csv_field(&c.ibans.join("|")),
            csv_field(&c.aliases.join("|")),
            csv_field(&c.mandate_ids.join("|")),
        );
    }
    o
}

/// Writes the client folder: `invoices.csv`, `customers.csv`,
/// `statements/<statement id>.xml`.
pub fn write_folder(dir: &Path, c: &SynthClient) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("statements"))?;
    std::fs::write(dir.join("invoices.csv"), invoices_csv(&c.invoices))?;
    std::fs::write(dir.join("customers.csv"), customers_csv(&c.customers))?;
    for s in &c.statements {
        std::fs::write(
            dir.join("statements").join(format!("{}.xml", s.id)),
            render_camt053(s),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_client_and_the_mix_is_there() {
        let a = generate(7, 3000, 2000);
        assert_eq!(a, generate(7, 3000, 2000));
        let txs: usize = a.statements.iter().map(|s| s.entries.len()).sum();
        assert_eq!(txs, 3000);
        assert_eq!(a.statements.len(), 3);
        let texts: Vec<String> = a
            .statements
            .iter()
            .flat_map(|s| s.transactions())
            .flat_map(|(_, t)| t.remittance.clone())
            .collect();
        assert!(texts.iter().any(|t| t.starts_with("PAIEMENT")));
        assert!(texts.iter().any(|t| t.starts_with("fact ")));
        assert!(a.invoices.iter().any(|i| i.amount.is_negative()));
        let xml = render_camt053(&a.statements[0]);
        assert!(xml.contains("camt.053.001.08"));
        assert_eq!(xml.matches("<Ntry>").count(), 1000);
    }
}
