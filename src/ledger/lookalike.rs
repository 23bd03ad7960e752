//! Headers a person or an ERP may give a column pointage reads, one small
//! table of whole headers per file, in one place. With the real column absent, such a header
//! is refused (`did you mean open_amount?`) rather than ignored: ignored,
//! `Open amount (EUR)` leaves a paid invoice open in full, `litige` a
//! disputed one chased, `montant` in `decisions.csv` every row "all".
//! Refused rather than read as the column: which column it is, and whether
//! it holds what pointage means, is a person's call.
//!
//! Owns: the tables, the folding that compares headers (case, accents,
//! spaces and punctuation ignored), which headers name a document type
//! (`type`, `sens`: credit notes told by a column), and the free columns of
//! the people's files. Does not: read the header (`load`).

/// Headers taken for `column` when it is absent: a header matches when its
/// folded form, without a trailing currency code (`open_amount_eur`), is the
/// column's own name, one of its synonyms, or a pair of words in either
/// order, or holds one of its parts (only `type`, for the customer type).
/// Whole headers otherwise (verify 38 V4): `Solde client` (a customer's
/// balance), `Currency rate`, `Credit hold` or `Forme juridique` are other
/// data, left alone as any unknown column is.
pub(crate) struct Lookalike {
    /// The canonical column.
    pub column: &'static str,
    /// Whole headers (folded) that name it.
    pub words: &'static [&'static str],
    /// Two-word headers, in either order (`amount_open`, `open_amount`).
    pub pairs: &'static [(&'static str, &'static str)],
    /// Parts of a header, anywhere in it (`type` in `TypeClient`: review 22
    /// #5, a consumer charged a business's indemnity).
    pub parts: &'static [&'static str],
}

/// `invoices.csv`.
pub(crate) const INVOICES: &[Lookalike] = &[
    Lookalike {
        column: "amount",
        words: &[
            "montant",
            "montant_ttc",
            "total",
            "total_ttc",
            "ttc",
            "amt",
            "somme",
            "valeur",
            "value",
            "gross_amount",
            "total_amount",
            "invoice_amount",
            "amount_total",
            "montant_facture",
            "amount_ttc",
        ],
        pairs: &[],
        parts: &[],
    },
    Lookalike {
        column: "open_amount",
        words: &[
            "open",
            "open_amt",
            "solde",
            "solde_du",
            "solde_restant",
            "solde_facture",
            "reste",
            "reste_du",
            "reste_a_payer",
            "restant",
            "restant_du",
            "montant_restant",
            "montant_du",
            "montant_ouvert",
            "montant_en_cours",
            "en_cours",
            "outstanding",
            "remaining",
            "residual",
            "amount_residual",
            "unpaid",
            "impaye",
            "balance",
            "balance_due",
            "open_balance",
            "amount_due",
            "due_amount",
            "paid",
            "left_to_pay",
        ],
        pairs: &[
            ("amount", "open"),
            ("amount", "outstanding"),
            ("amount", "remaining"),
            ("amount", "unpaid"),
        ],
        parts: &[],
    },
    Lookalike {
        column: "currency",
        words: &[
            "devise",
            "currency_code",
            "code_devise",
            "devise_code",
            "currency_id",
            "ccy",
            "cur",
            "curr",
            "monnaie",
            "waehrung",
            "wahrung",
            "divisa",
            "moneda",
            "valuta",
        ],
        pairs: &[],
        parts: &[],
    },
    Lookalike {
        column: "disputed",
        words: &[
            "litige",
            "en_litige",
            "litigieux",
            "litigieuse",
            "contested",
            "contestee",
            "contestation",
            "dispute",
            "in_dispute",
            "is_disputed",
            "disputed_flag",
            "blocked",
            "bloque",
            "bloquee",
            "blocage",
        ],
        pairs: &[],
        parts: &[],
    },
];

