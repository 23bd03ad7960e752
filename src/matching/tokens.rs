//! Normalisation and tokenising of invoice numbers and payment texts.
//!
//! Both sides are cut into *groups*: runs of letters or runs of ASCII digits,
//! split at every non-alphanumeric character AND at every letter↔digit
//! boundary (`FA2026/0042` → `FA` `2026` `0042`). Letters are upper-cased.
//! Words that people put in front of an invoice number (`FACT`, `FACTURE`,
//! `FA`, `N°`, `NO`, `INV`…) are *prefix words*: they are dropped from keys,
//! and in a text they mark the group right after them as "announced".
//!
//! From the remaining groups two keys are formed:
//! - the **strict** key: the groups concatenated as written (leading zeros
//!   kept): `F-2026-0042` → `20260042`;
//! - the **loose** key: digit groups with leading zeros stripped, joined by
//!   `|`: `F-2026-0042` → `2026|42`, which also matches `fa 2026/42`.
//!
//! Pure functions. Groups are byte ranges of their source: tokenising a
//! text allocates one vector, keys are written into a caller's buffer.

/// Words that announce an invoice number; dropped from keys.
/// Compared upper-case. `F` covers ids such as `F-2026-0042`.
const PREFIX_WORDS: &[&str] = &[
    "F", "FA", "FAC", "FACT", "FACTURE", "FACTURES", "FCT", "FV", "INV", "INVOICE", "N", "NO",
    "NR", "NUM", "NUMERO", "NUMÉRO", "REF",
];

/// True when the letter group `word` is a prefix word (any case).
pub fn is_prefix_word(word: &str) -> bool {
    if word.is_ascii() {
        PREFIX_WORDS.iter().any(|p| p.eq_ignore_ascii_case(word))
    } else {
        let up = word.to_uppercase();
        PREFIX_WORDS.contains(&up.as_str())
    }
}

/// One group of a tokenised text: a byte range of the source (no copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// True for a run of ASCII digits.
    pub digits: bool,
    /// Byte range in the source text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// True when the previous group (nothing but separators between) was a
    /// prefix word.
    pub announced: bool,
    /// Where the announcing prefix word starts, for evidence.
    pub announced_from: usize,
}

impl Group {
    /// The group as written in `src`.
    pub fn raw<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// The group for the loose key: digits without leading zeros (`0042` →
    /// `42`, `000` → `0`); letters as written (upper-case them when writing).
    pub fn loose<'a>(&self, src: &'a str) -> &'a str {
        let raw = self.raw(src);
        if self.digits {
            let t = raw.trim_start_matches('0');
            if t.is_empty() {
                raw.get(..1).unwrap_or("0")
            } else {
                t
            }
        } else {
            raw
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Digit,
    Letter,
    Sep,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if c.is_alphanumeric() {
        Class::Letter
    } else {
        Class::Sep
    }
}

/// Cuts `text` into groups (prefix words included: see [`content_groups`]
/// for the filtered form).
pub fn groups(text: &str) -> Vec<Group> {
    let mut out = Vec::new();
    each_group(text, |g| out.push(g));
    out
}

/// Calls `f` with every group of `text`, in order.
fn each_group(text: &str, mut f: impl FnMut(Group)) {
    let mut cur: Option<(Class, usize)> = None;
    let mut emit = |cls: Class, start: usize, end: usize| {
        f(Group {
            digits: cls == Class::Digit,
            start,
            end,
            announced: false,
            announced_from: start,
        });
    };
    for (i, c) in text.char_indices() {
        let k = class(c);
        match cur {
            Some((cls, start)) if cls != k => {
                emit(cls, start, i);
                cur = (k != Class::Sep).then_some((k, i));
            }
            None if k != Class::Sep => cur = Some((k, i)),
            _ => {}
        }
    }
    if let Some((cls, start)) = cur {
        emit(cls, start, text.len());
    }
}

/// The groups of a payment text with prefix words removed; a group right
/// after a prefix word (or a chain of them: `FACT N° 42`) is `announced`.
pub fn content_groups(text: &str) -> Vec<Group> {
    let mut out = Vec::new();
    content_groups_into(text, &mut out);
    out
}

/// [`content_groups`] into `out` (cleared first), to reuse its memory.
pub fn content_groups_into(text: &str, out: &mut Vec<Group>) {
    out.clear();
    let mut announce_from: Option<usize> = None;
    each_group(text, |mut g| {
        if !g.digits && is_prefix_word(g.raw(text)) {
            announce_from.get_or_insert(g.start);
            return;
        }
        if let Some(from) = announce_from.take() {
            g.announced = true;
            g.announced_from = from;
        }
        out.push(g);
    });
}

