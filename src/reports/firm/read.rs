//! Reading what the clients' nights left under `OUT/`: each client folder's
//! `kpis.json` and `aged_balance.csv`, and every `batch-summary*.csv` for the
//! clients' statuses (a failed client may have no folder). Clients sorted
//! by id; amounts checked to be exact decimals. No polars here.
//!
//! A client's figures are read only from a complete night: its folder's
//! `summary.json` (renamed into place last) lists the SHA-256 of every other
//! file, and both files read must match it. A folder mixing two nights (a
//! night committed but not completely written) or without outputs gives a
//! status-only row and is named in [`FirmData::without_figures`], never a
//! row whose amounts come from one night and its aged balance from another.
//!
//! The firm report is of one night: the newest among the batch summaries'
//! `date` and the clients' complete nights (review 38 reports #2). A client
//! whose outputs are of an earlier night (it failed tonight and its folder
//! keeps the last night's files, or it left ROOT) is a status-only row too,
//! named with its night: its figures are never added to tonight's totals
//! and rankings as if they were tonight's.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

use super::FirmError;
use crate::money::Money;

/// One line of a client's `aged_balance.csv`, with the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgedLine {
    /// Client id (its folder name).
    pub client: String,
    /// Customer id, as the ERP gives it.
    pub customer_id: String,
    /// Customer name as pointage computed it: the `'` the client's CSV put
    /// before a cell a spreadsheet would run is taken off ([`plain`]); the
    /// firm CSV puts it back, the parquet file keeps the text.
    pub customer_name: String,
    /// Currency.
    pub currency: String,
    /// Not due, 1–30, 31–60, 61–90, over 90.
    pub buckets: [Money; 5],
    /// Total.
    pub total: Money,
}

/// One client's figures in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyKpis {
    /// Currency.
    pub currency: String,
    /// Open receivables.
    pub open: Money,
    /// Past due.
    pub overdue: Money,
    /// DSO in days, when there is a figure.
    pub dso_days: Option<String>,
    /// `days`, `nothing_owed` or `insufficient_history`.
    pub dso: String,
}

/// One client's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientKpis {
    /// Client id.
    pub client: String,
    /// From the batch summary (`ok`, `failed`…), empty when there is none.
    pub status: String,
    /// The night of its outputs.
    pub run_date: String,
    /// Matched / tried, percent.
    pub match_rate: Option<String>,
    /// Transactions waiting for a person.
    pub unmatched_items: Option<u64>,
    /// Returns tonight.
    pub returns: Option<u64>,
    /// Tomorrow's dunning actions.
    pub dunning_actions: Option<u64>,
    /// Per currency.
    pub currencies: Vec<CurrencyKpis>,
    /// `OUT/<client>/report.html` exists.
    pub has_report: bool,
}

/// Everything the firm files are made of.
#[derive(Debug, Clone, Default)]
pub struct FirmData {
    /// Clients, sorted by id.
    pub clients: Vec<ClientKpis>,
    /// Aged balance lines, by client, then as in each client's file.
    pub aged: Vec<AgedLine>,
    /// Clients listed without figures, and why (sorted by client).
    pub without_figures: Vec<(String, Missing)>,
}

/// Why a client's row has no figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No `OUT/<client>/summary.json`: the client never ran into this OUT,
    /// or its folder is elsewhere.
    NoOutputs,
    /// A file differs from the one its `summary.json` lists: its night's
    /// outputs were not all put in place (or a file was changed since).
    Incomplete,
    /// Its outputs are of another night than the firm report's (the
    /// night they are of).
    OtherNight(String),
}

