//! One customer id whose invoices carry several customers' names (review 38
//! erp F19): an ERP's catch-all account (`DIVERS`) books occasional
//! customers under one id, the real name on each invoice. Dunning groups a
//! customer's invoices by id, so that id would make one letter, addressed to
//! one name, asking for everyone's invoices and deducting other companies'
//! payments. Such an id is never chased: its invoices are held from every
//! step, and `customer_several_names` (re-checked every night) names the id
//! and its names with their invoices until the export gives each customer an
//! id of its own.
//!
//! Names are compared as the matcher reads a payer's name
//! ([`normalize_name`]: case, spaces, punctuation, accents, legal forms and
//! fillers aside), words in any order: `Alpha SARL`, `ALPHA S.A.R.L.` and
//! `alpha` are one customer, and so are names differing by initials and
//! honorifics: `Jean Dupont`, `M. Jean Dupont`, `J. Dupont`. Every two
//! names must be so: a name plus other words (`Alpha Lyon`) is held until
//! `customers.csv` lists it as an alias. Names `customers.csv` gives the id (its name and
//! aliases) are one customer too: a customer renamed whose older invoices
//! keep the old name is released by listing the old name as an alias. Only
//! tonight's export is compared: a customer the ERP renamed between nights
//! (every invoice under the new name tonight) has one name.

use std::collections::{BTreeMap, BTreeSet};

use crate::alerts::{Alert, AlertKind};
use crate::dunning::CustomerFile;
use crate::ledger::Ledger;
use crate::matching::payer::normalize_name;

/// Tonight's customer ids carrying several names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeveralNames {
    /// One `customer_several_names` condition per id.
    pub alerts: Vec<Alert>,
    /// The ids held from dunning.
    pub held: BTreeSet<String>,
}

/// A name as compared: normalised, its words sorted (`Dupont Marie` is
/// `Marie Dupont`).
fn key(name: &str) -> String {
    let n = normalize_name(name);
    let mut words: Vec<&str> = n.split_whitespace().collect();
    words.sort_unstable();
    words.join(" ")
}

/// The ids of `ledger`'s invoices carrying names of more than one customer.
pub fn several_names(ledger: &Ledger) -> SeveralNames {
    // Per id: per name as compared, the names as written and their invoices.
    type Names<'a> = BTreeMap<String, (BTreeSet<&'a str>, Vec<&'a str>)>;
    // Nearly every id carries one name written one way: only ids with two
    // spellings are compared (normalising every invoice's name cost a few
    // percent of a first night).
    let mut spellings: std::collections::HashMap<&str, (&str, bool)> =
        std::collections::HashMap::new();
    for inv in &ledger.invoices {
        let name = inv.customer_name.trim();
        spellings
            .entry(inv.customer_id.as_str())
            .and_modify(|(first, more)| *more |= *first != name)
            .or_insert((name, false));
    }
    let mut by_id: BTreeMap<&str, Names<'_>> = BTreeMap::new();
    for inv in &ledger.invoices {
        if !spellings
            .get(inv.customer_id.as_str())
            .is_some_and(|(_, more)| *more)
        {
            continue;
        }
        let mut k = key(&inv.customer_name);
        // An invoice with no name says nothing about whose it is.
        if k.is_empty() {
            continue;
        }
        // The names customers.csv gives the id are the one customer's.
        if let Some(c) = ledger.customers.get(&inv.customer_id)
            && std::iter::once(&c.name)
                .chain(&c.aliases)
                .any(|n| key(n) == k)
        {
            k = key(&c.name);
        }
        let e = by_id
            .entry(inv.customer_id.as_str())
            .or_default()
            .entry(k)
            .or_default();
        e.0.insert(inv.customer_name.trim());
        e.1.push(inv.invoice_id.as_str());
    }
    let mut out = SeveralNames::default();
    for (id, names) in by_id
        .into_iter()
        .filter(|(_, n)| n.keys().any(|a| n.keys().any(|b| !one_customer(a, b))))
    {
        let listed: Vec<String> = names
            .values()
            .map(|(written, invoices)| {
                let written: Vec<&str> = written.iter().copied().collect();
                format!("{} ({})", written.join(" / "), invoices.join(", "))
            })
            .collect();
        let message = format!(
            "customer {id} carries invoices of {n} names in invoices.csv: {}; a catch-all account? No reminder goes out for its invoices until the ERP gives each customer an id of its own (or customers.csv lists the names as this customer's aliases)",
            listed.join("; "),
            n = names.len(),
        );
        let mut a = Alert::new(AlertKind::CustomerSeveralNames, id, message);
        a.customer_id = id.to_string();
        out.alerts.push(a);
        out.held.insert(id.to_string());
    }
    out
}

