//! The invoice-number rule: invoice numbers read in a payment's texts
//! (remittance lines, labels, complements, the body of an RF reference),
//! longest run of groups first, by strict, loose and tail keys (see
//! [`crate::matching::tokens`]), and numbers a bank cut in two when it wrapped
//! its text at a fixed width, glued back ([`crate::matching::payment::seams`]).

use super::{C_LOOSE, C_STRICT, C_WEAK, Ctx, Hit, MatchConfig, Proposal};
use crate::matching::index::InvoiceIndex;
use crate::matching::rule::{Confidence, Rule};
use crate::matching::tokens::{self, Group};
use crate::money::Money;

/// Most groups of text scanned per payment (bounds work on absurd input).
const MAX_TEXT_GROUPS: usize = 512;

/// The most a number found only by gluing back a cut in the bank's text
/// keeps when the payment is not exactly its open amount: a suggestion.
const C_GLUED: Confidence = Confidence::from_hundredths(75);

/// The invoice-number search's running state over a payment's texts.
struct Scan {
    hits: Vec<Hit>,
    /// Groups still to scan (see [`MAX_TEXT_GROUPS`]).
    budget: usize,
    buf: String,
    groups: Vec<Group>,
    /// The hits that need the amount or the payer to confirm them, and why.
    doubts: Vec<(usize, Doubt)>,
}

/// Why a number read in text may name an invoice by chance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doubt {
    /// One group of digits, no invoice word before it (`75008` of an
    /// address, a client number, an amount in cents).
    Bare,
    /// A whole date, no invoice word before it (`LOYER 2026-12`).
    Date,
    /// Numbers apart, no invoice word before them (`COTISATION 2026 3`).
    Spaced,
    /// Ending a line of a bank's full width (31, 35, 70 or 140
    /// characters): the bank may have cut it (`…F-2026-004`).
    CutEnd,
}

impl Doubt {
    fn why(self) -> &'static str {
        match self {
            Doubt::Bare => "a bare number",
            Doubt::Date => "it reads as a date",
            Doubt::Spaced => "numbers apart with no invoice word",
            Doubt::CutEnd => "it ends a full-width line the bank may have cut",
        }
    }
}

/// The widths at which banks cut their text: the CFONB 120 label, a SWIFT
/// line, a CFONB complement, an ISO 20022 `Ustrd`.
const FULL_WIDTHS: &[usize] = &[31, 35, 70, 140];

