//! `firm-report.html`: the firm's clients ranked by overdue amount (one
//! table per currency — amounts in different currencies are never added)
//! and by transactions waiting for a person, each name linking to the
//! client's own `report.html` by relative path. Self-contained, no script.

use std::collections::BTreeMap;

use super::read::{ClientKpis, FirmData};
use crate::money::{Currency, Money};
use crate::reports::format::{Lang, money};
use crate::reports::html::{Cell, Page, STYLE};
use crate::reports::labels::w;

/// The relative link to a client's page: the folder name percent-encoded
/// (all but ASCII letters, digits, `-`, `_`, `.`), then `/report.html`.
pub fn report_href(client: &str) -> String {
    let mut s = String::new();
    for b in client.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.push_str("/report.html");
    s
}

fn client_cell(c: &ClientKpis) -> Cell {
    if !c.has_report {
        return Cell::Text(c.client.clone());
    }
    let mut p = Page::new();
    p.el(
        "a",
        &format!(
            "href=\"{}\"",
            crate::reports::format::html(&report_href(&c.client))
        ),
        &c.client,
    );
    Cell::Raw(p.finish())
}

fn amount(text: &Money, cur: &str, l: Lang) -> String {
    match Currency::parse(cur) {
        Some(c) => money(*text, c, l),
        None => format!("{} {cur}", text.to_plain()),
    }
}

fn status_text(s: &str, l: Lang) -> String {
    match s {
        "" => w(l, "inconnu", "unknown").into(),
        "ok" => "ok".into(),
        "done" => w(l, "terminé", "done").into(),
        "replayed" => w(l, "rejoué", "replayed").into(),
        "locked" => w(l, "verrouillé", "locked").into(),
        "failed" => w(l, "en échec", "failed").into(),
        other => other.replace('_', " "),
    }
}

fn by_overdue(p: &mut Page, d: &FirmData, l: Lang) {
    p.el(
        "h2",
        "",
        w(l, "Clients par montant échu", "Clients by overdue amount"),
    );
    let mut per: BTreeMap<&str, Vec<(&ClientKpis, &super::read::CurrencyKpis)>> = BTreeMap::new();
    for c in &d.clients {
        for k in &c.currencies {
            per.entry(k.currency.as_str()).or_default().push((c, k));
        }
    }
    if per.is_empty() {
        p.el(
            "p",
            "class=\"empty\"",
            w(l, "Aucun montant ouvert.", "Nothing open."),
        );
    }
    for (cur, mut rows) in per {
        rows.sort_by(|a, b| {
            b.1.overdue
                .cmp(&a.1.overdue)
                .then_with(|| a.0.client.cmp(&b.0.client))
        });
        let total = rows.iter().fold(Money::ZERO, |t, (_, k)| {
            t.checked_add(k.overdue).unwrap_or(t)
        });
        p.el(
            "h3",
            "",
            &format!(
                "{cur} — {} {}",
                w(l, "total échu", "total overdue"),
                amount(&total, cur, l)
            ),
        );
        let cells: Vec<Vec<Cell>> = rows
            .iter()
            .enumerate()
            .map(|(i, (c, k))| {
                vec![
                    Cell::Num((i + 1).to_string()),
                    client_cell(c),
                    Cell::Num(amount(&k.overdue, cur, l)),
                    Cell::Num(amount(&k.open, cur, l)),
                    Cell::Num(match &k.dso_days {
                        Some(x) => match l {
                            Lang::Fr => format!("{} j", x.replace('.', ",")),
                            Lang::En => format!("{x} d"),
                        },
                        None if k.dso == "nothing_owed" => "—".into(),
                        None => w(l, "historique insuffisant", "not enough history").into(),
                    }),
                    Cell::Text(status_text(&c.status, l)),
                ]
            })
            .collect();
        p.table(
            &format!("overdue overdue-{cur}"),
            &[
                "#",
                w(l, "Client", "Client"),
                w(l, "Échu", "Overdue"),
                w(l, "Encours", "Open"),
                w(l, "DSO", "DSO"),
                w(l, "Statut de la nuit", "Night status"),
            ],
            &cells,
            "",
        );
    }
}

