//! Synthetic camt.053.001.08 documents: N entries spread over daily
//! statements of at most [`ENTRIES_PER_STATEMENT`] entries, as a French bank
//! sends them (indented, references, parties with valid IBANs, remittance
//! text with invoice numbers, RF references, SDD batches with mandate ids,
//! fees without details). Balances close. Streamed to any `Write`, so a 1 GB
//! file costs no memory. Deterministic from the seed.

use std::io::{self, BufWriter, Write};

use super::Rng;
use crate::refs::{iban_from_rib, rf_from_reference};

/// Entries per daily statement.
pub const ENTRIES_PER_STATEMENT: u64 = 5_000;

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// `Stmt` elements.
    pub statements: u64,
    /// `Ntry` elements.
    pub entries: u64,
    /// Transactions a parser should return (one per `TxDtls`, one per entry without).
    pub transactions: u64,
}

const NAMES: &[&str] = &[
    "Dupont & Fils SARL",
    "Boulangerie Léa",
    "Martin Plomberie",
    "Garage du Centre",
    "SCI Les Tilleuls",
    "Transports Moreau",
    "Cabinet Lefèvre",
    "Hôtel de la Gare",
    "Pharmacie Bernard",
    "Menuiserie Roux",
    "Librairie Fournier",
    "Atelier Girard SAS",
];

struct Customer {
    name: String,
    iban: String,
    bic: &'static str,
}

fn customers(rng: &mut Rng) -> Vec<Customer> {
    let bics = [
        "BNPAFRPPXXX",
        "SOGEFRPPXXX",
        "AGRIFRPPXXX",
        "CRLYFRPPXXX",
        "CMCIFRPPXXX",
    ];
    (0..200u64)
        .map(|i| {
            let bank = format!("{:05}", 10000 + rng.below(89999));
            let branch = format!("{:05}", rng.below(99999));
            let account = format!("{:011}", rng.below(99_999_999_999));
            let iban = iban_from_rib(&bank, &branch, &account).unwrap_or_default();
            let base = NAMES[(i as usize) % NAMES.len()];
            Customer {
                name: format!("{base} {i:03}"),
                iban,
                bic: bics[(i as usize) % bics.len()],
            }
        })
        .collect()
}

/// XML-escapes `&`, `<`, `>`.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn amount(cents: i64) -> String {
    format!("{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// One entry's plan: drawn once to compute the balance, once to write.
enum Plan {
    Transfer {
        cents: i64,
        customer: usize,
        invoice: u64,
        rf: bool,
    },
    Payment {
        cents: i64,
        customer: usize,
    },
    Fee {
        cents: i64,
    },
    Batch {
        parts: Vec<(i64, usize, u64)>,
    },
}

impl Plan {
    fn draw(rng: &mut Rng, n_customers: usize) -> Plan {
        let pick = |rng: &mut Rng| rng.below(n_customers as u64) as usize;
        match rng.below(100) {
            0..=64 => Plan::Transfer {
                cents: 1_000 + rng.below(500_000) as i64,
                customer: pick(rng),
                invoice: rng.below(9_999),
                rf: rng.chance(30),
            },
            65..=79 => Plan::Payment {
                cents: -(500 + rng.below(900_000) as i64),
                customer: pick(rng),
            },
            80..=89 => Plan::Fee {
                cents: -(100 + rng.below(5_000) as i64),
            },
            _ => {
                let n = 2 + rng.below(4) as usize;
                Plan::Batch {
                    parts: (0..n)
                        .map(|_| {
                            (
                                2_000 + rng.below(100_000) as i64,
                                pick(rng),
                                rng.below(9_999),
                            )
                        })
                        .collect(),
                }
            }
        }
    }

    fn cents(&self) -> i64 {
        match self {
            Plan::Transfer { cents, .. } | Plan::Payment { cents, .. } | Plan::Fee { cents } => {
                *cents
            }
            Plan::Batch { parts } => parts.iter().map(|p| p.0).sum(),
        }
    }
}

/// Writes a camt.053.001.08 document with `entries` entries. Returns the counts.
pub fn write_camt053<W: Write>(out: W, entries: u64, seed: u64) -> io::Result<Summary> {
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let mut rng = Rng::new(seed);
    let people = customers(&mut rng);
    let own = iban_from_rib("30004", "00819", "00012345678").unwrap_or_default();
    let mut sum = Summary::default();
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
    )?;
    writeln!(w, "  <BkToCstmrStmt>")?;
    writeln!(
        w,
        "    <GrpHdr>\n      <MsgId>SYNTH-{seed}</MsgId>\n      <CreDtTm>2026-03-31T06:00:00+02:00</CreDtTm>\n    </GrpHdr>"
    )?;
    let mut balance: i64 = 1_000_000;
    let mut written = 0u64;
    let mut day = 0u64;
    while written < entries || (entries == 0 && day == 0) {
        let n = (entries - written).min(ENTRIES_PER_STATEMENT);
        let date = date_of(day);
        // Draw the plans once to know the closing balance (it precedes the entries).
        let mut probe = rng.clone();
        let mut movement: i64 = 0;
        for _ in 0..n {
            movement += Plan::draw(&mut probe, people.len()).cents();
        }
        let opening = balance;
        balance += movement;
        writeln!(w, "    <Stmt>")?;
        writeln!(w, "      <Id>SYNTH-{seed}-{day:05}</Id>")?;
        writeln!(w, "      <ElctrncSeqNb>{}</ElctrncSeqNb>", day + 1)?;
        writeln!(w, "      <CreDtTm>{date}T06:00:00+02:00</CreDtTm>")?;
        writeln!(
            w,
            "      <Acct>\n        <Id>\n          <IBAN>{own}</IBAN>\n        </Id>\n        <Ccy>EUR</Ccy>\n        <Svcr>\n          <FinInstnId>\n            <BICFI>BNPAFRPPXXX</BICFI>\n          </FinInstnId>\n        </Svcr>\n      </Acct>"
        )?;
        write_balance(&mut w, "OPBD", opening, &date)?;
        write_balance(&mut w, "CLBD", balance, &date)?;
        for i in 0..n {
            let plan = Plan::draw(&mut rng, people.len());
            let r = format!("{seed}{day:05}{i:06}");
            sum.transactions += write_entry(&mut w, &plan, &r, &date, &people)?;
        }
        writeln!(w, "    </Stmt>")?;
        written += n;
        day += 1;
        sum.statements += 1;
        if n == 0 {
            break;
        }
    }
    sum.entries = written;
    writeln!(w, "  </BkToCstmrStmt>\n</Document>")?;
    w.flush()?;
    Ok(sum)
}