impl Ctx<'_> {
    pub(super) fn invoice_numbers(
        &mut self,
        ix: &InvoiceIndex,
        cfg: &MatchConfig,
    ) -> Option<Proposal> {
        let k = ix.max_groups();
        if k == 0 {
            return None;
        }
        let mut scan = Scan {
            hits: Vec::new(),
            budget: MAX_TEXT_GROUPS,
            buf: String::new(),
            groups: Vec::new(),
            doubts: Vec::new(),
        };
        // A valid RF that equals no reference may still carry the invoice
        // number in its body (`RF78INV2024001`): search it as text too.
        let rf_bodies: Vec<String> = self
            .p
            .creditor_refs
            .iter()
            .filter(|r| crate::refs::is_valid_rf(r))
            .filter_map(|r| tokens::normalize_ref(r).get(4..).map(str::to_string))
            .collect();
        for text in self.p.texts.iter().chain(&rf_bodies) {
            self.scan_text(ix, text, &mut scan);
        }
        let found = scan.hits.len();
        for text in &self.p.seams {
            self.scan_text(ix, text, &mut scan);
        }
        let amount = Some(self.p.amount);
        let open = |items: &[u32]| {
            Money::checked_sum(
                items
                    .iter()
                    .filter_map(|&i| self.item(i))
                    .map(|it| it.open_amount),
            )
        };
        let together = |hits: &[Hit]| {
            let all: Vec<u32> = hits.iter().flat_map(|h| h.items.iter().copied()).collect();
            !all.is_empty() && open(&all) == amount
        };
        // Numbers the lines quote whole that together are exactly the
        // amount: a glued number beside them is the bank's cut between two
        // words, not a number (`FACTURE F-12` / `50 EUR`).
        if scan.hits.len() > found && found > 0 && together(&scan.hits[..found]) {
            scan.hits.truncate(found);
        }
        let all_exact = together(&scan.hits);
        // A number found only across a cut is trusted with the exact amount:
        // its own, or with the other numbers quoted, theirs together.
        // Otherwise, beside numbers the lines quote whole, nobody can tell
        // which was meant (`F-1` / `001`: F-1, or F-1001 cut in two?).
        let beside_whole = found > 0 && scan.hits.len() > found;
        for (n, hit) in scan.hits.iter_mut().enumerate() {
            let glued = n >= found;
            if glued {
                hit.label = format!("{} (glued back where the bank cut its text)", hit.label);
            }
            let doubtful = beside_whole || (glued && open(&hit.items) != amount);
            if doubtful && !all_exact {
                hit.confidence = hit.confidence.min(C_GLUED);
            }
        }
        // A number that may be something else names an invoice only when
        // the payment pays that invoice (or, with the others quoted, all of
        // them exactly) or comes from its customer.
        // Who the payer is known as: looked up once, and only when needed.
        let mut payers: Option<Vec<&str>> = None;
        for &(n, doubt) in &scan.doubts {
            let Some(hit) = scan.hits.get(n) else {
                continue;
            };
            let confirmed = all_exact
                || hit.items.iter().filter_map(|&i| self.item(i)).all(|it| {
                    self.pays(it, cfg)
                        || payers
                            .get_or_insert_with(|| self.payer_ids(ix, cfg))
                            .contains(&it.customer_id.as_str())
                });
            if !confirmed && let Some(hit) = scan.hits.get_mut(n) {
                let cap = if doubt == Doubt::CutEnd {
                    C_GLUED
                } else {
                    C_WEAK
                };
                hit.confidence = hit.confidence.min(cap);
                hit.label = format!(
                    "{} ({}: neither the amount nor the payer confirms it)",
                    hit.label,
                    doubt.why()
                );
            }
        }
        Self::proposal(Rule::InvoiceNumber, scan.hits)
    }

    /// Searches one text for invoice numbers, longest run of groups first,
    /// adding each new hit to `scan`.
    fn scan_text(&mut self, ix: &InvoiceIndex, text: &str, scan: &mut Scan) {
        if scan.budget == 0 {
            return;
        }
        let k = ix.max_groups();
        let mut gs = std::mem::take(&mut scan.groups);
        tokens::content_groups_into(text, &mut gs);
        gs.truncate(scan.budget);
        scan.budget -= gs.len();
        let dates = tokens::date_runs(text, &gs);
        let mut i = 0;
        while i < gs.len() {
            let max = k.min(gs.len() - i);
            let mut advanced = false;
            for len in (1..=max).rev() {
                let Some(run) = gs.get(i..i + len) else {
                    continue;
                };
                // Never a piece of a date (`2026-11` of `2026-11-18`, or of
                // `2026-11-17-000123`); a run going on past it is no date.
                let date = dates.iter().find(|d| d.start <= i && i + len <= d.end);
                if date.is_some_and(|d| *d != (i..i + len)) {
                    continue;
                }
                if let Some(hit) = self.lookup(ix, text, run, &mut scan.buf) {
                    if !scan.hits.iter().any(|h| h.items == hit.items) {
                        if let Some(doubt) = doubt_of(text, run, date.is_some()) {
                            scan.doubts.push((scan.hits.len(), doubt));
                        }
                        scan.hits.push(hit);
                    }
                    i += len;
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                i += 1;
            }
        }
        scan.groups = gs;
    }

    /// Looks one run of groups up: strict key, then loose, then (announced
    /// single numbers only) the tail key.
    fn lookup(
        &mut self,
        ix: &InvoiceIndex,
        text: &str,
        run: &[Group],
        buf: &mut String,
    ) -> Option<Hit> {
        let first = run.first()?;
        let last = run.last()?;
        if !ix.has_letter_only_ids() && !run.iter().any(|g| g.digits) {
            // Words alone cannot spell an id that has digits.
            return None;
        }
        let announced = first.announced;
        let from = if announced {
            first.announced_from
        } else {
            first.start
        };
        let fragment = text.get(from..last.end).unwrap_or("");
        // A short bare number is only a candidate when announced; unless the
        // text spells the id literally (`F-0042`), it is weak evidence.
        let mut fragment_alnum: Option<String> = None;
        let mut judge = |ctx: &Self, i: u32, base: Confidence| -> Option<Confidence> {
            if !ix.is_short_bare(i) {
                return Some(base);
            }
            if !announced {
                return None;
            }
            let frag = fragment_alnum.get_or_insert_with(|| tokens::alnum_upper(fragment));
            let literal = ctx.item(i).is_some_and(|it| {
                let id = tokens::alnum_upper(&it.invoice_id);
                !id.is_empty() && frag.ends_with(&id)
            });
            Some(if literal { base } else { C_WEAK })
        };
        for tier in 0..3 {
            let (found, base) = match tier {
                0 => {
                    tokens::write_strict(text, run, buf);
                    (ix.strict(buf), C_STRICT)
                }
                1 => {
                    tokens::write_loose(text, run, buf);
                    (ix.loose(buf), C_LOOSE)
                }
                _ if announced && run.len() == 1 && first.digits => {
                    (ix.tail(first.loose(text)), C_WEAK)
                }
                _ => break,
            };
            if found.is_empty() {
                continue;
            }
            let mut items = Vec::with_capacity(found.len());
            let mut conf = base;
            for &i in found {
                if let Some(c) = judge(self, i, base) {
                    items.push(i);
                    conf = conf.min(c);
                }
            }
            let mut items = self.keep_currency(&items, base > C_WEAK);
            if items.is_empty() {
                continue;
            }
            self.cap(&mut items);
            return Some(Hit {
                label: format!("text token \"{fragment}\""),
                items,
                confidence: conf,
            });
        }
        None
    }
}