/// Whether two names as compared can be one customer's: the same words,
/// but for initials (`J` for `JEAN`) and honorifics or initials one of them
/// adds (`M`, `MME`, `MONSIEUR`): `JEAN DUPONT`, `M JEAN DUPONT` and `J
/// DUPONT` are one customer (verify 38 V2). A name plus other words is not:
/// `BOULANGERIE` and `BOULANGERIE MARTIN`, `CLIENT DIVERS` and `CLIENT
/// DIVERS MARTIN` are a catch-all's two customers, and so are `ALPHA` and
/// `ALPHA LYON` unless `customers.csv` lists the other as an alias (verify
/// 38 round 3: a catch-all released is a letter to the wrong customer).
fn one_customer(a: &str, b: &str) -> bool {
    const HONORIFICS: &[&str] = &[
        "M",
        "MR",
        "MME",
        "MLLE",
        "MONSIEUR",
        "MADAME",
        "MADEMOISELLE",
        "DR",
        "DOCTEUR",
        "ME",
        "MAITRE",
    ];
    let (wa, wb): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    // One title however written: `M`, `MR`, `MONSIEUR` (verify 38 round 5).
    fn title(w: &str) -> &str {
        match w {
            "MR" | "MONSIEUR" => "M",
            "MADAME" => "MME",
            "MADEMOISELLE" => "MLLE",
            "DOCTEUR" => "DR",
            "MAITRE" => "ME",
            other => other,
        }
    }
    let titles = |ws: &[&str]| -> Vec<String> {
        let mut t: Vec<String> = ws
            .iter()
            .filter(|w| HONORIFICS.contains(w))
            .map(|w| title(w).to_string())
            .collect();
        t.sort();
        t.dedup();
        t
    };
    // `Dr Martin` and `Me Martin`: two people.
    let (ta, tb) = (titles(&wa), titles(&wb));
    if !ta.is_empty() && !tb.is_empty() && ta != tb {
        return false;
    }
    // A word matches itself, or is an initial of the other's word.
    let matches = |w: &str, m: &str| {
        w == m || w.len() == 1 && w.chars().all(char::is_alphabetic) && m.starts_with(w)
    };
    // Every word of each, but an honorific, has its match in the other
    // (an initial `A` must be some word's: `A Martin` and `B Martin` are two).
    let covered = |xs: &[&str], ys: &[&str]| {
        xs.iter()
            .all(|w| HONORIFICS.contains(w) || ys.iter().any(|m| matches(w, m) || matches(m, w)))
    };
    covered(&wa, &wb) && covered(&wb, &wa)
}

