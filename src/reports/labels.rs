//! The words of the pages in French and English: section titles, alert
//! kinds, dunning steps and channels. Unknown names fall back to the name
//! with spaces for underscores.

use super::format::Lang;

/// `fr` or `en` text by language.
pub fn w(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

fn plain(name: &str) -> String {
    name.replace('_', " ")
}

/// An alert kind in words.
pub fn alert_kind(lang: Lang, kind: &str) -> String {
    let (fr, en) = match kind {
        "unmatched_credit" => ("Encaissement non rapproché", "Unmatched payment received"),
        "unmatched_debit" => ("Débit non expliqué", "Unexplained debit"),
        "suggested_match" => ("Rapprochement à confirmer", "Match to confirm"),
        "direct_debit_returned" => ("Prélèvement rejeté", "Direct debit returned"),
        "cheque_unpaid" => ("Chèque impayé", "Cheque unpaid"),
        "bill_unpaid" => ("LCR impayée", "Bill of exchange unpaid"),
        "payment_reversed" => (
            "Paiement annulé par la banque",
            "Payment reversed by the bank",
        ),
        "repeated_direct_debit_return" => (
            "Rejets de prélèvement répétés",
            "Repeated direct debit returns",
        ),
        "overpayment" => ("Trop-perçu", "Overpayment"),
        "partial_payment" => ("Paiement partiel", "Partial payment"),
        "balance_mismatch" => ("Solde incohérent", "Balance mismatch"),
        "sequence_gap" => ("Relevé manquant", "Missing statement"),
        "duplicate_statement" => ("Relevé en double", "Duplicate statement"),
        "conflicting_statement" => ("Relevé contradictoire", "Conflicting statement"),
        "erp_export_unexplained" => ("Export ERP inexpliqué", "ERP export unexplained"),
        "statement_read_differently" => ("Relevé relu autrement", "Statement read differently"),
        "repeated_transaction" => ("Opérations déjà reçues", "Transactions already received"),
        "unknown_currency" => ("Devise inconnue", "Unknown currency"),
        "broken_promise" => ("Promesse de paiement non tenue", "Broken promise to pay"),
        "decision_rejected" => ("Décision refusée", "Decision rejected"),
        "stale_statements" => ("Relevés interrompus", "Statements stopped"),
        "invoice_id_reused" => ("Numéro de facture réutilisé", "Invoice number reused"),
        "invoice_moved" => (
            "Facture changée de client",
            "Invoice moved to another customer",
        ),
        "invoice_identity_changed" => (
            "Facture modifiée après paiement",
            "Invoice changed after payment",
        ),
        "promise_unmatched" => ("Promesse à vérifier", "Promise to check"),
        "invoice_redated" => ("Facture redatée", "Invoice redated"),
        "erp_export_empty" => ("Export ERP vide", "ERP export empty"),
        "people_file_missing" => (
            "Fichier absent : copie conservée utilisée",
            "File missing: kept copy used",
        ),
        "customer_unknown" => (
            "Client absent du fichier clients",
            "Customer not in customers.csv",
        ),
        "customer_several_names" => (
            "Un compte client, plusieurs noms",
            "One customer id, several names",
        ),
        "ambiguous_notification" => ("Avis à rapprocher", "Notification to pair"),
        "booked_amount_differs" => ("Montant comptabilisé différent", "Booked amount differs"),
        "notified_not_booked" => ("Avis non comptabilisé", "Notified, not booked"),
        other => return plain(other),
    };
    w(lang, fr, en).to_string()
}

/// A severity in words.
pub fn severity(lang: Lang, s: &str) -> String {
    match s {
        "critical" => w(lang, "urgent", "critical").into(),
        "warning" => w(lang, "à traiter", "warning").into(),
        "info" => w(lang, "pour information", "info").into(),
        other => plain(other),
    }
}

/// A dunning step in words.
pub fn step(lang: Lang, s: &str) -> String {
    let (fr, en) = match s {
        "preventive_contact" => ("Contact préventif", "Preventive contact"),
        "courtesy_reminder" => ("Relance amiable", "Courtesy reminder"),
        "firm_reminder" => ("Relance ferme", "Firm reminder"),
        "phone_call" => ("Appel", "Phone call"),
        "formal_notice" => ("Mise en demeure", "Formal notice"),
        "litigation_handover" => ("Transmission contentieux", "Litigation handover"),
        "quiet_period_preventive" => ("Prévention avant période creuse", "Before the quiet period"),
        "return_call" => ("Appel après rejet", "Call after a return"),
        "return_letter" => ("Courrier après rejet", "Letter after a return"),
        "return_second_letter" => (
            "Second courrier après rejet",
            "Second letter after a return",
        ),
        "dispute_call" => ("Appel (contestation)", "Call (dispute)"),
        "new_details_letter" => (
            "Demande de nouvelles coordonnées",
            "New bank details letter",
        ),
        "full_balance_demand" => ("Demande du solde total", "Full balance demand"),
        other => return plain(other),
    };
    w(lang, fr, en).to_string()
}

/// A dunning channel in words.
pub fn channel(lang: Lang, c: &str) -> String {
    let (fr, en) = match c {
        "email" => ("e-mail", "e-mail"),
        "letter" => ("courrier", "letter"),
        "phone" => ("téléphone", "phone"),
        "registered_letter" => ("lettre recommandée", "registered letter"),
        "handover" => ("transmission", "handover"),
        other => return plain(other),
    };
    w(lang, fr, en).to_string()
}

/// The aged-balance bucket titles, in [`super::aged::BUCKETS`] order.
pub fn buckets(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Fr => ["Non échu", "1–30 j", "31–60 j", "61–90 j", "Plus de 90 j"],
        Lang::En => [
            "Not yet due",
            "1–30 days",
            "31–60 days",
            "61–90 days",
            "Over 90 days",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::AlertKind;

    #[test]
    fn every_alert_kind_has_words_in_both_languages() {
        for kind in AlertKind::ALL {
            let name = kind.as_str();
            for lang in [Lang::Fr, Lang::En] {
                assert_ne!(alert_kind(lang, name), plain(name), "{name}");
            }
        }
    }
}