/// `customers.csv`.
pub(crate) const CUSTOMERS: &[Lookalike] = &[
    Lookalike {
        column: "customer_type",
        words: &[
            "type",
            "type_client",
            "client_type",
            "type_de_client",
            "categorie",
            "categorie_client",
            "category",
            "customer_category",
            "segment",
            "kind",
            "nature",
            "b2c",
            "b2b",
            "btoc",
            "btob",
            "particulier",
            "professionnel",
            "consumer",
            "statut_juridique",
        ],
        pairs: &[],
        parts: &["type"],
    },
    Lookalike {
        column: "iban",
        words: &[
            "iban_client",
            "customer_iban",
            "client_iban",
            "rib",
            "bank_account",
            "bankaccount",
            "compte_bancaire",
            "coordonnees_bancaires",
            "bank_details",
            "numero_iban",
        ],
        pairs: &[],
        parts: &[],
    },
];

/// `decisions.csv`.
pub(crate) const DECISIONS: &[Lookalike] = &[Lookalike {
    column: "amount",
    words: &[
        "montant", "amt", "somme", "sum", "value", "valeur", "total", "eur", "euro", "euros",
    ],
    pairs: &[],
    parts: &[],
}];

/// `promises.csv`.
pub(crate) const PROMISES: &[Lookalike] = &[
    Lookalike {
        column: "promised_date",
        words: &[
            "date",
            "promise_date",
            "date_promise",
            "date_promesse",
            "promis_le",
            "echeance",
            "deadline",
            "pay_by",
            "payment_date",
            "date_de_paiement",
            "date_paiement",
        ],
        pairs: &[],
        parts: &[],
    },
    Lookalike {
        column: "invoice_id",
        words: &[
            "invoice",
            "facture",
            "inv",
            "invoice_number",
            "invoice_no",
            "numero_facture",
            "no_facture",
            "n_facture",
            "num_facture",
            "piece",
        ],
        pairs: &[],
        parts: &[],
    },
];

/// Whether `header` is one `table` takes for `column` (see [`Lookalike`]).
pub(crate) fn looks_like(table: &[Lookalike], header: &str, column: &str) -> bool {
    let folded = fold(header);
    // `open_amount_eur`, `Amount (EUR)`: the currency says nothing.
    let core = match folded.rsplit_once('_') {
        Some((head, code))
            if crate::money::Currency::parse(&code.to_uppercase())
                .is_some_and(|c| c.is_known()) =>
        {
            head.to_string()
        }
        _ => folded,
    };
    let words: Vec<&str> = core.split('_').collect();
    table.iter().any(|l| {
        l.column == column
            && (core == column
                || l.words.contains(&core.as_str())
                || l.parts.iter().any(|p| core.contains(p))
                || l.pairs
                    .iter()
                    .any(|(a, b)| words.len() == 2 && words.contains(a) && words.contains(b)))
    })
}

/// Whether an `invoices.csv` header names the kind of document (`type`,
/// `sens`, `document_type`, `nature`, `debit_credit`, Odoo's `move_type`):
/// its value may say a row is a credit note. Whole headers only: `Type de
/// vente` (a credit sale) or `Type tiers` say something else (verify 38 V3).
pub(crate) fn is_document_type(header: &str) -> bool {
    const HEADERS: &[&str] = &[
        "type",
        "sens",
        "nature",
        "genre",
        "kind",
        "dc",
        "d_c",
        "debit_credit",
        "debit_credit_ind",
        "debit_credit_indicator",
        "dc_indicator",
        "shkzg",
        "document_type",
        "type_document",
        "doc_type",
        "type_doc",
        "document_kind",
        "type_piece",
        "type_de_piece",
        "piece_type",
        "invoice_type",
        "type_facture",
        "move_type",
    ];
    HEADERS.contains(&fold(header).as_str())
}