/// Why `run` (of `text`) may name an invoice by chance, if it may.
fn doubt_of(text: &str, run: &[Group], whole_date: bool) -> Option<Doubt> {
    let (first, last) = (run.first()?, run.last()?);
    if !first.announced {
        if whole_date {
            return Some(Doubt::Date);
        }
        if let [g] = run
            && g.digits
        {
            return Some(Doubt::Bare);
        }
        let spaced = run.windows(2).any(|w| {
            text.get(w[0].end..w[1].start)
                .is_some_and(|between| between.chars().any(char::is_whitespace))
        });
        if spaced && run.iter().all(|g| g.digits) {
            return Some(Doubt::Spaced);
        }
    }
    (last.digits && last.end == text.len() && FULL_WIDTHS.contains(&text.chars().count()))
        .then_some(Doubt::CutEnd)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::matching::OpenItem;
    use crate::matching::index::InvoiceIndex;
    use crate::matching::payment::seams;
    use crate::matching::rules::candidates;
    use crate::matching::testkit::{item, payment};

    /// The invoice hits (ids, confidence) for a payment of `amount` whose
    /// bank text came in `lines`, against invoices of 1,000.00 and 500.00.
    fn hits(lines: &[&str], amount: &str) -> Vec<(Vec<String>, u8)> {
        let items: Vec<OpenItem> = [("F-1001", "1000.00"), ("F-77", "500.00"), ("F-1", "100.00")]
            .iter()
            .map(|(id, open)| item(id, open))
            .collect();
        found_in(&items, lines, amount)
    }

    /// The hits (ids, confidence) for a payment of `amount` whose bank text
    /// came in `lines`, against `items`.
    fn found_in(items: &[OpenItem], lines: &[&str], amount: &str) -> Vec<(Vec<String>, u8)> {
        let ix = InvoiceIndex::build(items, &BTreeMap::new());
        let mut p = payment("E1", amount);
        p.texts = lines.iter().map(|s| s.to_string()).collect();
        p.seams = seams(lines);
        let Some(prop) = candidates(&p, items, &ix).proposal else {
            return Vec::new();
        };
        prop.hits
            .iter()
            .map(|h| {
                let ids = h
                    .items
                    .iter()
                    .map(|&i| items[i as usize].invoice_id.clone());
                (ids.collect(), h.confidence.hundredths())
            })
            .collect()
    }

    fn one(id: &str, c: u8) -> Vec<(Vec<String>, u8)> {
        vec![(vec![id.to_string()], c)]
    }

    #[test]
    fn a_number_the_bank_cut_in_two_is_found_with_its_exact_amount() {
        let cut = ["PAIEMENT DE LA FACTURE NUMERO F-10", "01 MERCI"];
        assert_eq!(hits(&cut, "1000.00"), one("F-1001", 95));
        assert_eq!(
            hits(&["REGLEMENT F-", "1001"], "1000.00"),
            one("F-1001", 95)
        );
        assert_eq!(hits(&["REGLEMENT FACT", "77"], "500.00"), one("F-77", 85));
    }

    #[test]
    fn a_glued_number_without_its_exact_amount_is_only_suggested() {
        let cut = ["PAIEMENT DE LA FACTURE NUMERO F-10", "01 MERCI"];
        // 400.00 of 1,000.00: the number may be F-10 and 01, not F-1001.
        assert_eq!(hits(&cut, "400.00"), one("F-1001", 75));
    }

    #[test]
    fn a_glued_number_beside_one_the_lines_quote_whole_makes_both_doubtful() {
        // F-1 is quoted whole; glued, `F-1` and `001` also spell F-1001.
        let got = hits(&["FACTURE F-1", "001 ET 002"], "1000.00");
        assert_eq!(
            got,
            [
                (vec!["F-1".to_string()], 75),
                (vec!["F-1001".to_string()], 75)
            ]
        );
    }

    #[test]
    fn a_glued_number_completing_a_grouped_payment_is_trusted() {
        // F-1 whole and F-1001 glued: 1,100.00 is exactly both.
        let got = hits(&["FACTURE F-1", "001 ET F-1"], "1100.00");
        assert_eq!(
            got,
            [
                (vec!["F-1".to_string()], 95),
                (vec!["F-1001".to_string()], 95)
            ]
        );
    }

    /// The hits for a payment of `amount` quoting `text`, against invoices
    /// numbered like dates, of 300.00 each.
    fn dated(text: &str, amount: &str) -> Vec<(Vec<String>, u8)> {
        let items: Vec<OpenItem> = [
            "F-2026-0011",
            "F-2026-0012",
            "F-2026-11",
            "FA-2026/11-0042",
            "F-2026-0001",
        ]
        .iter()
        .map(|id| item(id, "300.00"))
        .collect();
        found_in(&items, &[text], amount)
    }

    #[test]
    fn a_date_is_no_invoice_number_unless_announced() {
        // A piece of a date is never taken for a number, even before more
        // digits (a payer's own reference).
        assert_eq!(dated("COTISATION DU 2026-11-18", "120.00"), []);
        assert_eq!(dated("LOYER DU 18/11/2026", "120.00"), []);
        assert_eq!(dated("PAY-2026-11-17-000123", "120.00"), []);
        // A whole date: only suggested, unless an invoice word announces
        // it or the amount pays it.
        assert_eq!(
            dated("LOYER 2026-12 ACOMPTE", "120.00"),
            one("F-2026-0012", 85)
        );
        assert_eq!(dated("LOYER 2026-12", "300.00"), one("F-2026-0012", 93));
        assert_eq!(dated("FACTURE 2026-12", "120.00"), one("F-2026-0012", 93));
        assert_eq!(dated("REGLEMENT F-2026-11", "120.00"), one("F-2026-11", 95));
        // An id with a year and month inside, whatever its marks.
        assert_eq!(
            dated("FACTURE FA-2026/11-0042", "120.00"),
            one("FA-2026/11-0042", 95)
        );
        // Numbers apart, no invoice word: only with the amount.
        assert_eq!(
            dated("COTISATION 2026 12 ENFANTS", "120.00"),
            one("F-2026-0012", 85)
        );
        assert_eq!(
            dated("COTISATION 2026 12", "300.00"),
            one("F-2026-0012", 93)
        );
    }

    #[test]
    fn a_number_ending_a_full_width_line_may_have_been_cut() {
        // `F-2026-001…` cut at the CFONB label's 31 characters: not taken
        // for F-2026-0001 unless the amount pays it.
        let label = "VIR SEPA DURANDS FAC F-2026-001";
        assert_eq!(label.len(), 31);
        assert_eq!(dated(label, "120.00"), one("F-2026-0001", 75));
        assert_eq!(dated(label, "300.00"), one("F-2026-0001", 93));
        let shorter = "VIR SEPA DURAND FAC F-2026-001";
        assert_eq!(dated(shorter, "120.00"), one("F-2026-0001", 93));
    }

    #[test]
    fn numbers_quoted_whole_that_pay_exactly_outweigh_a_glued_one() {
        // `FACTURE F-1` / `001 EUR`: F-1 paid exactly, F-1001 a cut between words.
        assert_eq!(hits(&["FACTURE F-1", "001 EUR"], "100.00"), one("F-1", 95));
    }

    #[test]
    fn lines_cut_between_words_change_nothing() {
        assert_eq!(hits(&["FACTURE", "F-77"], "500.00"), one("F-77", 95));
        assert_eq!(
            hits(&["FACTURE F-77 ", " MERCI"], "500.00"),
            one("F-77", 95)
        );
        assert_eq!(hits(&["F-77", "MERCI"], "500.00"), one("F-77", 95));
    }
}
