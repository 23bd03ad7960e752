//! The firm tables as polars DataFrames, written as parquet and CSV. The
//! only file of the crate that uses polars (ARCHITECTURE.md, invariants).
//!
//! Amounts are stored as **strings** holding the exact decimal
//! (`"1234.50"`), never as floats: currencies have different numbers of
//! decimals (JPY 0, EUR 2, BHD 3), a string keeps each amount exactly as
//! pointage computed it, needs no polars decimal feature, and every BI tool
//! casts it to its own decimal type in one step (`CAST(total AS DECIMAL(18,3))`).
//! Counts are 64-bit integers (null when a client has no figure).

use std::io::Cursor;

use polars::prelude::{Column, DataFrame, ParquetWriter, SerWriter};

use super::read::{AgedLine, ClientKpis};

/// Columns of `firm_aged_balance.parquet` / `.csv`.
pub const AGED_COLUMNS: [&str; 10] = [
    "client",
    "customer_id",
    "customer_name",
    "currency",
    "not_due",
    "1_30",
    "31_60",
    "61_90",
    "over_90",
    "total",
];

/// Columns of `firm_kpis.csv` (one row per client and currency; a client
/// without any currency has one row with an empty currency).
pub const KPIS_COLUMNS: [&str; 12] = [
    "client",
    "status",
    "run_date",
    "currency",
    "open",
    "overdue",
    "dso_days",
    "dso",
    "match_rate",
    "unmatched_items",
    "returns",
    "dunning_actions",
];

fn text_col(name: &str, values: Vec<String>) -> Column {
    Column::new(name.into(), values)
}

fn err(e: polars::prelude::PolarsError) -> String {
    e.to_string()
}

/// The aged balance DataFrame, names as pointage computed them (parquet).
pub fn aged_frame(lines: &[AgedLine]) -> Result<DataFrame, String> {
    aged_frame_with(lines, false)
}

/// The aged balance DataFrame; `for_spreadsheet`: names a spreadsheet would
/// run prefixed with `'` (the CSV file). Ids are never prefixed: they are
/// written as the ERP gives them in every file, so they join.
fn aged_frame_with(lines: &[AgedLine], for_spreadsheet: bool) -> Result<DataFrame, String> {
    let pick = |f: &dyn Fn(&AgedLine) -> String| lines.iter().map(f).collect::<Vec<String>>();
    let mut cols = vec![
        text_col("client", pick(&|l| l.client.clone())),
        text_col("customer_id", pick(&|l| l.customer_id.clone())),
        text_col(
            "customer_name",
            pick(&|l| {
                if for_spreadsheet {
                    crate::output::neutralize(&l.customer_name).into_owned()
                } else {
                    l.customer_name.clone()
                }
            }),
        ),
        text_col("currency", pick(&|l| l.currency.clone())),
    ];
    for (k, name) in AGED_COLUMNS.iter().skip(4).take(5).enumerate() {
        cols.push(text_col(
            name,
            pick(&|l| l.buckets.get(k).map(|m| m.to_plain()).unwrap_or_default()),
        ));
    }
    cols.push(text_col("total", pick(&|l| l.total.to_plain())));
    DataFrame::new(lines.len(), cols).map_err(err)
}

/// The KPI DataFrame.
pub fn kpis_frame(clients: &[ClientKpis]) -> Result<DataFrame, String> {
    let mut rows: Vec<(&ClientKpis, Option<&super::read::CurrencyKpis>)> = Vec::new();
    for c in clients {
        if c.currencies.is_empty() {
            rows.push((c, None));
        }
        rows.extend(c.currencies.iter().map(|k| (c, Some(k))));
    }
    let s = |f: &dyn Fn(&ClientKpis, Option<&super::read::CurrencyKpis>) -> String| {
        rows.iter().map(|(c, k)| f(c, *k)).collect::<Vec<String>>()
    };
    let n = |f: &dyn Fn(&ClientKpis) -> Option<u64>| {
        rows.iter()
            .map(|(c, _)| f(c).and_then(|x| i64::try_from(x).ok()))
            .collect::<Vec<Option<i64>>>()
    };
    let cols = vec![
        text_col("client", s(&|c, _| c.client.clone())),
        text_col("status", s(&|c, _| c.status.clone())),
        text_col("run_date", s(&|c, _| c.run_date.clone())),
        text_col(
            "currency",
            s(&|_, k| k.map(|k| k.currency.clone()).unwrap_or_default()),
        ),
        text_col(
            "open",
            s(&|_, k| k.map(|k| k.open.to_plain()).unwrap_or_default()),
        ),
        text_col(
            "overdue",
            s(&|_, k| k.map(|k| k.overdue.to_plain()).unwrap_or_default()),
        ),
        text_col(
            "dso_days",
            s(&|_, k| k.and_then(|k| k.dso_days.clone()).unwrap_or_default()),
        ),
        text_col(
            "dso",
            s(&|_, k| k.map(|k| k.dso.clone()).unwrap_or_default()),
        ),
        text_col(
            "match_rate",
            s(&|c, _| c.match_rate.clone().unwrap_or_default()),
        ),
        Column::new("unmatched_items".into(), n(&|c| c.unmatched_items)),
        Column::new("returns".into(), n(&|c| c.returns)),
        Column::new("dunning_actions".into(), n(&|c| c.dunning_actions)),
    ];
    DataFrame::new(rows.len(), cols).map_err(err)
}

/// Parquet bytes of the aged balance.
pub fn aged_parquet(lines: &[AgedLine]) -> Result<Vec<u8>, String> {
    let mut df = aged_frame(lines)?;
    let mut buf = Cursor::new(Vec::new());
    ParquetWriter::new(&mut buf).finish(&mut df).map_err(err)?;
    Ok(buf.into_inner())
}

fn csv_of(mut df: DataFrame) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    polars::prelude::CsvWriter::new(&mut buf)
        .finish(&mut df)
        .map_err(err)?;
    Ok(buf)
}

/// CSV bytes of the aged balance.
pub fn aged_csv(lines: &[AgedLine]) -> Result<Vec<u8>, String> {
    csv_of(aged_frame_with(lines, true)?)
}

/// CSV bytes of the KPIs.
pub fn kpis_csv(clients: &[ClientKpis]) -> Result<Vec<u8>, String> {
    csv_of(kpis_frame(clients)?)
}
