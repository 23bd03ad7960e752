//! Synthetic accounting firm for the batch benchmark: `clients` client
//! folders (`client-0001`…) each with `invoices.csv`, `customers.csv` and
//! camt.053.001.08 statements of a few hundred entries per file, whose
//! payments are drawn from the client's own open invoices: about 70 % of
//! the payments carry the invoice's RF reference or number, the rest only the
//! payer's name and IBAN; some pay several invoices at once, some pay part,
//! some match nothing; some direct debits come back (AM04). Balances close
//! and sequence numbers follow each other. Deterministic from the seed.
//!
//! Owns: the firm layout and the statement text. Invoices and customers come
//! from [`super::ledger`].

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use chrono::{Days, NaiveDate};

use super::Rng;
use super::ledger::{customers, invoices, write_customers_csv, write_invoices_csv};
use crate::ledger::{Customer, Invoice, PaymentMethod};
use crate::money::{Currency, Money};
use crate::refs::iban_from_rib;

/// Entries per statement file.
pub const ENTRIES_PER_FILE: usize = 250;

/// The size of a synthetic firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirmSize {
    /// Client folders.
    pub clients: usize,
    /// Bank transactions per client.
    pub transactions: usize,
    /// Open invoices per client.
    pub invoices: usize,
}

/// The first day the statements cover; the benchmark runs on
/// [`RUN_DATE`].
pub const FIRST_DAY: (i32, u32, u32) = (2026, 11, 2);
/// The night to run the firm on: after every statement.
pub const RUN_DATE: &str = "2026-12-31";

/// Client id of the `k`-th client (from 0).
pub fn client_id(k: usize) -> String {
    format!("client-{:04}", k + 1)
}

/// Writes the firm under `root` (created); each client from `seed + k`.
pub fn write_firm(root: &Path, size: FirmSize, seed: u64) -> io::Result<()> {
    use rayon::prelude::*;
    std::fs::create_dir_all(root)?;
    (0..size.clients)
        .into_par_iter()
        .try_for_each(|k| write_client(root, k, size, seed.wrapping_add(k as u64)))
}

/// One client folder.
pub fn write_client(root: &Path, k: usize, size: FirmSize, seed: u64) -> io::Result<()> {
    write_client_split(root, k, size, seed, ENTRIES_PER_FILE)
}

/// The firm with each client's transactions spread over `nights` daily
/// statement files (the first on [`FIRST_DAY`], one a day), for runs night
/// after night: see [`stage_night`] and [`night_date`].
pub fn write_firm_nights(root: &Path, size: FirmSize, seed: u64, nights: usize) -> io::Result<()> {
    use rayon::prelude::*;
    let per_file = size.transactions.div_ceil(nights.max(1)).max(1);
    std::fs::create_dir_all(root)?;
    (0..size.clients)
        .into_par_iter()
        .try_for_each(|k| write_client_split(root, k, size, seed.wrapping_add(k as u64), per_file))
}

/// The date of night `n` (from 0) of a firm from [`write_firm_nights`]: the
/// day of its `n`-th statement.
pub fn night_date(n: usize) -> NaiveDate {
    first_day() + Days::new(n as u64)
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).unwrap_or_default()
}

/// Makes `firm` what the firm's folder holds on night `n`: every client of
/// `source` (written by [`write_firm_nights`]) with its ledger files and the
/// statements that arrived by then (booked on or before [`night_date`]`(n)`).
/// Files already in place are left as they are; nothing is removed.
pub fn stage_night(source: &Path, firm: &Path, n: usize) -> io::Result<()> {
    let last = format!("releve-{}.xml", night_date(n));
    let mut clients: Vec<_> = std::fs::read_dir(source)?
        .collect::<io::Result<Vec<_>>>()?
        .into_iter()
        .map(|e| e.file_name())
        .collect();
    clients.sort();
    for c in clients {
        let (from, to) = (source.join(&c), firm.join(&c));
        std::fs::create_dir_all(to.join("statements"))?;
        for f in ["invoices.csv", "customers.csv"] {
            if !to.join(f).exists() {
                std::fs::copy(from.join(f), to.join(f))?;
            }
        }
        let mut files: Vec<_> = std::fs::read_dir(from.join("statements"))?
            .collect::<io::Result<Vec<_>>>()?
            .into_iter()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.as_str() <= last.as_str())
            .collect();
        files.sort();
        for name in files {
            let target = to.join("statements").join(&name);
            if !target.exists() {
                std::fs::copy(from.join("statements").join(&name), target)?;
            }
        }
    }
    Ok(())
}

