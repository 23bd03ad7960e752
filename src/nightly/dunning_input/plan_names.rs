//! `customers.csv`'s `dunning_plan` must name a plan in force (built in or
//! from `client.toml`): a typo is refused like any other bad cell, never
//! read as the default plan (the harshest one a customer may be on).
//! An empty cell means the plan pointage derives (README, "Dunning").

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::PlanStep;
use crate::ledger::{Customer, LedgerError, LedgerErrorKind};

/// The first customer (in file order) whose `dunning_plan` names no plan in
/// `plans`, as an error naming `file`, its line, the column, the value and
/// the plans known.
pub fn check_plan_names(
    customers: &BTreeMap<String, Customer>,
    plans: &BTreeMap<String, Vec<PlanStep>>,
    file: &Path,
) -> Result<(), LedgerError> {
    let mut unknown: Vec<(&Customer, &str)> = customers
        .values()
        .filter_map(|c| {
            let name = c.dunning_plan.as_deref()?.trim();
            (!name.is_empty() && !plans.contains_key(name)).then_some((c, name))
        })
        .collect();
    unknown.sort_by_key(|(c, _)| c.line);
    let Some((c, name)) = unknown.first() else {
        return Ok(());
    };
    let known: Vec<&str> = plans.keys().map(String::as_str).collect();
    Err(LedgerError {
        file: file.to_path_buf(),
        line: c.line,
        column: Some("dunning_plan".into()),
        kind: LedgerErrorKind::Invalid {
            expected: format!(
                "a plan of client.toml or a built-in one ({}), or nothing for the plan pointage derives",
                known.join(", ")
            ),
            found: (*name).to_string(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DunningConfig;

    fn customer(id: &str, line: u64, plan: Option<&str>) -> Customer {
        Customer {
            customer_id: id.into(),
            name: id.into(),
            customer_type: crate::ledger::CustomerType::B2b,
            ibans: Vec::new(),
            learned_ibans: Vec::new(),
            aliases: Vec::new(),
            mandate_ids: Vec::new(),
            email: None,
            phone: None,
            address: None,
            dunning_plan: plan.map(str::to_string),
            line,
        }
    }

    #[test]
    fn an_unknown_plan_is_refused_with_its_line_and_the_plans_known() {
        let plans = DunningConfig::default().effective_plans();
        let mut cs = BTreeMap::new();
        for c in [
            customer("A", 4, Some("gentel")),
            customer("B", 2, Some("wacth")),
            customer("C", 3, Some("watch")),
            customer("D", 5, Some(" ")),
            customer("E", 6, None),
        ] {
            cs.insert(c.customer_id.clone(), c);
        }
        let err = check_plan_names(&cs, &plans, Path::new("c/customers.csv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "c/customers.csv: line 2, column dunning_plan: expected a plan of client.toml or a \
             built-in one (default, watch), or nothing for the plan pointage derives, found \"wacth\""
        );
        cs.remove("B");
        cs.remove("A");
        assert_eq!(
            check_plan_names(&cs, &plans, Path::new("c/customers.csv")),
            Ok(())
        );
    }
}