fn by_waiting(p: &mut Page, d: &FirmData, l: Lang) {
    p.el(
        "h2",
        "",
        w(
            l,
            "Clients par éléments en attente",
            "Clients by items waiting for a person",
        ),
    );
    let mut rows: Vec<&ClientKpis> = d.clients.iter().collect();
    rows.sort_by(|a, b| {
        b.unmatched_items
            .cmp(&a.unmatched_items)
            .then_with(|| a.client.cmp(&b.client))
    });
    let opt = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_default();
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                Cell::Num((i + 1).to_string()),
                client_cell(c),
                Cell::Num(opt(c.unmatched_items)),
                Cell::Num(
                    c.match_rate
                        .as_deref()
                        .map(|r| match l {
                            Lang::Fr => format!("{}\u{a0}%", r.replace('.', ",")),
                            Lang::En => format!("{r}%"),
                        })
                        .unwrap_or_default(),
                ),
                Cell::Num(opt(c.returns)),
                Cell::Num(opt(c.dunning_actions)),
                Cell::Text(status_text(&c.status, l)),
            ]
        })
        .collect();
    p.table(
        "waiting",
        &[
            "#",
            w(l, "Client", "Client"),
            w(l, "En attente", "Waiting"),
            w(l, "Taux de rapprochement", "Match rate"),
            w(l, "Rejets", "Returns"),
            w(l, "Relances", "Dunning actions"),
            w(l, "Statut de la nuit", "Night status"),
        ],
        &cells,
        w(l, "Aucun client.", "No client."),
    );
}

/// The page, in French.
pub fn render(d: &FirmData) -> String {
    render_in(d, Lang::Fr)
}

/// The page in `l`.
pub fn render_in(d: &FirmData, l: Lang) -> String {
    let mut p = Page::new();
    p.raw("<!DOCTYPE html>\n");
    p.raw(match l {
        Lang::Fr => "<html lang=\"fr\">",
        Lang::En => "<html lang=\"en\">",
    });
    p.raw("<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    p.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    let dates: std::collections::BTreeSet<&str> = d
        .clients
        .iter()
        .map(|c| c.run_date.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let title = format!(
        "{} — {}",
        w(l, "Rapport du cabinet", "Firm report"),
        dates.into_iter().collect::<Vec<_>>().join(", ")
    );
    p.el("title", "", &title);
    p.raw("<style>").raw(STYLE).raw("</style></head><body>\n");
    p.el("h1", "", &title);
    let failed = d.clients.iter().filter(|c| c.status == "failed").count();
    p.el(
        "p",
        "class=\"sub\"",
        &format!(
            "{} {} · {} {}",
            d.clients.len(),
            w(l, "clients", "clients"),
            failed,
            w(l, "en échec cette nuit", "failed tonight"),
        ),
    );
    by_overdue(&mut p, d, l);
    by_waiting(&mut p, d, l);
    p.raw("\n</body></html>\n");
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_batch_status_is_in_the_page_s_language() {
        for (s, fr, en) in [
            ("done", "terminé", "done"),
            ("replayed", "rejoué", "replayed"),
            ("locked", "verrouillé", "locked"),
            ("failed", "en échec", "failed"),
            ("", "inconnu", "unknown"),
        ] {
            assert_eq!(status_text(s, Lang::Fr), fr);
            assert_eq!(status_text(s, Lang::En), en);
        }
    }

    #[test]
    fn links_are_relative_and_encoded() {
        assert_eq!(report_href("acme"), "acme/report.html");
        assert_eq!(report_href("a b\"<x>"), "a%20b%22%3Cx%3E/report.html");
    }
}
