//! Candidate generation: for one payment, what each rule of part 1 finds,
//! strongest rule first. Runs in parallel over payments (pure: reads the
//! payment, the items and the index, changes nothing).
//!
//! Confidences (hundredths), documented because an accountant reads them:
//! | evidence | confidence |
//! |---|---|
//! | valid RF reference = item reference or id (structured, or typed in the free text) | 100 |
//! | end-to-end id = item reference or id (a real id: ≥ 4 letters or digits, ≥ 6 digits only) | 99 |
//! | mandate + amount equal to the open amount (or to the sum of the mandate's items) | 97 |
//! | invoice number in text, as written (leading zeros kept) | 95 |
//! | invoice number in text, leading zeros lost | 93 |
//! | a short number announced by `FACT`/`N°`… (`fact 42` → `F-2026-0042`) | 85 |
//! | invoice number cut in two where the bank wrapped its text, glued back (`F-10` / `01` → `F-1001`), with the payment exactly its open amount | as written above |
//! | such a glued number otherwise, and every number quoted beside one | 75 |
//! | a bare number, a whole date or numbers apart, with no invoice word, whose invoice the payment does not pay whole (nor all quoted exactly together) and whose customer is not the known payer | at most 85 |
//! | such a number ending a line of a bank's full width (31, 35, 70, 140 characters) | at most 75 |
//! | a short end-to-end id (below 4 letters or digits, 6 digits only) with the payment paying its invoice whole | 95 |
//! | a batch whose details give no amounts: its texts' invoices, unless exactly its amount together | at most 85 |
//! | invoice number one digit off (typo), the only open item so near with exactly the amount | 91 |
//! | known payer IBAN + one open item of exactly the amount | 95 |
//! | known payer IBAN + the early-payment discounted amount of one item | 93 |
//! | known payer IBAN + one item short by at most the fee tolerance | 91 |
//! | known payer IBAN + one subset of its open items summing exactly | 90 |
//! | known payer IBAN + the only item short by more than the fee tolerance but at most its absolute limit (applied as a partial payment) | 90 |
//! | payer name ≥ 0.97 similar + one open item of exactly the amount | 92 |
//! | payer name ≥ 0.88 similar + one open item of exactly the amount | 90 |
//! | payer name ≥ 0.97 similar + discounted amount of one item | 91 |
//! | payer name ≥ 0.88 similar + discounted amount of one item | 90 |
//! | payer name ≥ 0.97 similar + one item short by at most the fee tolerance | 88 |
//! | payer name ≥ 0.88 similar + one item short by at most the fee tolerance | 86 |
//! | payer name ≥ 0.97 similar + the only subset summing exactly (search complete) | 90 |
//! | payer name ≥ 0.88 similar + one subset summing exactly | 80 |
//! | payer name + the only item short by more than the fee tolerance but at most its absolute limit | 80 |
//! | any payer rule above, when the text quotes an invoice number (`FACTURE F-300`) that is no open invoice of the payment's currency | at most 80, and below the threshold |
//! | a payer-name fit when another customer named more closely fits nothing | at most 80 |
//! | a payer-IBAN fit on an IBAN known only from a person's decision, when another customer is open for exactly the amount | at most 80 |
//! | invoice numbers quoted of several customers, when the amount is not what they owe together | at most 85 |
//! | several subsets reach the amount (each set suggested) | 70 |
//! | a remittance booked as one line (a direct-debit collection without mandate, or a cheque remittance): the open direct-debit items due by its booking date, or the open invoices payable by cheque, summing exactly to it (`remittance`; each set only suggested) | 70 |
//! | evidence that cannot tell candidates apart | 60 (amount equal) / 50 |
//!
//! Payer rules (after the reference rules): a known payer IBAN names its
//! customer(s); otherwise the payer name (or, in a CFONB label, the name
//! after `VIR SEPA`) is compared with customer names and aliases. The
//! customer's open items are then tried against the amount: one item of
//! exactly that amount, else the discounted amount of one item (booked by
//! its `discount_until`), else a subset of at most
//! `max_invoices_per_customer` items (oldest due first, credit notes
//! included) summing exactly to the amount, at most `max_combinations`
//! combinations tried, or one item short by at most the fee tolerance (both
//! at once: suggestions), else one item short by at most the absolute fee
//! limit (a partial payment). Several fits are suggestions,
//! never matches. When the IBAN is known but nothing fits, the name is not
//! tried (someone else's customer is not guessed from a name).
//!
//! With the default threshold (0.90) a weak match is therefore always a
//! suggestion: better no automatic match than a wrong one.

