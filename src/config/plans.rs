//! Dunning plan steps and the built-in plans, reflecting common French
//! practice (documented in README, "Dunning"):
//!
//! `default` — courtesy reminder by e-mail at due date + 1; firmer letter a
//! week later (+8); phone call asking for a payment date (+15); formal notice
//! (mise en demeure) by registered letter (+30); handover to litigation
//! (injonction de payer) or a collection agency (+60).
//!
//! `watch` (customers with a recent direct-debit return or who pay late) —
//! a preventive call 5 days before the due date (invoice received and
//! undisputed? payment date?), then the same steps, sooner: +1, +6, +10, +20, +45.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::DecimalSetting;

/// How a step reaches the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// E-mail.
    Email,
    /// Ordinary letter.
    Letter,
    /// Phone call.
    Phone,
    /// Registered letter with acknowledgement (formal notice).
    RegisteredLetter,
    /// Handover to litigation or a collection agency.
    Handover,
}

impl Channel {
    /// Snake-case name used in `dunning.csv`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Phone => "phone",
            Channel::RegisteredLetter => "registered_letter",
            Channel::Handover => "handover",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    /// Step name, written in `dunning.csv` (`courtesy_reminder`, `formal_notice`…).
    pub name: String,
    /// Days from the due date (negative = before it).
    pub offset_days: i32,
    /// Channel.
    pub channel: Channel,
    /// Minimum total due by the customer at this step (default 0).
    #[serde(default)]
    pub min_amount: Option<DecimalSetting>,
}

fn step(name: &str, offset_days: i32, channel: Channel) -> PlanStep {
    PlanStep {
        name: name.to_string(),
        offset_days,
        channel,
        min_amount: None,
    }
}

/// The position of a plan's formal notice (mise en demeure), given its steps'
/// names and channels in order: its step named `formal_notice`, else its
/// first `registered_letter` step; `None` when it has neither. Late charges
/// start there, the steps after it wait for the delay it gave the customer,
/// and a `handover` step needs it before (checked in `client.toml`). The one
/// definition the night and the plan check share.
pub fn notice_position<'a>(
    mut steps: impl Iterator<Item = (&'a str, Channel)> + Clone,
) -> Option<usize> {
    steps
        .clone()
        .position(|(name, _)| name == "formal_notice")
        .or_else(|| steps.position(|(_, c)| c == Channel::RegisteredLetter))
}

/// [`notice_position`] of a plan read.
pub fn notice_index(steps: &[PlanStep]) -> Option<usize> {
    notice_position(steps.iter().map(|s| (s.name.as_str(), s.channel)))
}

/// The built-in plans, `default` and `watch`.
pub fn default_plans() -> BTreeMap<String, Vec<PlanStep>> {
    use Channel::*;
    let default = vec![
        step("courtesy_reminder", 1, Email),
        step("firm_reminder", 8, Letter),
        step("phone_call", 15, Phone),
        step("formal_notice", 30, RegisteredLetter),
        step("litigation_handover", 60, Handover),
    ];
    let watch = vec![
        step("preventive_contact", -5, Phone),
        step("courtesy_reminder", 1, Email),
        step("firm_reminder", 6, Letter),
        step("phone_call", 10, Phone),
        step("formal_notice", 20, RegisteredLetter),
        step("litigation_handover", 45, Handover),
    ];
    BTreeMap::from([
        ("default".to_string(), default),
        ("watch".to_string(), watch),
    ])
}