/// Holds every invoice of the ids carrying several names from every step.
pub fn hold_several_names(customers: &mut [CustomerFile], several: &SeveralNames) {
    for c in customers
        .iter_mut()
        .filter(|c| several.held.contains(&c.customer_id))
    {
        for inv in &mut c.invoices {
            inv.held = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::invoice;
    use super::*;
    use crate::ledger::{Customer, CustomerType};

    fn of(customer: &str, name: &str, id: &str) -> crate::ledger::Invoice {
        let mut inv = invoice(id, "100.00");
        inv.customer_id = customer.into();
        inv.customer_name = name.into();
        inv
    }

    fn ledger(invoices: Vec<crate::ledger::Invoice>) -> Ledger {
        Ledger {
            invoices,
            ..Ledger::default()
        }
    }

    #[test]
    fn a_catch_all_id_with_several_customers_names_is_held_and_named() {
        let l = ledger(vec![
            of("DIVERS", "Alpha SARL", "F1"),
            of("DIVERS", "Beta SARL", "F2"),
            of("DIVERS", "Gamma SA", "F3"),
            of("DIVERS", "BETA S.A.R.L.", "F4"),
            of("C1", "Delta", "F5"),
        ]);
        let s = several_names(&l);
        assert_eq!(s.held, BTreeSet::from(["DIVERS".to_string()]));
        assert_eq!(s.alerts.len(), 1);
        assert_eq!(s.alerts[0].key, "customer_several_names:DIVERS");
        assert_eq!(s.alerts[0].customer_id, "DIVERS");
        assert!(
            s.alerts[0].message.contains(
                "customer DIVERS carries invoices of 3 names in invoices.csv: Alpha SARL (F1); BETA S.A.R.L. / Beta SARL (F2, F4); Gamma SA (F3)"
            ),
            "{}",
            s.alerts[0].message
        );
        let mut files = vec![file("DIVERS"), file("C1")];
        hold_several_names(&mut files, &s);
        assert!(files[0].invoices.iter().all(|i| i.held));
        assert!(files[1].invoices.iter().all(|i| !i.held));
    }

    #[test]
    fn one_customer_written_differently_keeps_its_dunning() {
        let l = ledger(vec![
            of("C1", "Société Générale d'Études SARL", "F1"),
            of("C1", "SOCIETE GENERALE D ETUDES", "F2"),
            of("C1", "  société  générale d'études, s.a.r.l. ", "F3"),
            of("C2", "Dupont Marie", "F4"),
            of("C2", "Marie DUPONT", "F5"),
            of("C3", "Alpha SAS", "F6"),
            of("C3", "", "F7"),
        ]);
        assert_eq!(several_names(&l), SeveralNames::default());
    }

    #[test]
    fn names_customers_csv_gives_the_id_are_its_own() {
        let mut l = ledger(vec![
            of("C1", "Omega Industries", "F1"),
            of("C1", "Alpha SARL", "F2"),
        ]);
        // Renamed, the old invoices keeping the old name: held until told.
        assert_eq!(several_names(&l).held.len(), 1);
        let mut c = customer("C1", "Omega Industries");
        c.aliases.push("Alpha SARL".into());
        l.customers.insert("C1".into(), c);
        assert_eq!(several_names(&l), SeveralNames::default());
        // A catch-all listed in customers.csv is still several customers.
        l.customers
            .insert("C1".into(), customer("C1", "Clients divers"));
        assert_eq!(several_names(&l).held.len(), 1);
    }

    fn customer(id: &str, name: &str) -> Customer {
        Customer {
            customer_id: id.into(),
            name: name.into(),
            customer_type: CustomerType::B2b,
            ibans: Vec::new(),
            learned_ibans: Vec::new(),
            aliases: Vec::new(),
            mandate_ids: Vec::new(),
            email: None,
            phone: None,
            address: None,
            dunning_plan: None,
            line: 2,
        }
    }

    fn file(id: &str) -> CustomerFile {
        CustomerFile {
            customer_id: id.into(),
            name: String::new(),
            customer_type: CustomerType::B2b,
            email: None,
            phone: None,
            address: None,
            plan: String::new(),
            plan_reason: String::new(),
            invoices: vec![crate::dunning::DunningInvoice {
                invoice_id: "F".into(),
                due_date: super::super::testkit::d("2026-03-02"),
                open: "100.00".parse().unwrap(),
                currency: crate::money::Currency::EUR,
                disputed: false,
                held: false,
                formal_held: false,
                discount_percent: None,
                suggested_since: None,
                waiting_for_it: crate::money::Money::ZERO,
                steps_done: BTreeMap::new(),
                notice_delay: None,
                promise: Default::default(),
                ladder_from: None,
                formal_notice_sent: None,
                handover_sent: None,
                returned_on: None,
            }],
            unapplied: BTreeMap::new(),
            returns: Vec::new(),
        }
    }

    #[test]
    fn names_differing_by_initials_and_honorifics_only_are_one_customer() {
        for names in [
            &["Jean Dupont", "M. Jean Dupont", "J. Dupont"][..],
            &["Marie Dupont", "Mme Marie DUPONT"],
            &["M. Jean Dupont", "Monsieur Jean Dupont", "Mr Jean Dupont"],
            &["Mme Jeanne Dupont", "Madame Jeanne Dupont"],
        ] {
            let l = ledger(
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| of("C1", n, &format!("F{i}")))
                    .collect(),
            );
            assert!(several_names(&l).held.is_empty(), "{names:?}");
        }
        for names in [
            &["Boulangerie Martin", "Boulangerie Durand"][..],
            &["Boulangerie", "Boulangerie Martin", "Boulangerie Durand"],
            &["Garage Martin", "Garage Martinez"],
            &["Jean Martin", "Jeanne Martin"],
            &["Jacques Dupont", "J. Dupont", "Jean Dupont"],
            &["Client divers", "Client divers Martin"],
            &["Boulangerie", "Boulangerie Martin"],
            &["Alpha SARL", "Alpha SARL Lyon"],
            &["A. Martin", "B. Martin"],
            &["SCI Les Pins 1", "SCI Les Pins 2"],
            &["Dr Martin", "Me Martin"],
        ] {
            let l = ledger(
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| of("DIVERS", n, &format!("F{i}")))
                    .collect(),
            );
            assert_eq!(several_names(&l).held.len(), 1, "{names:?}");
        }
    }
}