use super::MatchConfig;
use super::index::InvoiceIndex;
use super::item::OpenItem;
use super::payment::Payment;
use super::rule::{Confidence, Rule};
use super::tokens;
use crate::statement::TxKind;

mod corroborate;
mod numbers;
mod payer_fit;
mod references;
pub(crate) mod remittance;
mod typo;

const C_RF: Confidence = Confidence::from_hundredths(100);
const C_E2E: Confidence = Confidence::from_hundredths(99);
const C_MANDATE: Confidence = Confidence::from_hundredths(97);
const C_STRICT: Confidence = Confidence::from_hundredths(95);
const C_LOOSE: Confidence = Confidence::from_hundredths(93);
const C_WEAK: Confidence = Confidence::from_hundredths(85);
const C_TYPO: Confidence = Confidence::from_hundredths(91);
const C_IBAN_EXACT: Confidence = Confidence::from_hundredths(95);
const C_IBAN_DISCOUNT: Confidence = Confidence::from_hundredths(93);
const C_IBAN_FEE: Confidence = Confidence::from_hundredths(91);
const C_IBAN_SUM: Confidence = Confidence::from_hundredths(90);
const C_IBAN_NEAR: Confidence = Confidence::from_hundredths(90);
const C_NAME_NEAR: Confidence = Confidence::from_hundredths(80);
const C_NAME_EXACT_STRONG: Confidence = Confidence::from_hundredths(92);
const C_NAME_EXACT: Confidence = Confidence::from_hundredths(90);
const C_NAME_DISCOUNT_STRONG: Confidence = Confidence::from_hundredths(91);
const C_NAME_DISCOUNT: Confidence = Confidence::from_hundredths(90);
const C_NAME_FEE_STRONG: Confidence = Confidence::from_hundredths(88);
const C_NAME_FEE: Confidence = Confidence::from_hundredths(86);
const C_NAME_SUM_STRONG: Confidence = Confidence::from_hundredths(90);
const C_NAME_SUM: Confidence = Confidence::from_hundredths(80);
/// The most a payer rule keeps when the text quotes another invoice number.
const C_QUOTES_OTHER: Confidence = Confidence::from_hundredths(80);
/// Confidence of each set when several subsets reach the amount.
pub const C_SETS: Confidence = Confidence::from_hundredths(70);
/// Name similarity (thousandths) above which a name counts as strong.
const STRONG_NAME: u16 = 970;
/// Most items of one customer scanned for an equal amount.
const MAX_SCAN: usize = 20_000;
/// Confidence of an ambiguous candidate whose open amount equals the payment.
pub const C_AMBIGUOUS_AMOUNT: Confidence = Confidence::from_hundredths(60);
/// Confidence of an ambiguous candidate otherwise.
pub const C_AMBIGUOUS: Confidence = Confidence::from_hundredths(50);

/// Most items one piece of evidence keeps (see `Ctx::cap`).
const MAX_HIT_ITEMS: usize = 32;

/// One piece of evidence pointing at one or several items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// What was seen, in words (`text token "fact 42"`, `RF ref RF18…`).
    pub label: String,
    /// The items it points at (several: it cannot tell them apart).
    pub items: Vec<u32>,
    /// How sure, when it points at one item.
    pub confidence: Confidence,
}

