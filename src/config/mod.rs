//! A client's settings: `client.toml`, every key optional with a documented
//! default (README, "client.toml"). An unknown key or a bad value is an error
//! naming the file, the line and the key.
//!
//! Owns: the settings types and their defaults, including the built-in
//! dunning plans. Does not: interpret them (matching, alerts and dunning do).

mod date;
mod decimal;
mod indemnity;
mod plan_check;
mod plans;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

pub use decimal::DecimalSetting;
pub use plans::{Channel, PlanStep, default_plans, notice_index, notice_position};

/// All of a client's settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ClientConfig {
    /// Matching thresholds and bounds.
    pub matching: MatchingConfig,
    /// Alert settings.
    pub alerts: AlertsConfig,
    /// Dunning plans, calendar, charges.
    pub dunning: DunningConfig,
    /// Report presentation.
    pub report: ReportConfig,
}

/// `[matching]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchingConfig {
    /// Confidence at or above which a single best candidate is applied
    /// automatically (default 0.90).
    pub auto_threshold: f64,
    /// Candidates listed for a person when not automatic (default 3).
    pub max_suggestions: usize,
    /// Largest shortfall written off as bank fees, absolute (default 15.00).
    pub fee_tolerance_amount: DecimalSetting,
    /// Largest shortfall written off as bank fees, percent of the open amount (default 0.5).
    pub fee_tolerance_percent: DecimalSetting,
    /// Open invoices per customer considered for sums, oldest due first (default 40).
    pub max_invoices_per_customer: usize,
    /// Combinations tried per payment in the subset search (default 20000).
    pub max_combinations: usize,
    /// Minimum name similarity (0–1) for the fuzzy-name rule (default 0.88).
    pub name_min_score: f64,
}

/// The largest `recovery_indemnity` (EUR) taken: the legal one is 40.00,
/// and 4000 is that typed without its separator.
const MAX_RECOVERY_INDEMNITY: u32 = 1000;

/// The most days `promise_grace_days` and `promise_max_days` may hold: a
/// year; 100000 is a typo.
const MAX_PROMISE_DAYS: u32 = 366;

/// The lowest `auto_threshold` accepted, in hundredths (see README, the
/// confidence table: 0.80 and below is ambiguous evidence).
const MIN_AUTO_HUNDREDTHS: f64 = 81.0;

impl Default for MatchingConfig {
    fn default() -> Self {
        MatchingConfig {
            auto_threshold: 0.90,
            max_suggestions: 3,
            fee_tolerance_amount: DecimalSetting(Decimal::new(1500, 2)),
            fee_tolerance_percent: DecimalSetting(Decimal::new(5, 1)),
            max_invoices_per_customer: 40,
            max_combinations: 20_000,
            name_min_score: 0.88,
        }
    }
}

/// `[alerts]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// Window, in months, in which a second direct-debit return is a
    /// `repeated_direct_debit_return` (default 12).
    pub repeat_return_months: u32,
    /// Business days with no statement, after an account's latest one and
    /// before the run date, that make it `stale_statements` (default 3;
    /// 0 turns the check off).
    pub stale_statement_days: u32,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            repeat_return_months: 12,
            stale_statement_days: 3,
        }
    }
}

/// A period when reminders are not sent (`{ from = "08-01", to = "08-31" }`,
/// month-day, inclusive, every year).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietPeriod {
    /// First day, `MM-DD`.
    pub from: String,
    /// Last day, `MM-DD`.
    pub to: String,
}

