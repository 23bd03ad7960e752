//! Scoring a matcher's result against the labelled truth of
//! [`super::generate`]: payment-level precision and recall of `matched`, and
//! recall of `matched` + `suggested`, per difficulty class and overall, and
//! the Markdown table `examples/quality` prints.

use std::collections::BTreeMap;

use super::{Class, QualitySet};
use crate::money::Money;

/// Payment-level counts of one class (see [`score`] for the definitions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    /// Payments of the class.
    pub payments: usize,
    /// Payments whose truth is not empty (they pay something).
    pub paying: usize,
    /// Payments with at least one `matched` row.
    pub matched: usize,
    /// Matched payments whose matched rows are exactly the truth.
    pub matched_right: usize,
    /// Paying payments that are matched right or whose `suggested` rows
    /// include every invoice of the truth.
    pub found: usize,
}

impl Score {
    /// Precision of `matched`: right / matched (1 when nothing matched).
    pub fn precision(&self) -> f64 {
        if self.matched == 0 {
            1.0
        } else {
            self.matched_right as f64 / self.matched as f64
        }
    }

    /// Recall of `matched`: right / paying (`None` when nothing pays).
    pub fn recall(&self) -> Option<f64> {
        (self.paying > 0).then(|| self.matched_right as f64 / self.paying as f64)
    }

    /// Recall of `matched` + `suggested`: found / paying.
    pub fn recall_suggested(&self) -> Option<f64> {
        (self.paying > 0).then(|| self.found as f64 / self.paying as f64)
    }

    fn add(&mut self, o: &Score) {
        self.payments += o.payments;
        self.paying += o.paying;
        self.matched += o.matched;
        self.matched_right += o.matched_right;
        self.found += o.found;
    }
}

/// Scores a matcher result against the truth, per class and overall
/// (`None` key). Payment-level: a payment is *matched* when it has at least
/// one `matched` row; it is *matched right* when the set of its matched
/// (invoice id, applied amount) pairs equals its truth exactly — a payment
/// that should stay unapplied is never right when matched, and one that
/// gets only part of its invoices right is wrong.
pub fn score(
    set: &QualitySet,
    items: &[crate::matching::OpenItem],
    apps: &[crate::matching::Application],
) -> BTreeMap<Option<Class>, Score> {
    use crate::matching::Status;
    let n = set.payments.len();
    let mut matched: Vec<Vec<(String, Money)>> = vec![Vec::new(); n];
    let mut suggested: Vec<Vec<String>> = vec![Vec::new(); n];
    for a in apps {
        let Some(id) = a
            .item
            .and_then(|i| items.get(i))
            .map(|it| it.invoice_id.clone())
        else {
            continue;
        };
        match a.status {
            Status::Matched => {
                if let Some(v) = matched.get_mut(a.payment) {
                    v.push((id, a.applied_amount));
                }
            }
            Status::Suggested => {
                if let Some(v) = suggested.get_mut(a.payment) {
                    v.push(id);
                }
            }
            Status::Unapplied => {}
        }
    }
    let mut out: BTreeMap<Option<Class>, Score> = BTreeMap::new();
    for (i, t) in set.truth.iter().enumerate() {
        let mut s = Score {
            payments: 1,
            paying: usize::from(!t.pays.is_empty()),
            ..Score::default()
        };
        let mut got = matched.get(i).cloned().unwrap_or_default();
        let mut want = t.pays.clone();
        got.sort();
        want.sort();
        if !got.is_empty() {
            s.matched = 1;
            s.matched_right = usize::from(got == want);
        }
        if !want.is_empty() {
            let sug = suggested.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let all_suggested = want.iter().all(|(id, _)| sug.contains(id));
            s.found = usize::from(s.matched_right == 1 || (got.is_empty() && all_suggested));
        }
        out.entry(Some(t.class)).or_default().add(&s);
        out.entry(None).or_default().add(&s);
    }
    out
}

/// The report table (Markdown), one row per class then overall.
pub fn report(scores: &BTreeMap<Option<Class>, Score>) -> String {
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{:.2} %", v * 100.0));
    let mut s = String::from(
        "| class | payments | paying | matched | precision (matched) | recall (matched) | recall (matched + suggested) |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut rows: Vec<(String, &Score)> = Class::ALL
        .iter()
        .filter_map(|c| Some((c.as_str().to_string(), scores.get(&Some(*c))?)))
        .collect();
    if let Some(all) = scores.get(&None) {
        rows.push(("**overall**".into(), all));
    }
    for (name, sc) in rows {
        s.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} |\n",
            sc.payments,
            sc.paying,
            sc.matched,
            pct(Some(sc.precision())),
            pct(sc.recall()),
            pct(sc.recall_suggested())
        ));
    }
    s
}
