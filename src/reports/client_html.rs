//! `report.html`: one client's night for a person who is not technical. One
//! self-contained file — inline CSS and SVG, no script, no font or image
//! fetched — with, in order: the night's figures, what waits for a person
//! (unapplied credits and receivable debits with their candidates), the
//! alerts, tomorrow's dunning, the aged balance (chart and table), the top
//! customers by overdue amount and DSO. Every text is escaped.

use super::chart::aged_bars;
use super::dso::Dso;
use super::format::{Lang, money};
use super::html::{Cell, Page, STYLE, wrap};
use super::labels::{self, w};
use super::model::{AgedRow, ClientReport, Waiting, WaitingKind};
use crate::money::{Currency, Money};
use crate::returns;

/// How many customers the "top overdue" table lists.
pub const TOP_CUSTOMERS: usize = 10;

fn amount_list(m: &std::collections::BTreeMap<Currency, Money>, lang: Lang) -> String {
    if m.is_empty() {
        return money(Money::ZERO, Currency::EUR, lang);
    }
    m.iter()
        .map(|(c, a)| money(*a, *c, lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A percentage as people read it (`87,5 %` / `87.5%`).
pub fn percent(p: rust_decimal::Decimal, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{}\u{a0}%", p.to_string().replace('.', ",")),
        Lang::En => format!("{p}%"),
    }
}

fn card(p: &mut Page, key: &str, label: &str, value: &str) {
    p.open("div", &format!("class=\"card\" data-figure=\"{key}\""));
    p.el("div", "class=\"label\"", label);
    p.el("div", "class=\"value\"", value);
    p.close("div");
}

fn date_text(d: Option<chrono::NaiveDate>, lang: Lang) -> String {
    d.map(|d| match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    })
    .unwrap_or_default()
}

fn figures(p: &mut Page, r: &ClientReport) {
    let l = r.lang;
    let f = &r.figures;
    p.el(
        "h2",
        "",
        w(l, "Les chiffres de la nuit", "Tonight's figures"),
    );
    p.open("div", "class=\"cards\"");
    card(
        p,
        "statements",
        w(l, "Relevés importés", "Statements imported"),
        &f.statements.to_string(),
    );
    card(
        p,
        "transactions",
        w(l, "Opérations", "Transactions"),
        &f.transactions.to_string(),
    );
    card(
        p,
        "matched",
        w(l, "Rapprochés automatiquement", "Matched automatically"),
        &f.matched.to_string(),
    );
    card(
        p,
        "suggested",
        w(l, "Suggestions à confirmer", "Suggested, to confirm"),
        &f.suggested.to_string(),
    );
    card(
        p,
        "unapplied_in",
        w(l, "Encaissements non affectés", "Unapplied money in"),
        &amount_list(&f.unapplied_in, l),
    );
    card(
        p,
        "unapplied_out",
        w(l, "Débits non expliqués", "Unexplained money out"),
        &amount_list(&f.unapplied_out, l),
    );
    let rate = f
        .match_rate()
        .map(|x| percent(x, l))
        .unwrap_or_else(|| w(l, "aucun paiement", "no payment").to_string());
    card(
        p,
        "match_rate",
        w(l, "Taux de rapprochement", "Match rate"),
        &rate,
    );
    p.close("div");
}

fn candidates(x: &Waiting, l: Lang) -> String {
    if x.candidates.is_empty() {
        let note = if x.note.is_empty() {
            w(l, "Aucune facture candidate.", "No candidate invoice.").to_string()
        } else {
            x.note.clone()
        };
        return wrap("span", "class=\"note\"", &note);
    }
    let mut p = Page::new();
    p.open("ul", "class=\"cands\"");
    for c in &x.candidates {
        p.open("li", "");
        p.el("strong", "", &c.invoice_id);
        p.text(&format!(
            " ({}) — {} — {} {} — ",
            c.customer_id,
            money(c.amount, x.currency, l),
            w(l, "confiance", "confidence"),
            c.confidence
        ));
        p.el("span", "class=\"note\"", &c.evidence);
        p.close("li");
    }
    p.close("ul");
    p.finish()
}

fn waiting(p: &mut Page, r: &ClientReport) {
    let l = r.lang;
    p.el(
        "h2",
        "",
        w(l, "En attente d'une personne", "Waiting for a person"),
    );
    let rows: Vec<Vec<Cell>> = r
        .waiting
        .iter()
        .map(|x| {
            vec![
                Cell::Text(match x.kind {
                    WaitingKind::Credit => w(l, "Encaissement", "Money in").into(),
                    WaitingKind::Debit => w(l, "Débit", "Money out").into(),
                }),
                Cell::Text(date_text(x.booking_date, l)),
                Cell::Num(money(x.amount, x.currency, l)),
                Cell::Text(x.counterparty_name.clone()),
                Cell::Text(x.remittance.clone()),
                Cell::Raw(candidates(x, l)),
                Cell::Text(x.entry_id.clone()),
            ]
        })
        .collect();
    p.table(
        "waiting",
        &[
            w(l, "Sens", "Direction"),
            w(l, "Date", "Date"),
            w(l, "Montant", "Amount"),
            w(l, "Tiers", "Counterparty"),
            w(l, "Libellé", "Remittance"),
            w(
                l,
                "Factures candidates (confiance, preuves)",
                "Candidate invoices (confidence, evidence)",
            ),
            w(l, "Référence", "Entry id"),
        ],
        &rows,
        w(
            l,
            "Rien n'attend une personne.",
            "Nothing is waiting for a person.",
        ),
    );
}

fn alerts(p: &mut Page, r: &ClientReport) {
    let l = r.lang;
    p.el("h2", "", w(l, "Alertes", "Alerts"));
    let rows: Vec<Vec<Cell>> = r
        .alerts
        .iter()
        .map(|a| {
            let detail = if a.reason_code.is_empty() {
                a.message.clone()
            } else {
                let info = returns::reason(&a.reason_code);
                let words = match l {
                    Lang::Fr => info.fr,
                    Lang::En => info.en,
                };
                format!("{} — {words}", a.reason_code)
            };
            let sev = labels::severity(l, &a.severity);
            vec![
                Cell::Raw(wrap(
                    "span",
                    &format!("class=\"sev-{}\"", super::format::html(&a.severity)),
                    &sev,
                )),
                Cell::Text(labels::alert_kind(l, &a.kind)),
                Cell::Text(a.customer_id.clone()),
                Cell::Text(a.invoice_id.clone()),
                Cell::Num(a.amount.map(|(m, c)| money(m, c, l)).unwrap_or_default()),
                Cell::Text(detail),
                Cell::Text(date_text(Some(a.first_raised), l)),
            ]
        })
        .collect();
    p.table(
        "alerts",
        &[
            w(l, "Gravité", "Severity"),
            w(l, "Alerte", "Alert"),
            w(l, "Client", "Customer"),
            w(l, "Facture", "Invoice"),
            w(l, "Montant", "Amount"),
            w(l, "Détail", "Detail"),
            w(l, "Depuis le", "Since"),
        ],
        &rows,
        w(l, "Aucune alerte ouverte.", "No open alert."),
    );
}

fn dunning(p: &mut Page, r: &ClientReport) {
    let l = r.lang;
    p.el("h2", "", w(l, "Relances de demain", "Tomorrow's dunning"));
    let rows: Vec<Vec<Cell>> = r
        .actions
        .iter()
        .map(|a| {
            vec![
                Cell::Text(date_text(Some(a.action_date), l)),
                Cell::Text(format!("{} ({})", a.customer_name, a.customer_id)),
                Cell::Text(labels::step(l, &a.step)),
                Cell::Text(labels::channel(l, a.channel.as_str())),
                Cell::Text(a.invoice_ids.join(", ")),
                Cell::Num(money(a.amount_due, a.currency, l)),
                Cell::Num(a.days_overdue.to_string()),
                Cell::Num(if a.penalty_amount.is_zero() {
                    String::new()
                } else {
                    money(a.penalty_amount, a.currency, l)
                }),
            ]
        })
        .collect();
    p.table(
        "dunning",
        &[
            w(l, "Date", "Date"),
            w(l, "Client", "Customer"),
            w(l, "Action", "Action"),
            w(l, "Canal", "Channel"),
            w(l, "Factures", "Invoices"),
            w(l, "Montant dû", "Amount due"),
            w(l, "Jours de retard", "Days overdue"),
            w(l, "Pénalités", "Late charges"),
        ],
        &rows,
        w(l, "Aucune relance demain.", "No dunning action tomorrow."),
    );
}

fn aged_cells(r: &AgedRow, l: Lang) -> Vec<Cell> {
    let mut cells = vec![Cell::Text(format!(
        "{} ({})",
        r.customer_name, r.customer_id
    ))];
    cells.extend(
        r.buckets
            .iter()
            .map(|m| Cell::Num(money(*m, r.currency, l))),
    );
    cells.push(Cell::Num(
        r.total()
            .map(|t| money(t, r.currency, l))
            .unwrap_or_default(),
    ));
    cells
}

fn aged(p: &mut Page, r: &ClientReport) {
    let l = r.lang;
    p.el(
        "h2",
        "",
        w(
            l,
            "Balance âgée des factures ouvertes",
            "Aged balance of open invoices",
        ),
    );
    let totals = r.aged_totals();
    if totals.is_empty() {
        p.el(
            "p",
            "class=\"empty\"",
            w(l, "Aucune facture ouverte.", "No open invoice."),
        );
        return;
    }
    let names = labels::buckets(l);
    for (cur, t) in &totals {
        p.el(
            "h3",
            "",
            &format!("{} — {}", w(l, "Devise", "Currency"), cur.as_str()),
        );
        let title = format!("{} {}", w(l, "Balance âgée", "Aged balance"), cur.as_str());
        p.raw(&aged_bars(t, *cur, l, &title));
        let mut rows: Vec<Vec<Cell>> = r
            .aged
            .iter()
            .filter(|a| a.currency == *cur)
            .map(|a| aged_cells(a, l))
            .collect();
        let total = AgedRow {
            customer_id: String::new(),
            customer_name: String::new(),
            currency: *cur,
            buckets: *t,
        };
        let mut last = aged_cells(&total, l);
        if let Some(first) = last.first_mut() {
            *first = Cell::Text(w(l, "Total", "Total").into());
        }
        rows.push(last);
        let mut head = vec![w(l, "Client", "Customer")];
        head.extend(names);
        head.push(w(l, "Total", "Total"));
        p.table(&format!("aged aged-{}", cur.as_str()), &head, &rows, "");
    }
}

fn top(p: &mut Page, r: &ClientReport) {
    let l = r.lang;
    p.el(
        "h2",
        "",
        w(
            l,
            "Clients les plus en retard",
            "Top customers by overdue amount",
        ),
    );
    let per = r.top_overdue(TOP_CUSTOMERS);
    let head = [
        "#",
        w(l, "Client", "Customer"),
        w(l, "Montant échu", "Overdue amount"),
        w(l, "dont plus de 90 jours", "of which over 90 days"),
    ];
    let none = w(l, "Aucun client en retard.", "No customer is overdue.");
    if per.is_empty() {
        p.table("top", &head, &[], none);
        return;
    }
    // One ranking per currency: 1,000 JPY is not more than 900 EUR.
    let several = per.len() > 1;
    for (cur, top) in per {
        let rows: Vec<Vec<Cell>> = top
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                vec![
                    Cell::Num((i + 1).to_string()),
                    Cell::Text(format!("{} ({})", a.customer_name, a.customer_id)),
                    Cell::Num(a.overdue().map(|o| money(o, cur, l)).unwrap_or_default()),
                    Cell::Num(
                        a.overdue_over_90()
                            .map(|o| money(o, cur, l))
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect();
        if several {
            p.el(
                "h3",
                "",
                &format!("{} — {}", w(l, "Devise", "Currency"), cur.as_str()),
            );
            p.table(&format!("top top-{}", cur.as_str()), &head, &rows, none);
        } else {
            p.table("top", &head, &rows, none);
        }
    }
}

/// DSO in words for one currency.
pub fn dso_text(d: &Dso, l: Lang) -> String {
    match d {
        Dso::Days(x) => match l {
            Lang::Fr => format!("{} jours", x.to_string().replace('.', ",")),
            Lang::En => format!("{x} days"),
        },
        Dso::NothingOwed => w(l, "rien n'est dû", "nothing is owed").into(),
        Dso::InsufficientHistory => w(
            l,
            "historique insuffisant : les créances dépassent toutes les ventes connues de pointage",
            "not enough history: receivables exceed every month of sales pointage has seen",
        )
        .into(),
    }
}

fn dso(p: &mut Page, r: &ClientReport) {
    let l = r.lang;
    p.el(
        "h2",
        "",
        w(
            l,
            "Délai moyen de paiement (DSO)",
            "Days sales outstanding (DSO)",
        ),
    );
    if r.dso.is_empty() {
        p.el(
            "p",
            "class=\"empty\"",
            w(l, "Aucune vente connue.", "No sales on record."),
        );
        return;
    }
    p.open("ul", "class=\"dso\"");
    for (c, d) in &r.dso {
        p.open(
            "li",
            &format!("data-dso=\"{}\"", super::format::html(c.as_str())),
        );
        p.el("strong", "", &format!("{} : ", c.as_str()));
        p.text(&dso_text(d, l));
        p.close("li");
    }
    p.close("ul");
    p.el(
        "p",
        "class=\"note\"",
        w(
            l,
            "Méthode de « count-back » : on part des créances ouvertes ce soir et on remonte les mois de ventes (factures par mois d'émission) jusqu'à les épuiser ; le dernier mois compte au prorata.",
            "Count-back method: start from tonight's open receivables and walk back through the months of sales (invoices by issue month) until they are used up; the last month counts pro rata.",
        ),
    );
}

/// The whole page.
pub fn render(r: &ClientReport) -> String {
    let l = r.lang;
    let mut p = Page::new();
    p.raw("<!DOCTYPE html>\n");
    p.raw(match l {
        Lang::Fr => "<html lang=\"fr\">",
        Lang::En => "<html lang=\"en\">",
    });
    p.raw("<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    p.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
    let title = format!(
        "{} — {} — {}",
        w(l, "Rapport de pointage", "Reconciliation report"),
        r.client_id,
        date_text(Some(r.run_date), l)
    );
    p.el("title", "", &title);
    p.raw("<style>").raw(STYLE).raw("</style></head><body>\n");
    p.el("h1", "", &title);
    p.el(
        "p",
        "class=\"sub\"",
        w(
            l,
            "Ce que pointage a fait cette nuit et ce qui attend une personne.",
            "What pointage did tonight and what is waiting for a person.",
        ),
    );
    figures(&mut p, r);
    waiting(&mut p, r);
    alerts(&mut p, r);
    dunning(&mut p, r);
    aged(&mut p, r);
    top(&mut p, r);
    dso(&mut p, r);
    p.raw("\n</body></html>\n");
    p.finish()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::reports::model::{AgedRow, Candidate, Figures};

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn hostile(lang: Lang) -> ClientReport {
        ClientReport {
            client_id: "<b>client</b>".into(),
            run_date: "2026-03-31".parse().unwrap(),
            lang,
            figures: Figures::default(),
            waiting: vec![Waiting {
                kind: WaitingKind::Credit,
                entry_id: "E\"1".into(),
                booking_date: None,
                amount: m("12345.67"),
                currency: Currency::EUR,
                counterparty_name: "<script>alert('x')</script>".into(),
                remittance: "=HYPERLINK(\"http://evil\";\"clic\")".into(),
                candidates: vec![Candidate {
                    invoice_id: "<img src=x onerror=alert(1)>".into(),
                    customer_id: "C&1".into(),
                    amount: m("1"),
                    confidence: "0.85".into(),
                    evidence: "</li><script>".into(),
                }],
                note: String::new(),
            }],
            alerts: Vec::new(),
            actions: Vec::new(),
            aged: vec![AgedRow {
                customer_id: "C<1>".into(),
                customer_name: "<script>x</script>".into(),
                currency: Currency::EUR,
                buckets: [m("1"), m("2"), m("3"), m("4"), m("5")],
            }],
            dso: BTreeMap::new(),
        }
    }

    #[test]
    fn hostile_names_are_shown_not_run() {
        let page = render(&hostile(Lang::Fr));
        assert!(!page.contains("<script"));
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>client"));
        assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(page.contains("=HYPERLINK(&quot;http://evil&quot;;&quot;clic&quot;)"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("C&amp;1"));
        assert!(page.contains("12\u{202f}345,67\u{a0}€"));
        // Nothing fetched: no external URL in any src or href.
        assert!(!page.contains("src=\"http") && !page.contains("href=\"http"));
    }

    #[test]
    fn english_by_setting() {
        let page = render(&hostile(Lang::En));
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("€12,345.67"));
        assert!(page.contains("Waiting for a person"));
    }

    #[test]
    fn csv_cells_are_neutralised() {
        let r = hostile(Lang::Fr);
        let u = String::from_utf8(crate::reports::client_csv::unmatched(&r).unwrap()).unwrap();
        assert!(u.contains("'=HYPERLINK"), "{u}");
        let a = String::from_utf8(crate::reports::client_csv::aged_balance(&r).unwrap()).unwrap();
        assert_eq!(
            a,
            "customer_id,customer_name,currency,not_due,1_30,31_60,61_90,over_90,total\nC<1>,<script>x</script>,EUR,1.00,2.00,3.00,4.00,5.00,15.00\n"
        );
    }

    #[test]
    fn ids_are_written_as_given_in_every_csv_names_neutralised() {
        // Review 38 reports #5: `'-B` in aged_balance.csv, `-B` in
        // invoice_status.csv and dunning.csv: a join lost the customer.
        let mut r = hostile(Lang::Fr);
        r.aged[0].customer_id = "-B".into();
        r.aged[0].customer_name = "-Dupont".into();
        r.waiting[0].entry_id = "-E1".into();
        r.waiting[0].candidates[0].invoice_id = "=F1".into();
        let a = String::from_utf8(crate::reports::client_csv::aged_balance(&r).unwrap()).unwrap();
        assert!(a.contains("\n-B,'-Dupont,EUR,"), "{a}");
        let u = String::from_utf8(crate::reports::client_csv::unmatched(&r).unwrap()).unwrap();
        assert!(u.contains("\ncredit,-E1,,"), "{u}");
        assert!(u.contains(",=F1,0.85,"), "{u}");
        assert!(u.contains("'=HYPERLINK"), "{u}");
    }

    fn row(id: &str, currency: Currency, overdue: &str) -> AgedRow {
        AgedRow {
            customer_id: id.into(),
            customer_name: format!("Name {id}"),
            currency,
            buckets: [m("0"), m(overdue), m("0"), m("0"), m("0")],
        }
    }

    #[test]
    fn overdue_customers_are_ranked_within_their_currency() {
        let jpy = Currency::parse("JPY").unwrap();
        let mut r = hostile(Lang::En);
        r.aged = vec![
            row("A", Currency::EUR, "900"),
            row("B", jpy, "1000"),
            row("C", Currency::EUR, "950"),
        ];
        let top = r.top_overdue(10);
        let ids =
            |c: Currency| -> Vec<&str> { top[&c].iter().map(|a| a.customer_id.as_str()).collect() };
        assert_eq!(ids(Currency::EUR), ["C", "A"]);
        assert_eq!(ids(jpy), ["B"]);
        let page = render(&r);
        assert!(page.contains("class=\"top top-EUR\""), "{page}");
        assert!(page.contains("class=\"top top-JPY\""), "{page}");
        // Each table ranks from 1: the yen customer is first of its own.
        let jpy = &page[page.find("top top-JPY").unwrap()..];
        assert!(
            jpy.contains("<td class=\"num\">1</td><td>Name B (B)</td>"),
            "{jpy}"
        );
    }

    #[test]
    fn the_over_90_days_part_is_never_more_than_the_overdue_amount() {
        let row = |b: [&str; 5]| AgedRow {
            customer_id: "A".into(),
            customer_name: "A SARL".into(),
            currency: Currency::EUR,
            buckets: b.map(m),
        };
        // 500 over 90 days, a credit note of 300 due 11 days ago: 200 owed,
        // all of it on the old invoice (before the fix: 500 "of which").
        let a = row(["0", "-300", "0", "0", "500"]);
        assert_eq!(a.overdue(), Some(m("200")));
        assert_eq!(a.overdue_over_90(), Some(m("200")));
        // Younger debts cover the credit note: the old debt stays whole.
        let a = row(["0", "400", "-300", "0", "500"]);
        assert_eq!(a.overdue_over_90(), Some(m("500")));
        // An old credit note is no old debt.
        let a = row(["0", "500", "0", "0", "-300"]);
        assert_eq!(a.overdue_over_90(), Some(m("0")));
        let mut r = hostile(Lang::Fr);
        r.aged = vec![row(["0", "-300", "0", "0", "500"])];
        let page = render(&r);
        assert!(
            page.contains("<td>A SARL (A)</td><td class=\"num\">200,00\u{a0}€</td><td class=\"num\">200,00\u{a0}€</td>"),
            "{page}"
        );
    }

    #[test]
    fn one_customers_credit_note_never_lowers_anothers_overdue() {
        let mut r = hostile(Lang::En);
        r.aged = vec![
            row("A", Currency::EUR, "900"),
            row("B", Currency::EUR, "-500"),
            row("C", Currency::EUR, "100"),
        ];
        assert_eq!(r.overdue_by_currency()[&Currency::EUR], m("1000"));
        let k = crate::reports::kpis::kpis(&r);
        assert_eq!(k["currencies"]["EUR"]["overdue"], "1000.00");
        // The open balance stays the ledger's balance, credit notes netted.
        assert_eq!(k["currencies"]["EUR"]["open"], "500.00");
    }
}
