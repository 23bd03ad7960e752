//! Checks of the dunning plans a `client.toml` defines. The night works on a
//! plan's list positions (the highest step due is the one sent, a step is
//! sent once per invoice by its name, charges start at the formal notice's
//! position), so a plan is refused when:
//!
//! - its steps are not listed in the order they fall due, each strictly later
//!   than the one before (a step listed after a later one would be skipped,
//!   and one listed after the formal notice would bring its late charges on a
//!   mere reminder; of two steps on one day only the second would be sent);
//! - two of its steps have the same name (the second would never be sent);
//! - a step has no name, or the name of a step of the return path or of the
//!   quiet-period e-mail (their records would be taken for each other);
//! - a `handover` step has no formal notice before it (the plan's
//!   `formal_notice` step, else its first `registered_letter`,
//!   [`super::notice_position`]): never a handover without a notice;
//! - a step's `min_amount` is below zero (a slip: it would be taken as no
//!   minimum without a word).
//!
//! The error names the file, the line of the step at fault, the plan and the
//! step. Steps are never re-sorted: which order a person meant is theirs to
//! say.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

/// Step names the night uses outside the plans: the return paths'
/// (`dunning::returns_path`) and the quiet-period e-mail (`dunning::quiet`).
pub const RESERVED_STEPS: [&str; 7] = [
    "return_call",
    "return_letter",
    "return_second_letter",
    "new_details_letter",
    "dispute_call",
    "full_balance_demand",
    "quiet_period_preventive",
];

#[derive(Deserialize, Default)]
struct RawFile {
    #[serde(default)]
    dunning: RawDunning,
}

#[derive(Deserialize, Default)]
struct RawDunning {
    #[serde(default)]
    plans: BTreeMap<String, Vec<RawStep>>,
}

#[derive(Deserialize)]
struct RawStep {
    name: Spanned<String>,
    offset_days: Spanned<i32>,
    channel: Spanned<super::Channel>,
    #[serde(default)]
    min_amount: Option<Spanned<super::DecimalSetting>>,
}

/// What is wrong with a plan: the byte offset in the file of the value at
/// fault (for its line) and a message naming the plan and the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFault {
    /// Byte offset of the value at fault.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

/// Checks the plans of `client.toml` text already read without error.
pub fn check(text: &str) -> Result<(), PlanFault> {
    // The file was read once already; a second reading that fails has
    // nothing more to say.
    let Ok(raw) = toml::from_str::<RawFile>(text) else {
        return Ok(());
    };
    // The first fault in the file, whatever the plans' names.
    raw.dunning
        .plans
        .iter()
        .filter_map(|(plan, steps)| check_plan(plan, steps).err())
        .min_by_key(|f| f.at)
        .map_or(Ok(()), Err)
}