/// What a rule proposes for a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The rule.
    pub rule: Rule,
    /// The evidence, in text order; every hit's items share the currency.
    pub hits: Vec<Hit>,
    /// Alternative sets of items that each explain the amount (payer rules'
    /// subset sums): several sets are suggestions, never matches. Empty for
    /// every other proposal.
    pub sets: Vec<Vec<u32>>,
}

impl Proposal {
    /// True when some evidence points at several items.
    pub fn is_ambiguous(&self) -> bool {
        self.sets.len() > 1 || self.hits.iter().any(|h| h.items.len() > 1)
    }

    /// The items, deduplicated, in order of first appearance.
    pub fn items(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for h in &self.hits {
            for &i in &h.items {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out
    }

    /// The weakest hit's confidence (for an unambiguous proposal).
    pub fn confidence(&self) -> Confidence {
        self.hits
            .iter()
            .map(|h| h.confidence)
            .min()
            .unwrap_or(Confidence::NONE)
    }

    /// The hit that names item `i`, for evidence.
    pub fn hit_for(&self, i: u32) -> Option<&Hit> {
        self.hits.iter().find(|h| h.items.contains(&i))
    }
}

/// What candidate search found for one payment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Candidates {
    /// The strongest rule's proposal, if any rule found something.
    pub proposal: Option<Proposal>,
    /// Why nothing was found, when there is something to say (an item quoted
    /// in another currency).
    pub note: Option<String>,
    /// The items a rule found (by a reference, an end-to-end id, a mandate
    /// or an invoice number, not a loose one) but left for being in another
    /// currency than the payment (indexes into the items, ascending): while
    /// its money waits for a person, the payment may well have paid them,
    /// in a currency pointage never sets against theirs.
    pub other_currency: Vec<u32>,
}

/// [`candidates_with`] under the default settings.
pub fn candidates(p: &Payment, items: &[OpenItem], ix: &InvoiceIndex) -> Candidates {
    candidates_with(p, items, ix, &MatchConfig::default())
}

/// Runs the rules for one payment, strongest first; the first rule that
/// finds an item of the payment's currency wins.
pub fn candidates_with(
    p: &Payment,
    items: &[OpenItem],
    ix: &InvoiceIndex,
    cfg: &MatchConfig,
) -> Candidates {
    let mut ctx = Ctx {
        p,
        items,
        note: None,
        other_currency: Vec::new(),
    };
    let proposal = ctx
        .rf(ix)
        .or_else(|| ctx.e2e(ix, cfg))
        .or_else(|| ctx.mandate(ix))
        .or_else(|| {
            ctx.invoice_numbers(ix, cfg)
                .map(|pr| ctx.corroborate(pr, ix, cfg))
        })
        .or_else(|| ctx.payer(ix, cfg).map(|pr| ctx.quoting_another(pr, cfg)))
        .or_else(|| ctx.remittance(cfg))
        .map(|pr| ctx.undetailed(pr));
    if let Some(why) = sub_unit_note(p).or_else(|| difference_note(p)) {
        // Only ever suggested: a person decides (and the invoices it
        // points at are held from dunning while the suggestion waits).
        let below = Confidence::from_hundredths(cfg.threshold.hundredths().saturating_sub(1));
        let proposal = proposal.map(|mut prop| {
            for hit in &mut prop.hits {
                hit.confidence = hit.confidence.min(below);
                hit.label = format!("{}; but the {why}", hit.label);
            }
            prop
        });
        return Candidates {
            note: proposal.is_none().then(|| format!("the {why}")),
            other_currency: ctx.other_currency,
            proposal,
        };
    }
    Candidates {
        note: if proposal.is_none() {
            ctx.note.or_else(|| references::rf_note(p))
        } else {
            None
        },
        other_currency: ctx.other_currency,
        proposal,
    }
}

/// Why a payment is never matched automatically when its amount has more
/// decimals than its currency has (`999.995` EUR): no invoice is paid by a
/// fraction of a cent, and rounding would make up money the bank never
/// moved. Its candidates are only suggested, and with none it stays
/// unapplied, whole, for a person to check with the bank.
fn sub_unit_note(p: &Payment) -> Option<String> {
    let units = p.currency.minor_units();
    (p.amount.significant_decimals() > units || p.tx_amount.significant_decimals() > units).then(
        || {
            format!(
                "amount {} has more decimals than {} has ({units}): not matched automatically, check it with the bank",
                p.tx_amount, p.currency
            )
        },
    )
}

/// Why money the bank booked beyond an entry's details (a difference row
/// that carries its one payment's payer and texts) is never matched
/// automatically: the file says two amounts for one payment, so where the
/// rest goes is a person's call (review 37 verify1 R3). Its candidates are
/// suggested, which holds them from dunning while it waits.
fn difference_note(p: &Payment) -> Option<String> {
    p.difference.then(|| {
        "money was booked beyond what the payment's detail says: not matched automatically, a person checks it".to_string()
    })
}

struct Ctx<'a> {
    p: &'a Payment,
    items: &'a [OpenItem],
    note: Option<String>,
    /// Items found in another currency ([`Candidates::other_currency`]).
    other_currency: Vec<u32>,
}

