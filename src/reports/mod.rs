//! Reports for treasury teams and the firm: figures as people read them
//! (`format`), the aged balance (`aged`), DSO (`dso`); one client's report as
//! data (`model`) rendered as `report.html` (`client_html`, with `html`,
//! `labels`, `chart`), `aged_balance.csv` / `unmatched.csv` (`client_csv`)
//! and `kpis.json` (`kpis`); and the firm-wide files of `pointage firm`
//! (`firm`, the only module that uses polars).

pub mod aged;
pub mod chart;
pub mod client_csv;
pub mod client_html;
pub mod dso;
pub mod firm;
pub mod format;
pub mod html;
pub mod kpis;
pub mod labels;
pub mod model;
