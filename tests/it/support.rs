//! Helpers shared by the integration tests: run the real binary, write small
//! CAMT documents, dump a state database as text.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date the tests take as today (`POINTAGE_TODAY`): later than every
/// night they run, so that no test depends on the real clock.
pub const TODAY: &str = "2030-12-31";

/// The pointage binary under test.
pub fn pointage() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pointage"));
    c.env("POINTAGE_TODAY", TODAY);
    c
}

/// A client folder `dir` with its `statements/` folder and a `client.toml`
/// that does not hold formal notices for lack of statements (most dunning
/// tests have none), then `extra` settings.
pub fn quiet_client(dir: &Path, extra: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("statements")).unwrap();
    std::fs::write(
        dir.join("client.toml"),
        format!("[alerts]\nstale_statement_days = 0\n{extra}"),
    )
    .unwrap();
    dir.to_path_buf()
}

/// Runs `pointage run CLIENT --date D --out OUT` with extra environment.
pub fn run_night(client: &Path, date: &str, out: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = pointage();
    c.arg("run")
        .arg(client)
        .arg("--date")
        .arg(date)
        .arg("--out")
        .arg(out);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run pointage")
}

/// One transaction of a test entry.
#[derive(Debug, Clone, Default)]
pub struct Tx {
    /// Signed amount as text (`"-300.00"` for a debit).
    pub amount: &'static str,
    /// End-to-end id.
    pub e2e: Option<&'static str>,
    /// Mandate id.
    pub mandate: Option<&'static str>,
    /// Payer name.
    pub name: Option<&'static str>,
    /// Payer IBAN.
    pub iban: Option<&'static str>,
    /// Remittance line.
    pub text: Option<&'static str>,
    /// RF reference.
    pub rf: Option<&'static str>,
    /// Return reason code.
    pub reason: Option<&'static str>,
}

/// One test entry: reference, date, ISO family/sub-family, transactions.
#[derive(Debug, Clone)]
pub struct Ntry {
    /// `AcctSvcrRef`.
    pub reference: &'static str,
    /// Booking date.
    pub date: &'static str,
    /// `RCDT/ESCT`, `IDDT/ESDD`, `IDDT/UPDD`…; `P:NRLS+109` for a
    /// proprietary code only; a `rev:` prefix sets `RvslInd` (`UPDD` always
    /// does).
    pub code: &'static str,
    /// Entry amount (signed); for a batch, the sum.
    pub amount: &'static str,
    /// Transactions (one `TxDtls` each); empty for a lump without detail.
    pub txs: Vec<Tx>,
}

fn abs(a: &str) -> &str {
    a.trim_start_matches('-')
}

fn ind(a: &str) -> &'static str {
    if a.starts_with('-') { "DBIT" } else { "CRDT" }
}

/// A credit transfer received, its remittance `text`.
pub fn paying(
    reference: &'static str,
    date: &'static str,
    amount: &'static str,
    text: &'static str,
) -> Ntry {
    Ntry {
        reference,
        date,
        code: "RCDT/ESCT",
        amount,
        txs: vec![Tx {
            amount,
            text: Some(text),
            ..Tx::default()
        }],
    }
}

/// The account the multi-night scenarios' statements are for.
pub const IBAN: &str = "FR7630001007941234567890185";

/// Writes a one-day camt.053 (id `S{seq}`, sequence `seq`) of [`IBAN`] with
/// these entries as `client/statements/{date}.xml`.
pub fn write_statement(client: &Path, seq: u32, date: &str, entries: &[Ntry]) {
    let s = camt(
        false,
        &format!("S{seq}"),
        seq,
        IBAN,
        date,
        date,
        None,
        entries,
    );
    std::fs::write(client.join(format!("statements/{date}.xml")), s).unwrap();
}