impl Ctx<'_> {
    /// A batch kept whole, its details without amounts: the invoices its
    /// details quote pay it only when they are exactly its amount together;
    /// otherwise which payer paid what, nobody knows.
    fn undetailed(&self, mut prop: Proposal) -> Proposal {
        if !self.p.undetailed {
            return prop;
        }
        let all: Vec<u32> = prop
            .hits
            .iter()
            .flat_map(|h| h.items.iter().copied())
            .collect();
        let total = crate::money::Money::checked_sum(
            all.iter()
                .filter_map(|&i| self.item(i))
                .map(|it| it.open_amount),
        );
        if total != Some(self.p.amount) {
            for hit in &mut prop.hits {
                hit.confidence = hit.confidence.min(C_WEAK);
                hit.label = format!(
                    "{} (but a batch whose details give no amounts: what each payer sent is unknown)",
                    hit.label
                );
            }
        }
        prop
    }

    fn item(&self, i: u32) -> Option<&OpenItem> {
        self.items.get(i as usize)
    }

    /// A payer rule's proposal when the text quotes an invoice number
    /// (announced by an invoice word: `FACTURE F-300`, `INV 300`) that the
    /// reference rules found among no open item of the payment's currency:
    /// most likely an invoice not exported yet, or someone else's. The payer
    /// and the amount then only suggest, so the invoice the customer named
    /// is not chased while another is marked paid in its place.
    fn quoting_another(&self, mut prop: Proposal, cfg: &MatchConfig) -> Proposal {
        let Some(quoted) = self.p.texts.iter().find_map(|t| quoted_invoice_number(t)) else {
            return prop;
        };
        // Below the automatic threshold, however low a client sets it.
        let below = Confidence::from_hundredths(cfg.threshold.hundredths().saturating_sub(1));
        let cap = C_QUOTES_OTHER.min(below);
        for hit in &mut prop.hits {
            if hit.confidence > cap {
                hit.confidence = cap;
            }
            hit.label = format!(
                "{}; but the text quotes invoice {quoted}, which is no open invoice of this currency",
                hit.label
            );
        }
        prop
    }

    /// Keeps the items of the payment's currency; remembers the others.
    fn same_currency(&mut self, found: &[u32]) -> Vec<u32> {
        self.keep_currency(found, true)
    }

    /// [`Ctx::same_currency`], the others remembered as items the payment
    /// may have paid ([`Candidates::other_currency`]) only when `strong`:
    /// a loose number's look-alikes in another currency (a tail, `INV 7`)
    /// are no payment's.
    fn keep_currency(&mut self, found: &[u32], strong: bool) -> Vec<u32> {
        let mut keep = Vec::with_capacity(found.len());
        let items = self.items;
        for &i in found {
            let Some(it) = items.get(i as usize) else {
                continue;
            };
            if it.currency == self.p.currency {
                keep.push(i);
                continue;
            }
            // (As many as one hit may name: a loose number's look-alikes
            // in another currency are no payment's.)
            if strong
                && let Err(at) = self.other_currency.binary_search(&i)
                && self.other_currency.len() < MAX_HIT_ITEMS
            {
                self.other_currency.insert(at, i);
            }
            if self.note.is_none() {
                self.note = Some(format!(
                    "{} quoted but it is in {}, the payment in {}",
                    it.invoice_id, it.currency, self.p.currency
                ));
            }
        }
        keep
    }

    /// Bounds a hit that fits very many items (a number every id ends
    /// with): it can only be a suggestion, and keeping thousands of
    /// candidates would cost time on every later step. Keeps the items whose
    /// open amount equals the payment first, then by position.
    fn cap(&self, items: &mut Vec<u32>) {
        if items.len() <= MAX_HIT_ITEMS {
            return;
        }
        let amount = self.p.amount;
        items.sort_by_key(|&i| (self.item(i).map(|it| it.open_amount) != Some(amount), i));
        items.truncate(MAX_HIT_ITEMS);
        items.sort_unstable();
    }

    fn proposal(rule: Rule, hits: Vec<Hit>) -> Option<Proposal> {
        (!hits.is_empty()).then_some(Proposal {
            rule,
            hits,
            sets: Vec::new(),
        })
    }
}