fn write_client_split(
    root: &Path,
    k: usize,
    size: FirmSize,
    seed: u64,
    per_file: usize,
) -> io::Result<()> {
    let dir = root.join(client_id(k));
    std::fs::create_dir_all(dir.join("statements"))?;
    let mut rng = Rng::new(seed);
    let n_customers = (size.invoices / 10).max(5);
    let mut custs = customers(&mut rng.clone(), n_customers);
    let mut invs = invoices(&mut rng, n_customers, size.invoices);
    for c in &mut custs {
        // The generator's "gentle" plan is not defined in a bare client.
        c.dunning_plan = None;
    }
    let french = k.is_multiple_of(3);
    let (sep, comma) = if french { (b';', true) } else { (b',', false) };
    std::fs::write(
        dir.join("invoices.csv"),
        write_invoices_csv(&invs, sep, comma),
    )?;
    std::fs::write(dir.join("customers.csv"), write_customers_csv(&custs, sep))?;
    invs.retain(|i| i.currency == Currency::EUR);
    let account = iban_from_rib("30004", "00822", &format!("{:011}", k + 1)).unwrap_or_default();
    let entries = draw_entries(&mut rng, &custs, &invs, size.transactions);
    let first = first_day();
    let mut balance: i64 = 1_000_000;
    for (n, chunk) in entries.chunks(per_file.max(1)).enumerate() {
        let day = first + Days::new(n as u64);
        let (xml, closing) = statement(&account, n + 1, day, balance, chunk);
        balance = closing;
        std::fs::write(
            dir.join("statements").join(format!("releve-{day}.xml")),
            xml,
        )?;
    }
    Ok(())
}

/// One bank line to write.
enum Line {
    /// A credit transfer in: cents, payer name, payer IBAN, remittance text,
    /// RF reference.
    Credit {
        cents: i64,
        name: String,
        iban: Option<String>,
        text: Option<String>,
        rf: Option<String>,
    },
    /// A returned direct debit: cents (positive), mandate, end-to-end id.
    Return {
        cents: i64,
        name: String,
        mandate: String,
        e2e: String,
    },
    /// A transfer out or a fee.
    Debit {
        cents: i64,
        name: Option<String>,
        text: String,
    },
}

fn cents_of(m: Money) -> i64 {
    let mut d = m.decimal().round_dp(2);
    d.rescale(2);
    i64::try_from(d.mantissa()).unwrap_or(0)
}

fn draw_entries(rng: &mut Rng, custs: &[Customer], invs: &[Invoice], n: usize) -> Vec<Line> {
    let payable: Vec<&Invoice> = invs
        .iter()
        .filter(|i| !i.is_credit_note() && !i.disputed && cents_of(i.open_amount) > 0)
        .collect();
    let customer = |id: &str| custs.iter().find(|c| c.customer_id == id);
    let mut next = 0usize;
    let mut out = Vec::with_capacity(n);
    for t in 0..n {
        let roll = rng.below(100);
        let inv = payable.get(next).copied();
        let payer = |i: &Invoice| {
            let c = customer(&i.customer_id);
            (
                c.map_or(i.customer_name.clone(), |c| c.name.clone()),
                c.and_then(|c| c.ibans.first().cloned()),
            )
        };
        match (roll, inv) {
            (0..=54, Some(i)) => {
                next += 1;
                let (name, iban) = payer(i);
                let with_ref = rng.chance(70);
                let (text, rf) = match (&i.reference, with_ref) {
                    (Some(r), true) if r.starts_with("RF") => (None, Some(r.clone())),
                    (_, true) => (Some(format!("FACTURE {}", i.invoice_id)), None),
                    (_, false) => (Some("REGLEMENT".to_string()), None),
                };
                out.push(Line::Credit {
                    cents: cents_of(i.open_amount),
                    name,
                    iban,
                    text,
                    rf,
                });
            }
            (55..=61, Some(i)) => {
                // Grouped: this invoice and the next of the list.
                next += 1;
                let second = payable.get(next).copied();
                next += 1;
                let (name, iban) = payer(i);
                let mut cents = cents_of(i.open_amount);
                let mut text = format!("FACT {}", i.invoice_id);
                if let Some(s) = second {
                    cents += cents_of(s.open_amount);
                    let _ = write!(text, " ET {}", s.invoice_id);
                }
                out.push(Line::Credit {
                    cents,
                    name,
                    iban,
                    text: Some(text),
                    rf: None,
                });
            }
            (62..=66, Some(i)) => {
                next += 1;
                let (name, iban) = payer(i);
                let full = cents_of(i.open_amount);
                out.push(Line::Credit {
                    cents: (full / 2).max(1),
                    name,
                    iban,
                    text: Some(format!("ACOMPTE {}", i.invoice_id)),
                    rf: None,
                });
            }
            (67..=68, Some(i)) if i.payment_method == Some(PaymentMethod::DirectDebit) => {
                next += 1;
                let (name, _) = payer(i);
                out.push(Line::Return {
                    cents: cents_of(i.open_amount),
                    name,
                    mandate: i.mandate_id.clone().unwrap_or_default(),
                    e2e: format!("SDD-{}", i.invoice_id),
                });
            }
            (67..=76, _) | (0..=68, None) => out.push(Line::Credit {
                cents: 1_000 + rng.below(300_000) as i64,
                name: format!("CLIENT INCONNU {t}"),
                iban: None,
                text: Some(format!("VIREMENT {}", rng.below(1_000_000))),
                rf: None,
            }),
            (77..=94, _) => out.push(Line::Debit {
                cents: 500 + rng.below(800_000) as i64,
                name: Some(format!("FOURNISSEUR {}", rng.below(50))),
                text: format!("FACTURE FOURNISSEUR {}", rng.below(100_000)),
            }),
            _ => out.push(Line::Debit {
                cents: 100 + rng.below(3_000) as i64,
                name: None,
                text: "FRAIS BANCAIRES".to_string(),
            }),
        }
    }
    out
}