/// `[dunning]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DunningConfig {
    /// Plan for customers with no history or a good one (default `default`).
    pub default_plan: String,
    /// Plan for watched customers (default `watch`).
    pub watch_plan: String,
    /// Average lateness, in days, above which a customer is watched (default 15).
    pub watch_average_days_late: u32,
    /// Extra days off besides weekends and French public holidays.
    #[serde(deserialize_with = "date::dates")]
    pub days_off: Vec<NaiveDate>,
    /// Quiet periods (default: August).
    pub quiet_periods: Vec<QuietPeriod>,
    /// Days an invoice in a pending suggestion is not chased (default 5).
    pub suggestion_hold_days: u32,
    /// Business days of grace after a promised date (default 3).
    pub promise_grace_days: u32,
    /// Days after the night a `promises.csv` line is first read beyond which
    /// its date is taken for a typo: named, and held only until then
    /// (default 92).
    pub promise_max_days: u32,
    /// Fixed recovery indemnity per EUR invoice, B2B only (default 40.00:
    /// the French D441-5 indemnity is 40 EUR whatever the invoice's currency).
    pub recovery_indemnity: DecimalSetting,
    /// The indemnity of invoices in other currencies, by ISO code, in that
    /// currency (default none: a currency not listed is charged none).
    pub recovery_indemnity_by_currency: BTreeMap<String, DecimalSetting>,
    /// Annual late-interest rate in percent, B2B only (default 12.15: the ECB
    /// refinancing rate 2.15 plus 10 points; pointage fetches nothing).
    pub late_interest_rate: DecimalSetting,
    /// Accounts whose statement gap, balance mismatch, conflicting or
    /// stopped statements a person has cleared (until `decisions.csv`
    /// replaces this line); `*` is every account, and a client with none.
    pub cleared_gaps: Vec<String>,
    /// Plans by name; the built-in `default` and `watch` unless redefined.
    pub plans: BTreeMap<String, Vec<PlanStep>>,
}

impl Default for DunningConfig {
    fn default() -> Self {
        DunningConfig {
            default_plan: "default".into(),
            watch_plan: "watch".into(),
            watch_average_days_late: 15,
            days_off: Vec::new(),
            quiet_periods: vec![QuietPeriod {
                from: "08-01".into(),
                to: "08-31".into(),
            }],
            suggestion_hold_days: 5,
            promise_grace_days: 3,
            promise_max_days: 92,
            recovery_indemnity: DecimalSetting(Decimal::new(4000, 2)),
            recovery_indemnity_by_currency: BTreeMap::new(),
            late_interest_rate: DecimalSetting(Decimal::new(1215, 2)),
            cleared_gaps: Vec::new(),
            plans: BTreeMap::new(),
        }
    }
}

impl DunningConfig {
    /// The plans in force: built-in ones overridden by the file's.
    pub fn effective_plans(&self) -> BTreeMap<String, Vec<PlanStep>> {
        let mut all = default_plans();
        all.extend(self.plans.clone());
        all
    }
}

/// `[report]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// `fr` (default) or `en`.
    pub language: String,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            language: "fr".into(),
        }
    }
}

/// A `client.toml` that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}{message}", file.display(), at_line(*line))]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// What is wrong, naming the key.
    pub message: String,
}

/// `line N: ` for a known line, nothing for a file that has none (a folder
/// in its place, a link that cannot be followed).
fn at_line(line: u64) -> String {
    if line == 0 {
        String::new()
    } else {
        format!("line {line}: ")
    }
}

