//! The formal-notice hold: formal notices wait while an alert says a
//! payment may be missing from what pointage saw.

use crate::alerts::AlertKind;
use crate::nightly::alerting::AlertSet;

/// True when formal notices must wait: a statement gap, a balance mismatch,
/// a conflicting statement (one not imported: its payments are unknown) or
/// statements that stopped arriving is open on an account nobody cleared.
pub fn hold_formal(alerts: &AlertSet) -> bool {
    alerts.open.iter().any(|(a, _)| holds_formal(a.kind))
}

/// The alerts that say a payment may be missing from what pointage saw.
pub fn holds_formal(kind: AlertKind) -> bool {
    matches!(
        kind,
        AlertKind::SequenceGap
            | AlertKind::BalanceMismatch
            | AlertKind::ConflictingStatement
            | AlertKind::StaleStatements
    )
}