fn amt(cents: i64) -> String {
    format!("{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A camt.053.001.08 document for one day; returns it and the closing balance.
fn statement(
    account: &str,
    seq: usize,
    day: NaiveDate,
    open: i64,
    lines: &[Line],
) -> (String, i64) {
    let signed = |l: &Line| match l {
        Line::Credit { cents, .. } => *cents,
        Line::Return { cents, .. } | Line::Debit { cents, .. } => -*cents,
    };
    let close = open + lines.iter().map(signed).sum::<i64>();
    let ind = |c: i64| if c < 0 { "DBIT" } else { "CRDT" };
    let mut x = String::with_capacity(lines.len() * 900);
    let id = format!("STMT-{account}-{seq:04}");
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n\
  <BkToCstmrStmt>\n\
    <GrpHdr><MsgId>{id}</MsgId><CreDtTm>{day}T22:00:00</CreDtTm></GrpHdr>\n\
    <Stmt>\n\
      <Id>{id}</Id>\n\
      <ElctrncSeqNb>{seq}</ElctrncSeqNb>\n\
      <CreDtTm>{day}T22:00:00</CreDtTm>\n\
      <FrToDt><FrDtTm>{day}T00:00:00</FrDtTm><ToDtTm>{day}T23:59:59</ToDtTm></FrToDt>\n\
      <Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
    );
    for (code, bal) in [("OPBD", open), ("CLBD", close)] {
        let _ = writeln!(
            x,
            "      <Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>",
            amt(bal),
            ind(bal)
        );
    }
    for (n, l) in lines.iter().enumerate() {
        let c = signed(l);
        let reference = format!("B{seq:04}{n:05}");
        let (fam, sub, rvsl) = match l {
            Line::Credit { .. } => ("RCDT", "ESCT", ""),
            Line::Return { .. } => ("IDDT", "UPDD", "<RvslInd>true</RvslInd>"),
            Line::Debit { name: Some(_), .. } => ("ICDT", "ESCT", ""),
            Line::Debit { name: None, .. } => ("CCRD", "CHRG", ""),
        };
        let _ = write!(
            x,
            "      <Ntry>\n        <Amt Ccy=\"EUR\">{a}</Amt><CdtDbtInd>{i}</CdtDbtInd>{rvsl}<Sts><Cd>BOOK</Cd></Sts>\n        <BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>\n        <AcctSvcrRef>{reference}</AcctSvcrRef>\n        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>\n",
            a = amt(c),
            i = ind(c),
        );
        match l {
            Line::Credit {
                name,
                iban,
                text,
                rf,
                ..
            } => {
                let _ = write!(
                    x,
                    "        <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy=\"EUR\">{a}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\n          <RltdPties><Dbtr><Pty><Nm>{n}</Nm></Pty></Dbtr>{acct}</RltdPties>\n          <RmtInf>{u}{s}</RmtInf></TxDtls></NtryDtls>\n",
                    a = amt(c),
                    n = esc(name),
                    acct = iban
                        .as_ref()
                        .map(|i| format!("<DbtrAcct><Id><IBAN>{i}</IBAN></Id></DbtrAcct>"))
                        .unwrap_or_default(),
                    u = text
                        .as_ref()
                        .map(|t| format!("<Ustrd>{}</Ustrd>", esc(t)))
                        .unwrap_or_default(),
                    s = rf
                        .as_ref()
                        .map(|r| format!("<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{r}</Ref></CdtrRefInf></Strd>"))
                        .unwrap_or_default(),
                );
            }
            Line::Return {
                name, mandate, e2e, ..
            } => {
                let _ = write!(
                    x,
                    "        <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId><MndtId>{mandate}</MndtId></Refs><Amt Ccy=\"EUR\">{a}</Amt><CdtDbtInd>DBIT</CdtDbtInd>\n          <RltdPties><Dbtr><Pty><Nm>{n}</Nm></Pty></Dbtr></RltdPties>\n          <RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls>\n",
                    a = amt(c),
                    n = esc(name),
                );
            }
            Line::Debit { name, text, .. } => {
                let _ = writeln!(
                    x,
                    "        <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy=\"EUR\">{a}</Amt><CdtDbtInd>DBIT</CdtDbtInd>{p}<RmtInf><Ustrd>{t}</Ustrd></RmtInf></TxDtls></NtryDtls>",
                    a = amt(c),
                    p = name
                        .as_ref()
                        .map(|n| format!(
                            "<RltdPties><Cdtr><Pty><Nm>{}</Nm></Pty></Cdtr></RltdPties>",
                            esc(n)
                        ))
                        .unwrap_or_default(),
                    t = esc(text),
                );
            }
        }
        x.push_str("      </Ntry>\n");
    }
    x.push_str("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n");
    (x, close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_firm_loads_and_its_statements_close() {
        let root = tempfile::tempdir().unwrap();
        let size = FirmSize {
            clients: 2,
            transactions: 300,
            invoices: 200,
        };
        write_firm(root.path(), size, 7).unwrap();
        for k in 0..2 {
            let c = crate::client::load_client(&root.path().join(client_id(k))).unwrap();
            assert_eq!(c.ledger.invoices.len(), 200);
            assert_eq!(c.statements.len(), 2, "300 entries: 250 + 50");
            let txs: usize = c
                .statements
                .iter()
                .flat_map(|f| &f.parsed.statements)
                .map(|s| s.transactions().count())
                .sum();
            assert_eq!(txs, 300);
            for f in &c.statements {
                assert!(
                    f.parsed.findings.is_empty(),
                    "{}: {:?}",
                    f.path.display(),
                    f.parsed.findings
                );
            }
        }
        // Deterministic: the same seed writes the same bytes.
        let again = tempfile::tempdir().unwrap();
        write_firm(again.path(), size, 7).unwrap();
        for name in ["invoices.csv", "statements/releve-2026-11-02.xml"] {
            assert_eq!(
                std::fs::read(root.path().join("client-0001").join(name)).unwrap(),
                std::fs::read(again.path().join("client-0001").join(name)).unwrap()
            );
        }
    }

    #[test]
    fn nights_arrive_one_statement_at_a_time() {
        let root = tempfile::tempdir().unwrap();
        let size = FirmSize {
            clients: 2,
            transactions: 100,
            invoices: 50,
        };
        let source = root.path().join("source");
        write_firm_nights(&source, size, 3, 3).unwrap();
        let firm = root.path().join("firm");
        let count = |n: usize| {
            stage_night(&source, &firm, n).unwrap();
            std::fs::read_dir(firm.join(client_id(1)).join("statements"))
                .unwrap()
                .count()
        };
        assert_eq!(count(0), 1);
        assert_eq!(count(2), 3);
        assert_eq!(night_date(2).to_string(), "2026-11-04");
        let c = crate::client::load_client(&firm.join(client_id(0))).unwrap();
        let txs: usize = c
            .statements
            .iter()
            .flat_map(|f| &f.parsed.statements)
            .map(|s| s.transactions().count())
            .sum();
        assert_eq!(txs, 100, "34 + 34 + 32");
    }
}