impl ClientConfig {
    /// Parses `client.toml` text; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<ClientConfig, ConfigError> {
        let mut cfg: ClientConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            ConfigError {
                file: file.to_path_buf(),
                line,
                message: e.message().trim().to_string(),
            }
        })?;
        cfg.validate(text, file)?;
        // Accounts as statements key them: an IBAN written in groups of four
        // or in lower case names the same account.
        for c in &mut cfg.dunning.cleared_gaps {
            *c = account_key(c);
        }
        Ok(cfg)
    }

    /// Loads `client.toml` from a client folder; absent file = all defaults.
    pub fn load(client_dir: &Path) -> Result<ClientConfig, ConfigError> {
        let file = client_dir.join("client.toml");
        match std::fs::read(&file) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    let valid = e.utf8_error().valid_up_to();
                    let before = e.as_bytes().get(..valid).unwrap_or_default();
                    ConfigError {
                        file: file.clone(),
                        line: before.iter().filter(|&&b| b == b'\n').count() as u64 + 1,
                        message: format!("not UTF-8: {}", e.utf8_error()),
                    }
                })?;
                ClientConfig::parse(&text, &file)
            }
            // Only a name not there at all is "no client.toml": a link
            // that cannot be followed is an error, never the defaults.
            Err(e) => match crate::presence::absent_or(&file, e) {
                Ok(()) => Ok(ClientConfig::default()),
                Err(e) => Err(ConfigError {
                    file,
                    line: 0,
                    message: e.to_string(),
                }),
            },
        }
    }

    fn validate(&self, text: &str, file: &Path) -> Result<(), ConfigError> {
        let fail = |key: &str, message: String| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map(|i| i as u64 + 1)
                .unwrap_or(0);
            Err(ConfigError {
                file: file.to_path_buf(),
                line,
                message: format!("{key}: {message}"),
            })
        };
        let m = &self.matching;
        if !(0.0..=1.0).contains(&m.auto_threshold) {
            return fail("auto_threshold", "must be between 0 and 1".into());
        }
        // The matcher works in hundredths; 0.80 and below is evidence that
        // fits several invoices or sets, or a payer paying when the text
        // quotes another invoice: a person decides those, whatever the
        // client sets.
        if (m.auto_threshold * 100.0).round() < MIN_AUTO_HUNDREDTHS {
            return fail(
                "auto_threshold",
                "must be at least 0.81: at 0.80 and below, payments whose evidence fits several invoices would be applied without a person".into(),
            );
        }
        if !(0.0..=1.0).contains(&m.name_min_score) {
            return fail("name_min_score", "must be between 0 and 1".into());
        }
        if m.max_suggestions == 0 {
            return fail("max_suggestions", "must be at least 1".into());
        }
        // Values no one can mean (review 38 erp F9): refused, never applied
        // to a night's letters or write-offs.
        let pct = m.fee_tolerance_percent.0;
        if pct.is_sign_negative() || pct > Decimal::ONE_HUNDRED {
            return fail(
                "fee_tolerance_percent",
                "must be a percentage of the open amount between 0 and 100".into(),
            );
        }
        let d = &self.dunning;
        if d.recovery_indemnity.0.is_sign_negative() {
            return fail("recovery_indemnity", "must not be negative".into());
        }
        if d.recovery_indemnity.0 > Decimal::from(MAX_RECOVERY_INDEMNITY) {
            return fail(
                "recovery_indemnity",
                format!(
                    "must be at most {MAX_RECOVERY_INDEMNITY}: the legal indemnity is \"40.00\" (4000 is 40.00 typed without its separator?)"
                ),
            );
        }
        for (key, days) in [
            ("promise_grace_days", d.promise_grace_days),
            ("promise_max_days", d.promise_max_days),
        ] {
            if days > MAX_PROMISE_DAYS {
                return fail(key, format!("must be at most {MAX_PROMISE_DAYS} days"));
            }
        }
        if let Err(message) = indemnity::check(&d.recovery_indemnity_by_currency) {
            return fail("recovery_indemnity_by_currency", message);
        }
        if d.promise_max_days == 0 {
            return fail("promise_max_days", "must be at least 1".into());
        }
        let rate = d.late_interest_rate.0;
        if rate.is_sign_negative() || rate > Decimal::ONE_HUNDRED {
            return fail(
                "late_interest_rate",
                "must be a percentage between 0 and 100".into(),
            );
        }
        // Above 0 and below 1 % is a rate written as a fraction (0.1215 for
        // 12.15 %): French late interest is never that low.
        if !rate.is_zero() && rate < Decimal::ONE {
            return fail(
                "late_interest_rate",
                "must be 0 or a percentage of at least 1 (\"12.15\" for 12.15 %; 0.1215 is a fraction?)".into(),
            );
        }
        for q in &d.quiet_periods {
            for md in [&q.from, &q.to] {
                if month_day(md).is_none() {
                    return fail("quiet_periods", format!("{md:?} is not a MM-DD day"));
                }
            }
        }
        let plans = d.effective_plans();
        for (key, name) in [
            ("default_plan", &d.default_plan),
            ("watch_plan", &d.watch_plan),
        ] {
            if !plans.contains_key(name) {
                return fail(key, format!("no plan named {name:?}"));
            }
        }
        for (name, steps) in &plans {
            if steps.is_empty() {
                return fail(name, "a plan needs at least one step".into());
            }
        }
        if let Err(f) = plan_check::check(text) {
            return Err(ConfigError {
                file: file.to_path_buf(),
                line: line_of(text, f.at),
                message: f.message,
            });
        }
        for c in &d.cleared_gaps {
            let key = account_key(c);
            if key.is_empty() {
                return fail(
                    "cleared_gaps",
                    "an empty account clears nothing: name the account's IBAN, or \"*\" for every account".into(),
                );
            }
            // A part of a number (a bank code, a country prefix) would
            // name no account, or several: only a whole IBAN names one.
            if crate::refs::whole_account(&key).is_none() {
                return fail(
                    "cleared_gaps",
                    format!(
                        "{c:?} is not a whole, valid IBAN: name the account's whole IBAN, or \"*\" for every account"
                    ),
                );
            }
        }
        if !matches!(self.report.language.as_str(), "fr" | "en") {
            return fail("language", "must be \"fr\" or \"en\"".into());
        }
        Ok(())
    }
}

