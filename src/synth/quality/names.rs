//! The names of the synthetic client: companies as the ERP spells them,
//! and as a bank sends them (upper-cased, legal form dropped, a letter
//! wrong, truncated); account numbers.

use super::Rng;

pub(super) const FIRST: &[&str] = &[
    "DUPONT",
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPUIS",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
];
pub(super) const TRADE: &[&str] = &[
    "TRANSPORTS",
    "BOULANGERIE",
    "GARAGE",
    "PLOMBERIE",
    "MENUISERIE",
    "IMPRIMERIE",
    "PHARMACIE",
    "CABINET",
    "ELECTRICITE",
    "CONSTRUCTIONS",
    "DISTRIBUTION",
    "INFORMATIQUE",
    "CONSEIL",
    "RESTAURANT",
    "HOTEL",
    "AMBULANCES",
    "FROMAGERIE",
    "LOGISTIQUE",
    "PEINTURE",
    "NEGOCE",
];
pub(super) const PLACE: &[&str] = &[
    "DU SUD",
    "DE L'OUEST",
    "ALPES",
    "BRETAGNE",
    "NORMANDIE",
    "PROVENCE",
    "LYONNAISE",
    "ATLANTIQUE",
    "DES VOSGES",
    "DU CENTRE",
    "ET FILS",
    "FRERES",
    "& ASSOCIES",
    "INDUSTRIE",
    "SERVICES",
];
pub(super) const FORMS: &[&str] = &[
    "SARL", "SAS", "SA", "EURL", "SASU", "SCI", "SNC", "GMBH", "LTD",
];

pub(super) fn iban(n: u64) -> String {
    let account = format!("{:011}", n % 100_000_000_000);
    crate::refs::iban_from_rib("30004", "01234", &account).unwrap_or_default()
}

/// A company name: surname and trade or place, legal form in front or after.
pub(super) fn company(rng: &mut Rng, i: usize) -> String {
    let first = *rng.pick(FIRST);
    let body = match rng.below(4) {
        0 => format!("{} {first}", rng.pick(TRADE)),
        1 => format!("{first} {}", rng.pick(PLACE)),
        2 => format!("{} {first} {}", rng.pick(TRADE), rng.pick(PLACE)),
        _ => format!(
            "{first} {}",
            FIRST.get((i * 7 + 3) % FIRST.len()).unwrap_or(&"")
        ),
    };
    let form = *rng.pick(FORMS);
    let mut s = if rng.chance(20) {
        format!("{form} {body}")
    } else {
        format!("{body} {form}")
    };
    if rng.chance(50) {
        // Mixed case as typed in the ERP.
        s = s
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) if w.len() > 4 => {
                        f.to_string() + &c.as_str().to_lowercase().replace('e', "é")
                    }
                    Some(f) => f.to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    s
}

/// The name as a bank sends it: upper-cased, legal form often dropped,
/// sometimes one letter wrong, truncated to the field width.
pub(super) fn bank_name(rng: &mut Rng, name: &str, width: usize) -> String {
    let mut s: String = name
        .to_uppercase()
        .chars()
        .map(|c| match c {
            'É' | 'È' | 'Ê' => 'E',
            c => c,
        })
        .collect();
    if rng.chance(40) {
        let words: Vec<&str> = s.split(' ').filter(|w| !FORMS.contains(w)).collect();
        s = words.join(" ");
    }
    if rng.chance(25) && s.len() > 8 {
        let pos = 2 + rng.below(s.len() as u64 - 4) as usize;
        let mut b: Vec<char> = s.chars().collect();
        if let Some(c) = b.get_mut(pos)
            && c.is_ascii_alphabetic()
        {
            *c = if *c == 'Z' {
                'A'
            } else {
                (*c as u8 + 1) as char
            };
        }
        s = b.into_iter().collect();
    }
    s.chars().take(width).collect()
}