impl Missing {
    /// For the command's warning.
    pub fn describe(&self) -> String {
        match self {
            Missing::NoOutputs => "no outputs under OUT".into(),
            Missing::Incomplete => {
                "outputs of two nights mixed (not all put in place: run its night again)".into()
            }
            Missing::OtherNight(night) => format!(
                "its outputs are of the night of {}, not of this report's night (failed tonight, or not run)",
                if night.is_empty() {
                    "an unknown date"
                } else {
                    night
                }
            ),
        }
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> FirmError + '_ {
    move |source| FirmError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn malformed(path: &Path, message: impl Into<String>) -> FirmError {
    FirmError::Malformed {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Statuses from every `batch-summary*.csv` in `out`: for a client in
/// several, the one of the newest summary — the highest `generation`
/// (`batch::generation`); between summaries of one generation (written
/// before the column existed), the one modified last, then the last by
/// name. A file's name says nothing of when it was written: an old
/// unsharded summary must not hide a shard's newer run.
fn statuses(out: &Path) -> Result<BTreeMap<String, String>, FirmError> {
    let names = crate::batch::generation::summary_files(out).map_err(io(out))?;
    type Newest = ((u64, Option<std::time::SystemTime>, usize), String);
    let mut map: BTreeMap<String, Newest> = BTreeMap::new();
    for (order, n) in names.iter().enumerate() {
        let path = out.join(n);
        let modified = fs::metadata(&path).and_then(|m| m.modified()).ok();
        let mut r = csv::Reader::from_path(&path).map_err(|e| malformed(&path, e.to_string()))?;
        let head = r
            .headers()
            .map_err(|e| malformed(&path, e.to_string()))?
            .clone();
        let col = |name: &str| head.iter().position(|h| h == name);
        let (Some(c), Some(s)) = (col("client"), col("status")) else {
            return Err(malformed(&path, "expected columns `client` and `status`"));
        };
        let records = r
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| malformed(&path, e.to_string()))?;
        let rank = (
            crate::batch::generation::of_rows(&head, records.first()),
            modified,
            order,
        );
        for rec in &records {
            if let (Some(client), Some(status)) = (rec.get(c), rec.get(s)) {
                let newer = map.get(client).is_none_or(|(seen, _)| rank > *seen);
                if newer {
                    map.insert(client.to_string(), (rank, status.to_string()));
                }
            }
        }
    }
    Ok(map.into_iter().map(|(c, (_, s))| (c, s)).collect())
}

fn money(path: &Path, line: u64, field: &str, text: &str) -> Result<Money, FirmError> {
    text.parse::<Money>().map_err(|_| {
        malformed(
            path,
            format!("line {line}: column {field}: expected a decimal amount, found {text:?}"),
        )
    })
}

/// A cell of a client's CSV as pointage computed it: without the `'` put
/// before text a spreadsheet would run (`crate::output::neutralize`). A
/// customer id written by an earlier release went through it too.
fn plain(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if crate::output::neutralize(rest).len() != rest.len() => rest.to_string(),
        _ => cell,
    }
}

/// Reads one client's `aged_balance.csv` from its bytes.
fn aged(path: &Path, bytes: &[u8], client: &str) -> Result<Vec<AgedLine>, FirmError> {
    let mut r = csv::Reader::from_reader(bytes);
    let head = r
        .headers()
        .map_err(|e| malformed(path, e.to_string()))?
        .clone();
    let want = crate::reports::client_csv::AGED_COLUMNS;
    let mut idx = [0usize; 9];
    for (slot, name) in idx.iter_mut().zip(want) {
        *slot = head
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| malformed(path, format!("line 1: missing column `{name}`")))?;
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| malformed(path, e.to_string()))?;
        let get = |k: usize| {
            idx.get(k)
                .and_then(|&c| rec.get(c))
                .unwrap_or_default()
                .to_string()
        };
        let mut buckets = [Money::ZERO; 5];
        for (k, b) in buckets.iter_mut().enumerate() {
            *b = money(
                path,
                line,
                want.get(k + 3).copied().unwrap_or(""),
                &get(k + 3),
            )?;
        }
        out.push(AgedLine {
            client: client.to_string(),
            customer_id: plain(get(0)),
            customer_name: plain(get(1)),
            currency: get(2),
            buckets,
            total: money(path, line, "total", &get(8))?,
        });
    }
    Ok(out)
}

/// Reads one client's `kpis.json` from its bytes into `k`.
fn kpis(path: &Path, bytes: &[u8], k: &mut ClientKpis) -> Result<(), FirmError> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| malformed(path, format!("line {}: {e}", e.line())))?;
    k.run_date = v["run_date"].as_str().unwrap_or_default().to_string();
    k.match_rate = v["match_rate"].as_str().map(str::to_string);
    k.unmatched_items = v["unmatched_items"].as_u64();
    k.returns = v["returns"].as_u64();
    k.dunning_actions = v["dunning_actions"].as_u64();
    if let Some(m) = v["currencies"].as_object() {
        for (cur, c) in m {
            let amount = |f: &str| -> Result<Money, FirmError> {
                let t = c[f].as_str().unwrap_or("0");
                t.parse::<Money>().map_err(|_| {
                    malformed(
                        path,
                        format!("currencies.{cur}.{f}: expected a decimal amount, found {t:?}"),
                    )
                })
            };
            k.currencies.push(CurrencyKpis {
                currency: cur.clone(),
                open: amount("open")?,
                overdue: amount("overdue")?,
                dso_days: c["dso_days"].as_str().map(str::to_string),
                dso: c["dso"].as_str().unwrap_or_default().to_string(),
            });
        }
    }
    Ok(())
}