pub use crate::refs::account_key;

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> u64 {
    text.get(..at.min(text.len()))
        .map_or(0, |t| t.matches('\n').count() as u64 + 1)
}

/// Parses `MM-DD` into (month, day).
pub fn month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    // 2024 is a leap year, so 02-29 is accepted.
    NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<ClientConfig, ConfigError> {
        ClientConfig::parse(s, Path::new("acme/client.toml"))
    }

    #[test]
    fn empty_file_gives_the_documented_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c, ClientConfig::default());
        assert_eq!(c.matching.auto_threshold, 0.90);
        assert_eq!(c.dunning.recovery_indemnity.0.to_string(), "40.00");
        assert!(c.dunning.effective_plans().contains_key("watch"));
    }

    #[test]
    fn values_are_read() {
        let c = parse(
            "[matching]\nauto_threshold = 0.95\nfee_tolerance_amount = \"10.50\"\n\n[dunning]\nlate_interest_rate = 12.5\ndays_off = [2026-12-24]\n",
        )
        .unwrap();
        assert_eq!(c.matching.auto_threshold, 0.95);
        assert_eq!(c.matching.fee_tolerance_amount.0.to_string(), "10.50");
        assert_eq!(c.dunning.late_interest_rate.0.to_string(), "12.5");
        assert_eq!(
            c.dunning.days_off,
            vec![NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()]
        );
    }

    #[test]
    fn values_no_one_can_mean_are_refused() {
        for (toml, key) in [
            (
                "[dunning]\nrecovery_indemnity = \"4000\"\n",
                "recovery_indemnity",
            ),
            (
                "[dunning]\nlate_interest_rate = \"0.1215\"\n",
                "late_interest_rate",
            ),
            (
                "[matching]\nfee_tolerance_percent = \"150\"\n",
                "fee_tolerance_percent",
            ),
            (
                "[matching]\nfee_tolerance_percent = \"-1\"\n",
                "fee_tolerance_percent",
            ),
            (
                "[dunning]\npromise_grace_days = 100000\n",
                "promise_grace_days",
            ),
            ("[dunning]\npromise_max_days = 5000\n", "promise_max_days"),
        ] {
            let e = parse(toml).unwrap_err();
            assert!(e.message.starts_with(key) && e.line == 2, "{toml}: {e}");
        }
        // The legitimate neighbours.
        for toml in [
            "[dunning]\nrecovery_indemnity = \"40.00\"\nlate_interest_rate = \"0\"\n",
            "[dunning]\nrecovery_indemnity = \"1000\"\nlate_interest_rate = \"1\"\n",
            "[dunning]\nlate_interest_rate = \"12.15\"\npromise_grace_days = 366\npromise_max_days = 366\n",
            "[matching]\nfee_tolerance_percent = \"100\"\n",
            "[matching]\nfee_tolerance_percent = \"0\"\n",
        ] {
            assert!(parse(toml).is_ok(), "{toml}");
        }
    }

    #[test]
    fn promise_max_days_defaults_to_92_and_is_at_least_1() {
        assert_eq!(parse("").unwrap().dunning.promise_max_days, 92);
        let e = parse("[dunning]\npromise_max_days = 0\n").unwrap_err();
        assert!(e.message.contains("promise_max_days") && e.line == 2, "{e}");
    }

    #[test]
    fn errors_name_a_line_only_when_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: no line to name.
        std::fs::create_dir(dir.path().join("client.toml")).unwrap();
        let e = ClientConfig::load(dir.path()).unwrap_err().to_string();
        assert!(!e.contains("line"), "{e}");
        assert!(e.contains("client.toml: "), "{e}");
        std::fs::remove_dir(dir.path().join("client.toml")).unwrap();
        // Bytes that are not UTF-8 on the third line: that line.
        std::fs::write(
            dir.path().join("client.toml"),
            b"[dunning]\n\nlanguage = \"fran\xe7ais\"\n",
        )
        .unwrap();
        let e = ClientConfig::load(dir.path()).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(
            e.to_string().contains("client.toml: line 3: not UTF-8"),
            "{e}"
        );
    }

    #[test]
    fn a_cleared_account_is_read_as_statements_key_it() {
        let c = parse("[dunning]\ncleared_gaps = [\"fr76 3000 1007 9412 3456 7890 185\", \"*\"]\n")
            .unwrap();
        assert_eq!(c.dunning.cleared_gaps, ["FR7630001007941234567890185", "*"]);
    }

    #[test]
    fn an_empty_or_partial_cleared_account_is_refused_never_clears_all() {
        // A bank code, a part without the country, a number with wrong
        // check digits: none names one whole account.
        for value in [
            "\"\"",
            "\"  \"",
            "\"FR76\"",
            "\"FR76 3000 1007\"",
            "\"30001007\"",
            "\"3000 1007 9412 3456 7890 185\"",
            "\"FR7630001007941234567890186\"",
        ] {
            let e = parse(&format!("[dunning]\ncleared_gaps = [{value}]\n")).unwrap_err();
            assert_eq!(e.line, 2, "{value}");
            assert!(e.to_string().contains("cleared_gaps"), "{e}");
        }
    }

    #[test]
    fn an_unknown_key_names_file_line_and_key() {
        let e = parse("[matching]\nauto_threshold = 0.9\nautothreshold = 0.8\n").unwrap_err();
        assert_eq!(e.line, 3);
        let text = e.to_string();
        assert!(text.starts_with("acme/client.toml: line 3:"), "{text}");
        assert!(text.contains("autothreshold"), "{text}");
    }

    #[test]
    fn a_bad_value_names_the_key() {
        let e = parse("[matching]\n\nauto_threshold = 1.5\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("auto_threshold"), "{}", e.message);
        let e = parse("[dunning]\nrecovery_indemnity = \"quarante\"\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn a_missing_default_or_watch_plan_names_its_own_key_and_line() {
        let e = parse("[dunning]\ndefault_plan = \"nope\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert_eq!(e.message, "default_plan: no plan named \"nope\"");
        let e =
            parse("[dunning]\nwatch_average_days_late = 20\nwatch_plan = \"nope\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert_eq!(e.message, "watch_plan: no plan named \"nope\"");
    }

    #[test]
    fn a_threshold_that_would_apply_ambiguous_evidence_is_refused() {
        // 0.80 and below: several subsets, several invoices, a quoted
        // invoice that is not open would be applied without a person.
        for low in ["0.0", "0.5", "0.8", "0.804"] {
            let e = parse(&format!("[matching]\nauto_threshold = {low}\n")).unwrap_err();
            assert_eq!(e.line, 2, "{low}");
            assert!(e.message.contains("at least 0.81"), "{}", e.message);
        }
        for ok in ["0.805", "0.81", "0.85", "1.0"] {
            let c = parse(&format!("[matching]\nauto_threshold = {ok}\n")).unwrap();
            assert!(c.matching.auto_threshold >= 0.805, "{ok}");
        }
    }
}