fn date_of(day: u64) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
        + chrono::Days::new(day % 3650);
    d.format("%Y-%m-%d").to_string()
}

fn write_balance<W: Write>(w: &mut W, code: &str, cents: i64, date: &str) -> io::Result<()> {
    let ind = if cents < 0 { "DBIT" } else { "CRDT" };
    writeln!(
        w,
        "      <Bal>\n        <Tp>\n          <CdOrPrtry>\n            <Cd>{code}</Cd>\n          </CdOrPrtry>\n        </Tp>\n        <Amt Ccy=\"EUR\">{}</Amt>\n        <CdtDbtInd>{ind}</CdtDbtInd>\n        <Dt>\n          <Dt>{date}</Dt>\n        </Dt>\n      </Bal>",
        amount(cents)
    )
}

fn write_entry<W: Write>(
    w: &mut W,
    plan: &Plan,
    r: &str,
    date: &str,
    people: &[Customer],
) -> io::Result<u64> {
    let cents = plan.cents();
    let ind = if cents < 0 { "DBIT" } else { "CRDT" };
    let (domn, fmly, sub) = match plan {
        Plan::Transfer { .. } => ("PMNT", "RCDT", "ESCT"),
        Plan::Payment { .. } => ("PMNT", "ICDT", "ESCT"),
        Plan::Fee { .. } => ("ACMT", "MDOP", "CHRG"),
        Plan::Batch { .. } => ("PMNT", "IDDT", "ESDD"),
    };
    writeln!(w, "      <Ntry>")?;
    writeln!(w, "        <NtryRef>{r}</NtryRef>")?;
    writeln!(w, "        <Amt Ccy=\"EUR\">{}</Amt>", amount(cents))?;
    writeln!(w, "        <CdtDbtInd>{ind}</CdtDbtInd>")?;
    writeln!(w, "        <RvslInd>false</RvslInd>")?;
    writeln!(w, "        <Sts>\n          <Cd>BOOK</Cd>\n        </Sts>")?;
    writeln!(
        w,
        "        <BookgDt>\n          <Dt>{date}</Dt>\n        </BookgDt>"
    )?;
    writeln!(
        w,
        "        <ValDt>\n          <Dt>{date}</Dt>\n        </ValDt>"
    )?;
    writeln!(w, "        <AcctSvcrRef>BNP{r}</AcctSvcrRef>")?;
    writeln!(
        w,
        "        <BkTxCd>\n          <Domn>\n            <Cd>{domn}</Cd>\n            <Fmly>\n              <Cd>{fmly}</Cd>\n              <SubFmlyCd>{sub}</SubFmlyCd>\n            </Fmly>\n          </Domn>\n        </BkTxCd>"
    )?;
    let txs = match plan {
        Plan::Fee { .. } => {
            writeln!(
                w,
                "        <AddtlNtryInf>COMMISSION INTERVENTION {r}</AddtlNtryInf>"
            )?;
            1
        }
        Plan::Transfer {
            cents,
            customer,
            invoice,
            rf,
        } => {
            writeln!(w, "        <NtryDtls>")?;
            let p = people.get(*customer).unwrap_or(&people[0]);
            let inv = format!("F-2026-{invoice:04}");
            let rf = rf
                .then(|| rf_from_reference(&format!("F2026{invoice:04}")))
                .flatten();
            write_tx(
                w,
                *cents,
                p,
                true,
                &format!("E2E-{r}"),
                None,
                &inv,
                rf.as_deref(),
            )?;
            writeln!(w, "        </NtryDtls>")?;
            writeln!(
                w,
                "        <AddtlNtryInf>VIR SEPA RECU /DE {}</AddtlNtryInf>",
                esc(&p.name.to_uppercase())
            )?;
            1
        }
        Plan::Payment { cents, customer } => {
            writeln!(w, "        <NtryDtls>")?;
            let p = people.get(*customer).unwrap_or(&people[0]);
            write_tx(
                w,
                *cents,
                p,
                false,
                &format!("PAY-{r}"),
                None,
                "Reglement fournisseur",
                None,
            )?;
            writeln!(w, "        </NtryDtls>")?;
            1
        }
        Plan::Batch { parts } => {
            writeln!(w, "        <NtryDtls>")?;
            writeln!(
                w,
                "          <Btch>\n            <PmtInfId>PRLV-{r}</PmtInfId>\n            <NbOfTxs>{}</NbOfTxs>\n            <TtlAmt Ccy=\"EUR\">{}</TtlAmt>\n            <CdtDbtInd>CRDT</CdtDbtInd>\n          </Btch>",
                parts.len(),
                amount(cents)
            )?;
            for (k, (c, customer, invoice)) in parts.iter().enumerate() {
                let p = people.get(*customer).unwrap_or(&people[0]);
                let mandate = format!("RUM-{customer:04}");
                write_tx(
                    w,
                    *c,
                    p,
                    true,
                    &format!("SDD-{r}-{k}"),
                    Some(&mandate),
                    &format!("Facture F-2026-{invoice:04}"),
                    None,
                )?;
            }
            writeln!(w, "        </NtryDtls>")?;
            parts.len() as u64
        }
    };
    writeln!(w, "      </Ntry>")?;
    Ok(txs)
}