/// Runs `pointage run` for `date` into `out`, asserting it succeeds.
pub fn run_ok(client: &Path, date: &str, out: &Path) {
    let o = run_night(client, date, out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// One night of the client `root/c`: tonight's `invoices.csv` (`header`
/// line, then `invoices` rows), one more statement, then the run; returns
/// the night's output folder, `root/out/{date}`.
pub fn statement_night(
    root: &Path,
    header: &str,
    invoices: &str,
    seq: u32,
    date: &str,
    entries: &[Ntry],
) -> PathBuf {
    let client = root.join("c");
    std::fs::create_dir_all(client.join("statements")).unwrap();
    std::fs::write(client.join("invoices.csv"), format!("{header}{invoices}")).unwrap();
    write_statement(&client, seq, date, entries);
    let out = root.join("out").join(date);
    run_ok(&client, date, &out);
    out
}

/// A camt.053.001.08 statement (or camt.054.001.08 notification) of one account.
#[allow(clippy::too_many_arguments)]
pub fn camt(
    notification: bool,
    id: &str,
    seq: u32,
    iban: &str,
    from: &str,
    to: &str,
    balances: Option<(&str, &str)>,
    entries: &[Ntry],
) -> String {
    let (kind, root, item) = if notification {
        ("camt.054.001.08", "BkToCstmrDbtCdtNtfctn", "Ntfctn")
    } else {
        ("camt.053.001.08", "BkToCstmrStmt", "Stmt")
    };
    let mut x = String::new();
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{kind}\">\n<{root}>\n<GrpHdr><MsgId>{id}</MsgId><CreDtTm>{to}T20:00:00</CreDtTm></GrpHdr>\n<{item}><Id>{id}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{to}T20:00:00</CreDtTm>\n<FrToDt><FrDtTm>{from}T00:00:00</FrDtTm><ToDtTm>{to}T23:59:59</ToDtTm></FrToDt>\n<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
    );
    if let Some((open, close)) = balances {
        for (code, amt, date) in [("OPBD", open, from), ("CLBD", close, to)] {
            let _ = writeln!(
                x,
                "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>",
                abs(amt),
                ind(amt)
            );
        }
    }
    for e in entries {
        let (rvsl, code) = match e.code.strip_prefix("rev:") {
            Some(c) => (true, c),
            None => (false, e.code),
        };
        let (fam, sub) = code.split_once('/').unwrap_or(("RCDT", "ESCT"));
        let reversal = if rvsl || sub == "UPDD" {
            "<RvslInd>true</RvslInd>"
        } else {
            ""
        };
        let bank_code = match code.strip_prefix("P:") {
            Some(p) => format!("<Prtry><Cd>{p}</Cd><Issr>DK</Issr></Prtry>"),
            None => format!(
                "<Domn><Cd>PMNT</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>"
            ),
        };
        let _ = writeln!(
            x,
            "<Ntry><NtryRef>{r}</NtryRef><Amt Ccy=\"EUR\">{a}</Amt><CdtDbtInd>{i}</CdtDbtInd>{reversal}<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{d}</Dt></BookgDt><ValDt><Dt>{d}</Dt></ValDt><AcctSvcrRef>{r}</AcctSvcrRef><BkTxCd>{bank_code}</BkTxCd>",
            r = e.reference,
            a = abs(e.amount),
            i = ind(e.amount),
            d = e.date,
        );
        if !e.txs.is_empty() {
            x.push_str("<NtryDtls>");
            if e.txs.len() > 1 {
                let _ = write!(x, "<Btch><NbOfTxs>{}</NbOfTxs></Btch>", e.txs.len());
            }
            for t in &e.txs {
                let _ = write!(
                    x,
                    "<TxDtls><Refs><EndToEndId>{}</EndToEndId>{}</Refs><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd>",
                    t.e2e.unwrap_or("NOTPROVIDED"),
                    t.mandate
                        .map(|m| format!("<MndtId>{m}</MndtId>"))
                        .unwrap_or_default(),
                    abs(t.amount),
                    ind(t.amount)
                );
                if t.name.is_some() || t.iban.is_some() {
                    x.push_str("<RltdPties>");
                    if let Some(n) = t.name {
                        let _ = write!(x, "<Dbtr><Pty><Nm>{n}</Nm></Pty></Dbtr>");
                    }
                    if let Some(i) = t.iban {
                        let _ = write!(x, "<DbtrAcct><Id><IBAN>{i}</IBAN></Id></DbtrAcct>");
                    }
                    x.push_str("</RltdPties>");
                }
                if t.text.is_some() || t.rf.is_some() {
                    x.push_str("<RmtInf>");
                    if let Some(u) = t.text {
                        let _ = write!(x, "<Ustrd>{u}</Ustrd>");
                    }
                    if let Some(rf) = t.rf {
                        let _ = write!(
                            x,
                            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{rf}</Ref></CdtrRefInf></Strd>"
                        );
                    }
                    x.push_str("</RmtInf>");
                }
                if let Some(code) = t.reason {
                    let _ = write!(x, "<RtrInf><Rsn><Cd>{code}</Cd></Rsn></RtrInf>");
                }
                x.push_str("</TxDtls>");
            }
            x.push_str("</NtryDtls>");
        }
        x.push_str("</Ntry>\n");
    }
    let _ = write!(x, "</{item}>\n</{root}>\n</Document>\n");
    x
}

/// Every table of a state database as sorted text, for comparing two runs.
pub fn dump_state(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open state");
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables.sort();
    let mut out = String::new();
    for t in tables {
        let _ = writeln!(out, "== {t}");
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut line = String::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    let _ = write!(line, "{v:?}|");
                }
                Ok(line)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        for r in rows {
            let _ = writeln!(out, "{r}");
        }
    }
    out
}

/// Every file under a folder (relative path → bytes), sorted.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Reads a CSV output into rows of fields (header included).
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    rd.records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The column `name` of the rows of a CSV whose column `key` equals `value`.
pub fn column_where(rows: &[Vec<String>], key: &str, value: &str, name: &str) -> Vec<String> {
    let header = &rows[0];
    let k = header.iter().position(|h| h == key).expect("key column");
    let c = header.iter().position(|h| h == name).expect("column");
    rows[1..]
        .iter()
        .filter(|r| r[k] == value)
        .map(|r| r[c].clone())
        .collect()
}
