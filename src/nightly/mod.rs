//! The nightly run for one client (`pointage run`), in this order:
//!
//! 1. take the client's lock (a second run exits at once);
//! 2. open state; a night already committed rewrites its outputs byte for
//!    byte and changes nothing; any other date before the last committed
//!    night is refused;
//! 3. load the client folder (settings, invoices, customers, statements,
//!    promises and decisions, a missing one from the copy kept in state:
//!    [`people`]) — fault point `after_parse`;
//! 4. in one SQLite transaction: keep tonight's people's files, import
//!    statements ([`import`]), put apart
//!    the history of invoice numbers that now name another invoice or
//!    customer ([`identity`]), process
//!    debits ([`debits`]: returns reopen invoices), match credits
//!    ([`credits`]), settle alerts ([`alerting`]), plan dunning
//!    ([`dunning_input`]), render the files ([`render`]) and store them
//!    ([`prepare_client`] ends here, the transaction open); then
//!    ([`finish`]) write them under temporary names in OUT_DIR and fsync
//!    them — fault point `before_commit`, commit, `after_commit`;
//! 5. rename the files into place, `summary.json` last ([`outputs`]: fault
//!    points `mid_rename`, `before_summary`), then record that they all are:
//!    until then a later night is refused, and a failure here is
//!    [`RunError::OutputsIncomplete`] (committed; run the night again).
//!
//! A crash or a write error (disk full, read-only) before the commit leaves
//! state and the previous outputs as they were, so the rerun starts clean;
//! after it, the rerun rewrites the same bytes. [`phase`] traces the stages
//! for the crash tests when asked to.

pub mod alerting;
pub mod credits;
pub mod debits;
pub mod decisions;
pub mod delivery;
pub mod dunning_input;
pub mod effective;
pub mod entry_finding;
pub mod error;
pub mod failpoint;
pub mod finish;
pub mod identity;
pub mod import;
pub mod link;
pub mod outputs;
pub mod people;
pub mod phase;
pub mod refused;
pub mod render;
pub mod report_input;
pub mod summary;
pub mod waiting;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::client::load_client_knowing;
use crate::config::ClientConfig;
use crate::dunning::{DunningRun, plan_actions};
use crate::state::{ClientLock, LockError, State, StateError};

pub use error::RunError;
use error::explain_disk;
pub use finish::Prepared;
pub use outputs::Outputs;
use people::People;
use phase::Phase;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The client folder.
    pub client_dir: PathBuf,
    /// The night.
    pub date: NaiveDate,
    /// Where the files go.
    pub out_dir: PathBuf,
    /// The state folder (default `CLIENT_DIR/.pointage`).
    pub state_dir: PathBuf,
}

impl RunOptions {
    /// The default state folder of a client.
    pub fn default_state_dir(client_dir: &Path) -> PathBuf {
        client_dir.join(".pointage")
    }
}

/// How the run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunKind {
    /// A new night was committed and written.
    Committed,
    /// The night was already committed: its outputs were written again.
    Replayed,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Committed or replayed.
    pub kind: RunKind,
    /// The files written.
    pub outputs: Outputs,
}