/// Lower case, accents dropped, every run of other characters than letters
/// and digits one `_`, none at the ends: `Open amount (EUR)` →
/// `open_amount_eur`, `Catégorie` → `categorie`.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                if gap && !out.is_empty() {
                    out.push('_');
                }
                gap = false;
                out.push(c);
                continue;
            }
            _ => {
                gap = true;
                continue;
            }
        };
        if gap && !out.is_empty() {
            out.push('_');
        }
        gap = false;
        out.push_str(base);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold("Open amount (EUR)"), "open_amount_eur");
        assert_eq!(fold("  Catégorie "), "categorie");
        assert_eq!(fold("IBAN-client"), "iban_client");
        assert_eq!(fold("reste_dû"), "reste_du");
        assert_eq!(fold("open_amount_€"), "open_amount");
    }

    #[test]
    fn headers_taken_for_a_column() {
        let yes: &[(&[Lookalike], &str, &str)] = &[
            (INVOICES, "open_amount_eur", "open_amount"),
            (INVOICES, "Open amount (EUR)", "open_amount"),
            (INVOICES, "amount_open", "open_amount"),
            (INVOICES, "outstanding", "open_amount"),
            (INVOICES, "open_balance", "open_amount"),
            (INVOICES, "amount_due", "open_amount"),
            (INVOICES, "reste_du", "open_amount"),
            (INVOICES, "solde", "open_amount"),
            (INVOICES, "open", "open_amount"),
            (INVOICES, "Open_Amt", "open_amount"),
            (INVOICES, "residual", "open_amount"),
            (INVOICES, "montant_restant", "open_amount"),
            (INVOICES, "paid", "open_amount"),
            (INVOICES, "amount_residual", "open_amount"),
            (INVOICES, "Currency code", "currency"),
            (INVOICES, "devise", "currency"),
            (INVOICES, "ccy", "currency"),
            (INVOICES, "litige", "disputed"),
            (INVOICES, "en_litige", "disputed"),
            (INVOICES, "contested", "disputed"),
            (INVOICES, "blocked", "disputed"),
            (CUSTOMERS, "IBAN client", "iban"),
            (CUSTOMERS, "bank_account", "iban"),
            (CUSTOMERS, "segment", "customer_type"),
            (CUSTOMERS, "kind", "customer_type"),
            (CUSTOMERS, "b2c", "customer_type"),
            (CUSTOMERS, "statut_juridique", "customer_type"),
            (CUSTOMERS, "Catégorie", "customer_type"),
            (DECISIONS, "montant", "amount"),
            (DECISIONS, "Amount (EUR)", "amount"),
            (DECISIONS, "amt", "amount"),
            (DECISIONS, "value", "amount"),
        ];
        for (table, header, column) in yes {
            assert!(looks_like(table, header, column), "{header} for {column}");
        }
        let no: &[(&[Lookalike], &str, &str)] = &[
            (INVOICES, "open_date", "open_amount"),
            (INVOICES, "date_solde", "open_amount"),
            (INVOICES, "due_date", "open_amount"),
            (INVOICES, "commercial", "open_amount"),
            (INVOICES, "restaurant", "open_amount"),
            (INVOICES, "project", "currency"),
            (CUSTOMERS, "signature", "customer_type"),
            (CUSTOMERS, "account_manager", "iban"),
            (CUSTOMERS, "compte", "iban"),
            (DECISIONS, "who", "amount"),
            // Other data under words a synonym holds (verify 38 V4).
            (INVOICES, "Solde client", "open_amount"),
            (INVOICES, "Open item", "open_amount"),
            (INVOICES, "Currency rate", "currency"),
            (INVOICES, "Devise de tenue", "currency"),
            (INVOICES, "Montant devise", "amount"),
            (INVOICES, "Credit hold", "disputed"),
            (CUSTOMERS, "Forme juridique", "customer_type"),
        ];
        for (table, header, column) in no {
            assert!(!looks_like(table, header, column), "{header} for {column}");
        }
    }

    #[test]
    fn document_type_headers() {
        for h in [
            "type",
            "sens",
            "document_type",
            "Nature",
            "doc-type",
            "Débit/Crédit",
        ] {
            assert!(is_document_type(h), "{h}");
        }
        for h in [
            "reference",
            "sensor",
            "natural",
            "credit_limit",
            "Type de vente",
            "Type tiers",
        ] {
            assert!(!is_document_type(h), "{h}");
        }
    }
}