fn check_plan(plan: &str, steps: &[RawStep]) -> Result<(), PlanFault> {
    let key = format!("dunning.plans.{plan}");
    let mut names = BTreeSet::new();
    let mut previous: Option<&RawStep> = None;
    for step in steps {
        let name = step.name.get_ref();
        let fault = |at: usize, message: String| PlanFault {
            at,
            message: format!("{key}: step {name:?}: {message}"),
        };
        if name.trim().is_empty() {
            return Err(fault(
                step.name.span().start,
                "a step needs a name (it is written in dunning.csv)".into(),
            ));
        }
        if RESERVED_STEPS.contains(&name.as_str()) {
            return Err(fault(
                step.name.span().start,
                "this name is a step of the return path or the quiet-period e-mail: give the plan's step another name".into(),
            ));
        }
        if let Some(min) = step
            .min_amount
            .as_ref()
            .filter(|m| m.get_ref().0 < Decimal::ZERO)
        {
            return Err(fault(
                min.span().start,
                format!(
                    "min_amount {} must not be negative (0, the default, sends the step whatever the amount)",
                    min.get_ref().0
                ),
            ));
        }
        if !names.insert(name.as_str()) {
            return Err(fault(
                step.name.span().start,
                "listed twice in the plan: a step is sent once per invoice, so the second would never be sent; give each step its own name".into(),
            ));
        }
        if let Some(p) = previous {
            let (before, now) = (*p.offset_days.get_ref(), *step.offset_days.get_ref());
            if now <= before {
                return Err(fault(
                    step.offset_days.span().start,
                    format!(
                        "offset_days {now} is not after the step listed before it ({:?}, offset_days {before}): list the steps in the order they are sent, each on a later day (a step out of order would be skipped, or bring late charges before the formal notice)",
                        p.name.get_ref()
                    ),
                ));
            }
        }
        previous = Some(step);
    }
    let notice = super::notice_position(
        steps
            .iter()
            .map(|s| (s.name.get_ref().as_str(), *s.channel.get_ref())),
    );
    for (i, step) in steps.iter().enumerate() {
        if *step.channel.get_ref() == super::Channel::Handover && notice.is_none_or(|n| n >= i) {
            return Err(PlanFault {
                at: step.channel.span().start,
                message: format!(
                    "{key}: step {:?}: a handover with no formal notice before it: put a step named \"formal_notice\" (or a registered_letter step) before it; never a handover without a formal notice",
                    step.name.get_ref()
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_night_s_own_step_names_are_reserved() {
        assert!(RESERVED_STEPS.contains(&crate::dunning::quiet::PREVENTIVE_STEP));
        // The return paths' steps, read from their table, so that a step
        // added there cannot be missed here.
        use crate::dunning::returns_path::{FULL_BALANCE_STEP, path_steps};
        use crate::returns::ReturnCategory as C;
        assert!(RESERVED_STEPS.contains(&FULL_BALANCE_STEP));
        for c in [
            C::InsufficientFunds,
            C::Disputed,
            C::AccountOrMandate,
            C::Unknown,
            C::Deceased,
            C::Technical,
        ] {
            for (name, _, _) in path_steps(c) {
                assert!(RESERVED_STEPS.contains(name), "{name} is not reserved");
            }
        }
    }

    #[test]
    fn the_built_in_plans_pass() {
        for steps in super::super::default_plans().values() {
            let notice = super::super::notice_index(steps).unwrap();
            assert_eq!(steps[notice].name, "formal_notice");
            for (i, s) in steps.iter().enumerate() {
                if s.channel == super::super::Channel::Handover {
                    assert!(notice < i);
                }
            }
            let mut names = BTreeSet::new();
            for w in steps.windows(2) {
                assert!(w[0].offset_days < w[1].offset_days);
            }
            for s in steps {
                assert!(names.insert(&s.name));
                assert!(!RESERVED_STEPS.contains(&s.name.as_str()));
            }
        }
    }

    fn parse(text: &str) -> Result<super::super::ClientConfig, super::super::ConfigError> {
        super::super::ClientConfig::parse(text, std::path::Path::new("acme/client.toml"))
    }

    const ODD: &str = "[dunning]\n\
[[dunning.plans.odd]]\nname = \"courtesy_reminder\"\noffset_days = 1\nchannel = \"email\"\n\
[[dunning.plans.odd]]\nname = \"formal_notice\"\noffset_days = 30\nchannel = \"registered_letter\"\n\
[[dunning.plans.odd]]\nname = \"firm_reminder\"\noffset_days = 8\nchannel = \"letter\"\n";

    #[test]
    fn steps_out_of_order_are_refused_naming_the_line_plan_and_step() {
        let e = parse(ODD).unwrap_err();
        // `offset_days = 8` of the third step, line 12.
        assert_eq!(e.line, 12, "{e}");
        let text = e.to_string();
        assert!(text.starts_with("acme/client.toml: line 12:"), "{text}");
        assert!(text.contains("dunning.plans.odd"), "{text}");
        assert!(text.contains("\"firm_reminder\""), "{text}");
        assert!(text.contains("\"formal_notice\""), "{text}");
        // Two steps on one day: only the second would ever be sent.
        let same = ODD.replace("offset_days = 8", "offset_days = 30");
        assert_eq!(parse(&same).unwrap_err().line, 12);
        // In order, the same plan is read.
        let ordered = ODD
            .replace("offset_days = 30", "offset_days = X")
            .replace("offset_days = 8", "offset_days = 30")
            .replace("offset_days = X", "offset_days = 8")
            .replace("\"formal_notice\"", "\"tmp\"")
            .replace("\"firm_reminder\"", "\"formal_notice\"")
            .replace("\"tmp\"", "\"firm_reminder\"")
            .replace("\"registered_letter\"", "\"tmp\"")
            .replace("\"letter\"", "\"registered_letter\"")
            .replace("\"tmp\"", "\"letter\"");
        let c = parse(&ordered).unwrap();
        let names: Vec<&str> = c.dunning.plans["odd"]
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["courtesy_reminder", "firm_reminder", "formal_notice"]
        );
    }

    #[test]
    fn a_step_named_twice_is_refused_naming_the_second() {
        let dup = "[dunning]\n\
[[dunning.plans.dup]]\nname = \"reminder\"\noffset_days = 1\nchannel = \"email\"\n\
[[dunning.plans.dup]]\nname = \"reminder\"\noffset_days = 10\nchannel = \"letter\"\n";
        let e = parse(dup).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(
            e.message.contains("dunning.plans.dup: step \"reminder\""),
            "{e}"
        );
        assert!(e.message.contains("twice"), "{e}");
        // Inline tables too.
        let inline = "[dunning.plans]\ndup = [\n  { name = \"r\", offset_days = 1, channel = \"email\" },\n  { name = \"r\", offset_days = 9, channel = \"letter\" },\n]\n";
        assert_eq!(parse(inline).unwrap_err().line, 4);
    }

    #[test]
    fn a_handover_with_no_formal_notice_before_it_is_refused() {
        let plan = |steps: &[(&str, i32, &str)]| {
            steps
                .iter()
                .map(|(n, o, c)| {
                    format!(
                        "[[dunning.plans.p]]\nname = \"{n}\"\noffset_days = {o}\nchannel = \"{c}\"\n"
                    )
                })
                .collect::<String>()
        };
        // Review 22 #1: a handover before the notice, or with none at all.
        for (t, line) in [
            (
                plan(&[
                    ("courtesy_reminder", 1, "email"),
                    ("agency", 20, "handover"),
                    ("formal_notice", 30, "registered_letter"),
                ]),
                8,
            ),
            (
                plan(&[("relance", 1, "email"), ("contentieux", 60, "handover")]),
                8,
            ),
            (plan(&[("formal_notice", 30, "handover")]), 4),
        ] {
            let e = parse(&t).unwrap_err();
            assert_eq!(e.line, line, "{e}");
            assert!(e.message.starts_with("dunning.plans.p: step"), "{e}");
            assert!(e.message.contains("no formal notice before it"), "{e}");
        }
        // A registered letter stands for the notice when no step is named so.
        let fr = plan(&[
            ("relance", 1, "email"),
            ("mise_en_demeure", 30, "registered_letter"),
            ("contentieux", 60, "handover"),
        ]);
        assert!(parse(&fr).is_ok());
    }

    #[test]
    fn a_step_named_as_a_return_path_step_or_unnamed_is_refused() {
        for name in ["full_balance_demand", "return_call", " "] {
            let t = format!(
                "[[dunning.plans.p]]\nname = \"{name}\"\noffset_days = 1\nchannel = \"email\"\n"
            );
            let e = parse(&t).unwrap_err();
            assert_eq!(e.line, 2, "{name}: {e}");
            assert!(e.message.contains("dunning.plans.p"), "{e}");
        }
    }

    #[test]
    fn a_negative_min_amount_is_refused_naming_the_line_plan_and_step() {
        let t = "[dunning]\n[[dunning.plans.p]]\nname = \"a\"\noffset_days = 1\nchannel = \"email\"\nmin_amount = \"-5\"\n";
        let e = parse(t).unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        assert!(
            e.message
                .starts_with("dunning.plans.p: step \"a\": min_amount -5"),
            "{e}"
        );
        // Inline, as a number too.
        let inline = "[dunning.plans]\np = [\n  { name = \"a\", offset_days = 1, channel = \"email\", min_amount = -0.01 },\n]\n";
        assert_eq!(parse(inline).unwrap_err().line, 3);
        // Zero and a positive minimum are read.
        for ok in ["\"0\"", "0", "\"50.00\"", "50"] {
            let c = parse(&t.replace("\"-5\"", ok)).unwrap();
            assert!(c.dunning.plans["p"][0].min_amount.is_some(), "{ok}");
        }
    }
}