fn client_id(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(dir)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs one client's night: [`prepare_client`], then [`Prepared::finish`].
pub fn run_client(opts: &RunOptions) -> Result<RunReport, RunError> {
    prepare_client(opts)?.finish()
}

/// Steps 1 to 4 of a client's night up to its files rendered and stored in
/// the open transaction: everything but the durable end ([`finish`]).
pub fn prepare_client(opts: &RunOptions) -> Result<Prepared, RunError> {
    prepare(opts).map_err(explain_disk)
}

fn prepare(opts: &RunOptions) -> Result<Prepared, RunError> {
    // A mistyped path must not leave a state folder (with its lock and an
    // empty database) where no client is.
    if !opts.client_dir.is_dir() {
        let reason = if opts.client_dir.exists() {
            "a file, not a folder"
        } else {
            "no such folder"
        };
        return Err(RunError::Input(crate::client::ClientError::NotAClient {
            dir: opts.client_dir.clone(),
            reason: reason.into(),
        }));
    }
    let id = client_id(&opts.client_dir);
    let lock = ClientLock::acquire(&opts.state_dir).map_err(|e| match e {
        LockError::Io { path, source } => RunError::State(StateError::Io { path, source }),
        busy => RunError::Locked(busy),
    })?;
    let mut state = State::open(&opts.state_dir)?;
    if let Some(files) = state.committed_outputs(opts.date)? {
        return Ok(Prepared {
            state,
            lock,
            id,
            date: opts.date,
            out_dir: opts.out_dir.clone(),
            outputs: Outputs::from_files(files),
            kind: RunKind::Replayed,
        });
    }
    if let Some(last) = state.last_run()?
        && opts.date < last
    {
        return Err(RunError::DateBeforeLast {
            client: id,
            date: opts.date,
            last,
        });
    }
    // A committed night whose files never all reached OUT: its steps are
    // recorded as sent. No later night until it is run again.
    if let Some(night) = state.first_unpublished()? {
        return Err(RunError::EarlierNightIncomplete {
            client: id,
            date: opts.date,
            night,
        });
    }

    phase::mark(&id, Phase::Parse);
    let config = ClientConfig::load(&opts.client_dir)?;
    let seen = state.seen_files()?;
    let client = load_client_knowing(&opts.client_dir, &|name, sha| {
        seen.get(&(name.to_string(), sha.to_string())).copied()
    })?;
    // A `dunning_plan` naming no plan is refused, never read as the default.
    dunning_input::check_plan_names(
        &client.ledger.customers,
        &config.dunning.effective_plans(),
        &opts.client_dir.join("customers.csv"),
    )
    .map_err(|e| RunError::Input(e.into()))?;
    // A people's file missing tonight is read from the copy kept in state.
    let people = People::load(&opts.client_dir, &state)?;
    failpoint::hit("after_parse");

    let outputs = night(&mut state, &id, opts.date, &config, &client, &people)?;
    Ok(Prepared {
        state,
        lock,
        id,
        date: opts.date,
        out_dir: opts.out_dir.clone(),
        outputs,
        kind: RunKind::Committed,
    })
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> RunError + '_ {
    move |source| {
        RunError::State(StateError::Sql {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Tonight's ledger with the aliases decisions taught merged into the
/// customers (a customer only in invoices.csv gets a record of its own).
fn with_aliases<'a>(
    ledger: &'a crate::ledger::Ledger,
    aliases: &std::collections::BTreeMap<String, Vec<crate::state::decisions::Alias>>,
) -> std::borrow::Cow<'a, crate::ledger::Ledger> {
    if aliases.is_empty() {
        // Nothing taught: tonight's ledger as loaded, not a copy of it.
        return std::borrow::Cow::Borrowed(ledger);
    }
    let mut out = ledger.clone();
    for (cid, list) in aliases {
        let Some(inv) = ledger.invoices.iter().find(|i| &i.customer_id == cid) else {
            continue;
        };
        let c = out
            .customers
            .entry(cid.clone())
            .or_insert_with(|| crate::ledger::Customer {
                customer_id: cid.clone(),
                name: inv.customer_name.clone(),
                customer_type: crate::ledger::CustomerType::B2b,
                ibans: Vec::new(),
                learned_ibans: Vec::new(),
                aliases: Vec::new(),
                mandate_ids: Vec::new(),
                email: None,
                phone: None,
                address: None,
                dunning_plan: None,
                line: 0,
            });
        for a in list {
            // A taught IBAN is kept apart from customers.csv's: weaker
            // evidence (matching::rules::payer_fit).
            let target = if a.kind == "iban" {
                if c.ibans.contains(&a.value) {
                    continue;
                }
                &mut c.learned_ibans
            } else {
                &mut c.aliases
            };
            if !target.contains(&a.value) {
                target.push(a.value.clone());
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Everything between loading and the durable end, in one transaction left
/// open for [`Prepared::finish`], which stages the files in OUT_DIR (written
/// under temporary names) before it commits, so a write error leaves the
/// night uncommitted. On an error here the transaction is rolled back.
fn night(
    state: &mut State,
    id: &str,
    date: NaiveDate,
    config: &ClientConfig,
    client: &crate::client::ClientData,
    people: &People,
) -> Result<Outputs, RunError> {
    let db_path = state.path().to_path_buf();
    let e = sql(&db_path);
    let rd = date.to_string();
    phase::mark(id, Phase::Match);
    let mut tx = state.conn().transaction().map_err(&e)?;
    people.keep(&tx, &rd).map_err(&e)?;

    let mut import = import::import(&tx, &client.statements, &rd).map_err(&e)?;
    let tonight = import::in_memory(&client.statements, &import);
    // A number the ERP reused, relabelled or moved: the earlier invoice's
    // history put apart before tonight's export is recorded.
    let identity_alerts = identity::archive_changed(&tx, &client.ledger, &rd).map_err(&e)?;
    // How the export moved since the last night, read before tonight's is
    // recorded: money left waiting the ERP may have booked is held.
    waiting::record_moves(&tx, &client.ledger, &rd).map_err(&e)?;
    // An export listing nothing, read against the last that listed
    // invoices, before tonight's is recorded.
    let last_export = if client.ledger.invoices.is_empty() {
        crate::state::ledger::last_export(&tx).map_err(&e)?
    } else {
        None
    };
    crate::state::ledger::upsert_invoices(&tx, &client.ledger.invoices, &rd).map_err(&e)?;
    let mandate_customer = |m: Option<&str>| {
        let m = m?;
        client
            .ledger
            .customers
            .values()
            .find(|c| c.mandate_ids.iter().any(|x| x == m))
            .map(|c| c.customer_id.clone())
    };
    let debits = debits::run(
        &tx,
        &rd,
        config.alerts.repeat_return_months,
        &mandate_customer,
        &tonight,
    )
    .map_err(&e)?;
    let decided = match &people.decisions {
        Some(rows) => {
            let file = people.decisions_file(&client.dir);
            decisions::run(&tx, &file, rows, &client.ledger, &rd).map_err(&e)?
        }
        // Missing, and no copy kept (a client upgraded from a release that
        // kept none): nothing people decided changes.
        None => decisions::DecisionStep::default(),
    };
    let aliases = crate::state::decisions::aliases(&tx).map_err(&e)?;
    let ledger = with_aliases(&client.ledger, &aliases);
    let rejected = crate::state::decisions::rejections(&tx).map_err(&e)?;
    crate::state::cleared::remember(&tx, &config.dunning.cleared_gaps, &rd).map_err(&e)?;
    // An invoice whose number only changed form is held, and takes no money
    // (its look-alike's history is where money belongs).
    let renumbered = identity::renumbered(&tx, &ledger).map_err(&e)?;
    let takes_no_money: std::collections::BTreeSet<&str> =
        renumbered.iter().map(|a| a.invoice_id.as_str()).collect();
    let credits = credits::run(
        &tx,
        &ledger,
        config,
        &rd,
        (&rejected, &takes_no_money),
        &tonight,
    )
    .map_err(|err| match err {
        credits::CreditError::Sql(s) => e(s),
        other => RunError::Check(other.to_string()),
    })?;
    // The invoices a refused statement's credits would pay: held, its alert
    // naming them (a dry run: nothing applied, no state changed).
    let refused_holds = refused::hold(
        &tx,
        &client.statements,
        &mut import,
        &credits,
        &ledger,
        config,
        &rejected,
    )
    .map_err(&e)?;

    let calendar = Calendar::new(config.dunning.days_off.iter().copied());
    // A promises.csv line edited into one matching nothing: what it held
    // before gets no formal notice tonight.
    let lines = dunning_input::Lines {
        rows: &people.promises,
        previous: &people.previous_promises,
    };
    let promised =
        dunning_input::promise_night(&tx, &client.ledger, &lines, &calendar, config, date, |i| {
            credits.open_after(i)
        })
        .map_err(&e)?;

    let matched_before = alerting::matched_before(&tx, &credits, &rd).map_err(&e)?;
    let mut conditions = alerting::credit_conditions(&credits, &matched_before);
    conditions.extend(alerting::unexplained_conditions(&credits, &ledger));
    conditions.extend(alerting::beyond_conditions(&credits, &ledger));
    conditions.extend(alerting::held_conditions(&credits));
    conditions.extend(identity::held(&tx, &ledger, &credits).map_err(&e)?);
    conditions.extend(renumbered);
    conditions.extend(promised.unmatched);
    conditions.extend(people.missing_alerts(&rd));
    conditions.extend(alerting::empty_export_condition(
        &client.ledger,
        last_export.as_ref(),
    ));
    // Customer ids of tonight's invoices missing from customers.csv.
    let renames = crate::state::moves::renames(&tx).map_err(&e)?;
    let unknown = dunning_input::unknown_customers(&client.ledger, &renames);
    conditions.extend(unknown.alerts.iter().cloned());
    // One customer id carrying several customers' names: held, named.
    let several = dunning_input::several_names(&client.ledger);
    conditions.extend(several.alerts.iter().cloned());
    let headers = crate::state::statements::headers(&tx).map_err(&e)?;
    // Gaps and stopped statements cleared in client.toml or by a `clear_gap`
    // decision are not raised again: the formal notices they held go out.
    // Those found later on the same accounts are raised, and hold them; one
    // found tonight (not stored yet) is cleared by a value or line of
    // tonight. Balance mismatches and conflicting statements are events:
    // raised, and resolved at once when cleared.
    let statement_alerts: Vec<crate::alerts::Alert> = alerting::sequence_conditions(&headers)
        .into_iter()
        .chain(alerting::stale_conditions(
            &headers,
            date,
            &calendar,
            config.alerts.stale_statement_days,
        ))
        .collect();
    let cleared =
        crate::state::cleared::cleared(&tx, statement_alerts.iter().chain(&import.alerts), &rd)
            .map_err(&e)?;
    conditions.extend(
        statement_alerts
            .into_iter()
            .filter(|a| !cleared.contains_key(&a.key)),
    );
    let mut events = identity_alerts;
    events.extend(import.alerts.iter().cloned());
    events.extend(debits.alerts.iter().cloned());
    events.extend(decided.alerts.iter().cloned());
    events.extend(alerting::partial_payments(&credits));
    events.extend(promised.broken);
    // An invoice gone from the export is settled, unless a return reopened
    // it since the ERP last exported it (the ERP closed it on the collection
    // and has not booked the return yet): its alert stays open. A state that
    // cannot answer keeps the alert open too.
    // Nor is one the ERP lettered when it sent a collection that came back
    // (pointage applied nothing to it): its return's alert stays open until
    // the ERP shows it open again or a payment pointage applies settles it.
    let settled = |invoice: &str| match credits.open_after(invoice) {
        Some(open) => open.is_zero() && !credits.unreopened.contains(invoice),
        None => !crate::state::ledger::reopened_since_exported(&tx, invoice).unwrap_or(true),
    };
    let alerts = alerting::settle(&tx, date, conditions, events, settled, &cleared).map_err(&e)?;

    let run = DunningRun::new(
        id,
        date,
        &calendar,
        &config.dunning,
        dunning_input::hold_formal(&alerts),
    );
    let plan_names: BTreeSet<String> = run.plans.keys().cloned().collect();
    let mut customers = dunning_input::customers(
        &tx,
        &ledger,
        config,
        date,
        &credits,
        &alerts,
        &promised.status,
        &plan_names,
        &refused_holds,
    )
    .map_err(&e)?;
    dunning_input::charge_as_consumers(&mut customers, &unknown);
    dunning_input::hold_edited(&mut customers, &promised.edited_holds);
    dunning_input::hold_several_names(&mut customers, &several);
    let actions = plan_actions(&run, &customers);
    for a in &actions {
        let customer = customers.iter().find(|c| c.customer_id == a.customer_id);
        let delay = customer.and_then(|c| crate::dunning::notice_delay(&run, c, &a.step));
        let role = if customer.is_some_and(|c| crate::dunning::is_formal_notice(&run, c, &a.step)) {
            Some(crate::state::events::ROLE_FORMAL_NOTICE)
        } else if a.channel == crate::config::Channel::Handover {
            Some(crate::state::events::ROLE_HANDOVER)
        } else {
            None
        };
        crate::state::events::record_action(&tx, &rd, a, delay, role).map_err(&e)?;
    }
    let last_payment = crate::state::ledger::last_payment_dates(&tx, &rd).map_err(&e)?;
    let facts =
        report_input::state_facts(&tx, &report_input::unexplained_debits(&alerts)).map_err(&e)?;

    let outputs = render::render(&render::NightData {
        client_id: id,
        run_date: date,
        ledger: &client.ledger,
        import: &import,
        credits: &credits,
        debits: &debits,
        decisions: &decided,
        aliases: &aliases,
        alerts: &alerts,
        customers: &customers,
        actions: &actions,
        last_payment: &last_payment,
        lang: crate::reports::format::Lang::parse(&config.report.language),
        facts: &facts,
    })?;

    let all: Vec<String> = outputs
        .files()
        .iter()
        .map(|f| format!("{}:{}", f.name, f.sha256))
        .collect();
    let files: Vec<crate::state::runs::FileToStore<'_>> = outputs
        .files()
        .iter()
        .map(|f| crate::state::runs::FileToStore {
            name: &f.name,
            sha256: &f.sha256,
            bytes: &f.bytes,
        })
        .collect();
    crate::state::runs::record(
        &tx,
        &rd,
        &outputs::sha256(all.join("\n").as_bytes()),
        &files,
    )
    .map_err(&e)?;
    // The transaction stays open on the connection, which `Prepared` owns
    // until `finish` commits it.
    tx.set_drop_behavior(rusqlite::DropBehavior::Ignore);
    drop(tx);
    Ok(outputs)
}