/// Words that name an invoice (not a reference or a number in general).
const INVOICE_WORDS: &[&str] = &[
    "F", "FA", "FAC", "FACT", "FACTURE", "FACTURES", "FCT", "FV", "INV", "INVOICE",
];

/// The first number of `text` announced by an invoice word, as written from
/// that word on (`FACTURE F-300` → `FACTURE F-300`).
fn quoted_invoice_number(text: &str) -> Option<&str> {
    tokens::content_groups(text).into_iter().find_map(|g| {
        let words = text.get(g.announced_from..g.start)?;
        let invoice_word = tokens::groups(words).iter().any(|w| {
            !w.digits
                && INVOICE_WORDS
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(w.raw(words)))
        });
        (g.announced && g.digits && invoice_word).then(|| text.get(g.announced_from..g.end))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::testkit::{item, payment};
    use std::collections::BTreeMap;

    fn run(texts: &[&str], ids: &[&str]) -> Option<Proposal> {
        let items: Vec<OpenItem> = ids.iter().map(|id| item(id, "100.00")).collect();
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        let mut p = payment("E1", "100.00");
        p.texts = texts.iter().map(|s| s.to_string()).collect();
        candidates(&p, &items, &ix).proposal
    }

    pub(super) fn found(texts: &[&str], ids: &[&str]) -> Vec<(Vec<String>, u8)> {
        let items: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        run(texts, ids)
            .map(|p| {
                p.hits
                    .iter()
                    .map(|h| {
                        (
                            h.items.iter().map(|&i| items[i as usize].clone()).collect(),
                            h.confidence.hundredths(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn one(id: &str, c: u8) -> Vec<(Vec<String>, u8)> {
        vec![(vec![id.to_string()], c)]
    }

    #[test]
    fn an_id_inside_a_longer_number_is_not_found() {
        assert_eq!(found(&["INV-99910"], &["991"]), []);
        assert_eq!(found(&["paid 1991"], &["991"]), []);
        assert_eq!(found(&["ref INV-991 thanks"], &["991"]), one("991", 95));
        // A short bare number needs a prefix word.
        assert_eq!(found(&["991 EUR"], &["991"]), []);
    }

    #[test]
    fn forms_people_write() {
        let ids = ["F-2026-0042", "F-2026-0043"];
        assert_eq!(found(&["FACT 2026/42"], &ids), one("F-2026-0042", 93));
        assert_eq!(found(&["fa-2026-0042"], &ids), one("F-2026-0042", 95));
        assert_eq!(found(&["N° F20260042"], &ids), one("F-2026-0042", 95));
        assert_eq!(found(&["f 2026 0043"], &ids), one("F-2026-0043", 95));
        // The bare tail number: announced only, weak.
        assert_eq!(found(&["fact 42"], &ids), one("F-2026-0042", 85));
        assert_eq!(found(&["virement 42"], &ids), []);
    }

    #[test]
    fn ids_differing_by_a_leading_zero() {
        let ids = ["F-042", "F-0042"];
        // Exact with zeros wins.
        assert_eq!(found(&["F-0042"], &ids), one("F-0042", 95));
        assert_eq!(found(&["F-042"], &ids), one("F-042", 95));
        // Zeros lost: cannot tell them apart.
        let p = run(&["fact 42"], &ids).unwrap();
        assert!(p.is_ambiguous());
        assert_eq!(p.items(), [0, 1]);
    }

    #[test]
    fn a_number_that_thousands_of_ids_end_with_stays_cheap() {
        let ids: Vec<String> = (0..5000).map(|n| format!("X{n}-0042")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let p = run(&["fact 42"], &refs).unwrap();
        assert!(p.is_ambiguous());
        assert_eq!(p.items().len(), MAX_HIT_ITEMS);
    }

    #[test]
    fn ids_without_digits_still_match_words() {
        assert_eq!(found(&["paid abc xyz"], &["ABC-XYZ"]), one("ABC-XYZ", 95));
        assert_eq!(found(&["paid abc xyz"], &["F-1"]), []);
    }

    #[test]
    fn several_ids_make_several_hits() {
        let ids = ["F-1001", "F-1002", "AV-1003"];
        let got = found(&["F-1001 F-1002 / AV-1003"], &ids);
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn rf_with_a_wrong_check_digit_is_plain_text() {
        let mut items = vec![item("F-1", "100.00")];
        items[0].reference = Some("RF18539007547034".into());
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        let mut p = payment("E1", "100.00");
        p.creditor_refs = vec!["RF18 5390 0754 7034".into()];
        let c = candidates(&p, &items, &ix);
        assert_eq!(c.proposal.unwrap().rule, Rule::RfReference);
        p.creditor_refs = vec!["RF19 5390 0754 7034".into()];
        assert_eq!(candidates(&p, &items, &ix).proposal, None);
    }

    #[test]
    fn a_valid_rf_built_on_the_invoice_number_is_searched_as_text() {
        let items = vec![item("INV-2024-001", "100.00")];
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        let mut p = payment("E1", "100.00");
        p.creditor_refs = vec![crate::refs::rf_from_reference("INV2024001").unwrap()];
        let got = candidates(&p, &items, &ix).proposal.unwrap();
        assert_eq!(got.rule, Rule::InvoiceNumber);
        assert_eq!(got.items(), [0]);
    }

    #[test]
    fn another_currency_is_no_candidate_and_says_so() {
        let mut items = vec![item("F-2026-0042", "100.00")];
        items[0].currency = crate::money::Currency::parse("USD").unwrap();
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        let mut p = payment("E1", "100.00");
        p.texts = vec!["F-2026-0042".into()];
        let c = candidates(&p, &items, &ix);
        assert_eq!(c.proposal, None);
        assert_eq!(
            c.note.as_deref(),
            Some("F-2026-0042 quoted but it is in USD, the payment in EUR")
        );
        assert_eq!(c.other_currency, [0]);
    }

    #[test]
    fn only_a_number_given_whole_names_items_of_another_currency() {
        let items = vec![item("F-2025-0007", "100.00"), item("F-2026-0007", "100.00")];
        let ix = InvoiceIndex::build(&items, &BTreeMap::new());
        let mut p = payment("E1", "1.00");
        p.currency = crate::money::Currency::parse("USD").unwrap();
        // A tail (`INV 7`) fits many invoices of anyone's: none is named.
        p.texts = vec!["INV 7".into()];
        assert!(candidates(&p, &items, &ix).other_currency.is_empty());
        p.texts = vec!["FACTURE F-2026-0007".into()];
        assert_eq!(candidates(&p, &items, &ix).other_currency, [1]);
    }
}