/// The runs of `groups` (content groups of `text`) that spell a date: two or
/// three digit groups joined by one and the same mark (`-`, `/` or `.`),
/// read as year-month(-day) or (day-)month-year with plausible values
/// (`2026-11-18`, `18/11/2026`, `11.2026`). Each as a range of group indices.
pub fn date_runs(text: &str, groups: &[Group]) -> Vec<std::ops::Range<usize>> {
    let joined = |a: &Group, b: &Group| -> Option<&str> {
        let between = text.get(a.end..b.start)?;
        (a.digits && b.digits && matches!(between, "-" | "/" | ".")).then_some(between)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < groups.len() {
        // The chain of digit groups joined by marks, from `i`, and how far
        // its first mark goes on.
        let mut end = i + 1;
        let mut same = i + 1;
        let mut first_mark: Option<&str> = None;
        while let (Some(a), Some(b)) = (groups.get(end - 1), groups.get(end)) {
            let Some(mark) = joined(a, b) else { break };
            if first_mark.is_none_or(|m| m == mark) && same == end {
                first_mark = Some(mark);
                same += 1;
            }
            end += 1;
        }
        // The whole chain, else its first two or three groups (a date that
        // a reference goes on after: `2026-11-17-000123`, `2026/11-0042`).
        let date = [end - i, 3, 2]
            .into_iter()
            .filter(|&k| k <= same - i)
            .map(|k| i..i + k)
            .find(|r| groups.get(r.clone()).is_some_and(|c| is_date(text, c)));
        out.extend(date);
        i = end;
    }
    out
}

/// Two or three digit groups read as a date (see [`date_runs`]).
fn is_date(text: &str, chain: &[Group]) -> bool {
    let n: Vec<(usize, u32)> = chain
        .iter()
        .map(|g| {
            let raw = g.raw(text);
            (raw.len(), raw.parse().unwrap_or(u32::MAX))
        })
        .collect();
    let year = |&(len, v): &(usize, u32)| (len == 4 && (1990..=2099).contains(&v)) || len == 2;
    let month = |&(len, v): &(usize, u32)| len <= 2 && (1..=12).contains(&v);
    let day = |&(len, v): &(usize, u32)| len <= 2 && (1..=31).contains(&v);
    let long_year = |&(len, v): &(usize, u32)| len == 4 && (1990..=2099).contains(&v);
    match n.as_slice() {
        [y, m, d] if long_year(y) => month(m) && day(d),
        [d, m, y] => day(d) && month(m) && year(y),
        [y, m] if long_year(y) => month(m),
        [m, y] => month(m) && long_year(y),
        _ => false,
    }
}

/// The groups of an id that make its keys: leading prefix words dropped
/// (unless that would leave nothing). `None` when empty or longer than
/// [`MAX_ID_GROUPS`].
pub fn id_content(id: &str) -> Option<Vec<Group>> {
    let mut all = groups(id);
    let first_content = all
        .iter()
        .position(|g| g.digits || !is_prefix_word(g.raw(id)))
        .unwrap_or(0);
    all.drain(..first_content.min(all.len()));
    if all.is_empty() || all.len() > MAX_ID_GROUPS {
        return None;
    }
    Some(all)
}

/// True when the id's key is one short number (see [`IdKeys::short_bare`]).
pub fn is_short_bare(id: &str, content: &[Group]) -> bool {
    content.len() == 1
        && content
            .iter()
            .all(|g| g.digits && g.loose(id).len() <= SHORT_DIGITS)
}

/// Keys of an invoice id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdKeys {
    /// Groups concatenated, zeros kept (`20260042`).
    pub strict: String,
    /// Zero-stripped groups joined by `|` (`2026|42`).
    pub loose: String,
    /// Number of groups in the key.
    pub len: usize,
    /// The key is one short number (≤ 4 digits once zeros are stripped):
    /// only matched when announced by a prefix word, with lower confidence.
    pub short_bare: bool,
    /// The last group when it is a number and the id has other groups
    /// (`42` for `F-2026-0042`): a weak key, announced-only.
    pub tail: Option<String>,
}

/// Longest id (in groups) the index considers; longer ids are not indexed
/// by number (bounds the text scan); their reference still is.
pub const MAX_ID_GROUPS: usize = 8;

/// Digits at or below which a bare number is "short".
const SHORT_DIGITS: usize = 4;