#[allow(clippy::too_many_arguments)]
fn write_tx<W: Write>(
    w: &mut W,
    cents: i64,
    p: &Customer,
    credit: bool,
    e2e: &str,
    mandate: Option<&str>,
    text: &str,
    rf: Option<&str>,
) -> io::Result<()> {
    let ind = if cents < 0 { "DBIT" } else { "CRDT" };
    let (party, acct, agt) = if credit {
        ("Dbtr", "DbtrAcct", "DbtrAgt")
    } else {
        ("Cdtr", "CdtrAcct", "CdtrAgt")
    };
    writeln!(w, "          <TxDtls>\n            <Refs>")?;
    writeln!(w, "              <EndToEndId>{e2e}</EndToEndId>")?;
    if let Some(m) = mandate {
        writeln!(w, "              <MndtId>{m}</MndtId>")?;
    }
    writeln!(w, "            </Refs>")?;
    writeln!(w, "            <Amt Ccy=\"EUR\">{}</Amt>", amount(cents))?;
    writeln!(w, "            <CdtDbtInd>{ind}</CdtDbtInd>")?;
    writeln!(
        w,
        "            <RltdPties>\n              <{party}>\n                <Pty>\n                  <Nm>{}</Nm>\n                </Pty>\n              </{party}>\n              <{acct}>\n                <Id>\n                  <IBAN>{}</IBAN>\n                </Id>\n              </{acct}>\n            </RltdPties>",
        esc(&p.name),
        p.iban
    )?;
    writeln!(
        w,
        "            <RltdAgts>\n              <{agt}>\n                <FinInstnId>\n                  <BICFI>{}</BICFI>\n                </FinInstnId>\n              </{agt}>\n            </RltdAgts>",
        p.bic
    )?;
    writeln!(
        w,
        "            <RmtInf>\n              <Ustrd>{}</Ustrd>",
        esc(text)
    )?;
    if let Some(rf) = rf {
        writeln!(
            w,
            "              <Strd>\n                <CdtrRefInf>\n                  <Tp>\n                    <CdOrPrtry>\n                      <Cd>SCOR</Cd>\n                    </CdOrPrtry>\n                  </Tp>\n                  <Ref>{rf}</Ref>\n                </CdtrRefInf>\n              </Strd>"
        )?;
    }
    writeln!(w, "            </RmtInf>\n          </TxDtls>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_counted() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let sa = write_camt053(&mut a, 20, 1).unwrap();
        let sb = write_camt053(&mut b, 20, 1).unwrap();
        assert_eq!(a, b);
        assert_eq!(sa, sb);
        assert_eq!((sa.statements, sa.entries), (1, 20));
        assert!(sa.transactions >= 20);
    }
}