/// The bytes of the files of one client's night the firm reads
/// (`kpis.json`, `aged_balance.csv`), when its folder holds a complete
/// night: each file as its `summary.json` lists it.
fn complete_night(dir: &Path) -> Result<Result<[Vec<u8>; 2], Missing>, FirmError> {
    let summary = dir.join(crate::nightly::outputs::SUMMARY);
    if !summary.is_file() {
        return Ok(Err(Missing::NoOutputs));
    }
    let bytes = fs::read(&summary).map_err(io(&summary))?;
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| malformed(&summary, format!("line {}: {e}", e.line())))?;
    let read = |name: &str| -> Result<Option<Vec<u8>>, FirmError> {
        let Some(listed) = v["outputs"][name].as_str() else {
            return Ok(None);
        };
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(b) if crate::nightly::outputs::sha256(&b) == listed => Ok(Some(b)),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path)(e)),
        }
    };
    let kpis = read(crate::reports::kpis::KPIS)?;
    let aged = read(AGED)?;
    Ok(match (kpis, aged) {
        (Some(k), Some(a)) => Ok([k, a]),
        _ => Err(Missing::Incomplete),
    })
}

/// A client's aged balance file.
const AGED: &str = "aged_balance.csv";

/// The newest `date` of the batch summaries (`batch-summary*.json`, the
/// twins of the CSV files); one unreadable says nothing (its CSV gives the
/// statuses, and the clients' own nights still count).
fn newest_batch_date(out: &Path) -> Result<Option<String>, FirmError> {
    let names = crate::batch::generation::summary_files(out).map_err(io(out))?;
    Ok(names
        .iter()
        .filter_map(|n| n.strip_suffix(".csv"))
        .filter_map(|stem| fs::read(out.join(format!("{stem}.json"))).ok())
        .filter_map(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter_map(|v| v["date"].as_str().map(str::to_string))
        .max())
}

/// Reads every client under `out`: folders holding a `summary.json`, plus
/// clients named in a batch summary.
pub fn read(out: &Path) -> Result<FirmData, FirmError> {
    let statuses = statuses(out)?;
    let mut ids: Vec<String> = fs::read_dir(out)
        .map_err(io(out))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.path().join("summary.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if ids.is_empty() {
        // Summaries alone (client folders not copied, another volume): no
        // figures to report, and a firm report of blank rows would look
        // like a firm owed nothing.
        return Err(FirmError::NoClients(out.to_path_buf()));
    }
    ids.extend(statuses.keys().cloned());
    ids.sort();
    ids.dedup();
    let mut read_in: Vec<(ClientKpis, Result<Vec<AgedLine>, Missing>)> = Vec::new();
    for id in ids {
        let dir = out.join(&id);
        let mut k = ClientKpis {
            client: id.clone(),
            status: statuses.get(&id).cloned().unwrap_or_default(),
            ..ClientKpis::default()
        };
        let lines = match complete_night(&dir)? {
            Ok([kpis_bytes, aged_bytes]) => {
                kpis(&dir.join(crate::reports::kpis::KPIS), &kpis_bytes, &mut k)?;
                k.has_report = dir.join("report.html").is_file();
                Ok(aged(&dir.join(AGED), &aged_bytes, &id)?)
            }
            Err(why) => Err(why),
        };
        read_in.push((k, lines));
    }
    let night = read_in
        .iter()
        .filter(|(_, l)| l.is_ok())
        .map(|(k, _)| k.run_date.clone())
        .chain(newest_batch_date(out)?)
        .max();
    let mut data = FirmData::default();
    for (mut k, lines) in read_in {
        match lines {
            Ok(lines) if Some(&k.run_date) == night.as_ref() => data.aged.extend(lines),
            // Another night's figures: the row keeps its status only.
            Ok(_) => {
                let other = std::mem::take(&mut k.run_date);
                k = ClientKpis {
                    client: k.client,
                    status: k.status,
                    has_report: k.has_report,
                    ..ClientKpis::default()
                };
                data.without_figures
                    .push((k.client.clone(), Missing::OtherNight(other)));
            }
            // A client failed before it ever wrote outputs is expected:
            // its row says `failed`.
            Err(Missing::NoOutputs) if k.status == "failed" => {}
            Err(why) => data.without_figures.push((k.client.clone(), why)),
        }
        data.clients.push(k);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_against_formulas_is_taken_off_the_text() {
        assert_eq!(plain("'-Dupont".into()), "-Dupont");
        assert_eq!(plain("'=HYPERLINK(1)".into()), "=HYPERLINK(1)");
        // A name that starts with a quote of its own keeps it.
        assert_eq!(plain("'quoted".into()), "'quoted");
        assert_eq!(plain("Dupont".into()), "Dupont");
        assert_eq!(plain("'".into()), "'");
    }
}