/// The keys of an invoice id; `None` when it has no letter or digit.
pub fn id_keys(id: &str) -> Option<IdKeys> {
    let content = id_content(id)?;
    let content = content.as_slice();
    let mut strict = String::with_capacity(id.len());
    write_strict(id, content, &mut strict);
    let mut loose = String::with_capacity(id.len() + content.len());
    write_loose(id, content, &mut loose);
    let short_bare = is_short_bare(id, content);
    let tail = match content.last() {
        Some(g) if content.len() > 1 && g.digits => Some(g.loose(id).to_string()),
        _ => None,
    };
    Some(IdKeys {
        strict,
        loose,
        len: content.len(),
        short_bare,
        tail,
    })
}

fn push_upper(buf: &mut String, s: &str) {
    if s.is_ascii() {
        buf.extend(s.bytes().map(|b| char::from(b.to_ascii_uppercase())));
    } else {
        buf.extend(s.chars().flat_map(char::to_uppercase));
    }
}

/// Writes the loose key of `groups` (of `src`) into `buf` (cleared first).
pub fn write_loose(src: &str, groups: &[Group], buf: &mut String) {
    buf.clear();
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            buf.push('|');
        }
        push_upper(buf, g.loose(src));
    }
}

/// Writes the strict key of `groups` (of `src`) into `buf` (cleared first).
pub fn write_strict(src: &str, groups: &[Group], buf: &mut String) {
    buf.clear();
    for g in groups {
        push_upper(buf, g.raw(src));
    }
}

/// Writes `s` upper-case without white space into `buf` (cleared first).
pub fn write_ref(s: &str, buf: &mut String) {
    buf.clear();
    if s.is_ascii() {
        buf.extend(
            s.bytes()
                .filter(|b| !b.is_ascii_whitespace())
                .map(|b| char::from(b.to_ascii_uppercase())),
        );
    } else {
        buf.extend(
            s.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase),
        );
    }
}

/// A structured reference compared exactly: upper-case, no white space.
pub fn normalize_ref(s: &str) -> String {
    let mut b = String::with_capacity(s.len());
    write_ref(s, &mut b);
    b
}

/// Letters and digits of `s`, upper-case (to compare ids as spelled).
pub fn alnum_upper(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        groups(s)
            .into_iter()
            .map(|g| g.raw(s).to_uppercase())
            .collect()
    }

    #[test]
    fn splits_at_separators_and_letter_digit_boundaries() {
        assert_eq!(texts("fa-2026-0042"), ["FA", "2026", "0042"]);
        assert_eq!(texts("N° F20260042"), ["N", "F", "20260042"]);
        assert_eq!(texts("FACT 2026/42"), ["FACT", "2026", "42"]);
        assert_eq!(texts("INV-99910"), ["INV", "99910"]);
        assert_eq!(texts("  "), Vec::<String>::new());
        assert_eq!(texts("réf été2"), ["RÉF", "ÉTÉ", "2"]);
    }

    #[test]
    fn id_keys_drop_prefixes_and_strip_zeros_in_the_loose_key() {
        let k = id_keys("F-2026-0042").unwrap();
        assert_eq!(k.strict, "20260042");
        assert_eq!(k.loose, "2026|42");
        assert_eq!(k.tail.as_deref(), Some("42"));
        assert!(!k.short_bare);
        let k = id_keys("991").unwrap();
        assert!(k.short_bare);
        assert_eq!(k.tail, None);
        assert_eq!(id_keys("F-042").unwrap().strict, "042");
        assert_eq!(id_keys("F-0042").unwrap().strict, "0042");
        assert_eq!(id_keys("F-0042").unwrap().loose, "42");
        // A prefix word alone is kept rather than leaving nothing.
        assert_eq!(id_keys("FACT").unwrap().strict, "FACT");
        assert_eq!(id_keys("--"), None);
        assert_eq!(id_keys("VT-2026-001").unwrap().strict, "VT2026001");
    }

    #[test]
    fn content_groups_mark_announced_numbers() {
        let src = "paiement fact n° 42 merci";
        let g = content_groups(src);
        let t: Vec<_> = g.iter().map(|g| (g.raw(src), g.announced)).collect();
        assert_eq!(t, [("paiement", false), ("42", true), ("merci", false)]);
        let g = content_groups("paiement fact n° 42");
        assert_eq!(
            "paiement fact n° 42".get(g[1].announced_from..g[1].end),
            Some("fact n° 42")
        );
    }

    #[test]
    fn all_zero_groups_keep_one_zero() {
        let g = groups("000");
        assert_eq!(g[0].loose("000"), "0");
    }

    #[test]
    fn references_compare_without_spaces_and_case() {
        assert_eq!(normalize_ref(" rf18 5390 0754 7034 "), "RF18539007547034");
    }
}
