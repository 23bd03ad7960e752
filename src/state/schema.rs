//! The state database's schema, as numbered migrations. `PRAGMA user_version`
//! holds the number applied; opening a database applies the missing ones in
//! one transaction. A database newer than this binary is refused.
//!
//! Money is stored as text (`Money::to_plain`), dates as `YYYY-MM-DD`: exact,
//! readable with `sqlite3 .dump`, and sorted correctly as text.

/// Migrations in order; index + 1 is the schema version.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE runs (
    run_date      TEXT PRIMARY KEY,          -- the night, YYYY-MM-DD
    outputs_hash  TEXT NOT NULL              -- SHA-256 over the output files' hashes
);

CREATE TABLE run_outputs (
    run_date  TEXT NOT NULL REFERENCES runs(run_date),
    name      TEXT NOT NULL,                 -- file name in OUT_DIR
    sha256    TEXT NOT NULL,
    bytes     BLOB NOT NULL,                 -- so a rerun rewrites the same bytes
    PRIMARY KEY (run_date, name)
);

CREATE TABLE statements (
    account       TEXT NOT NULL,
    statement_id  TEXT NOT NULL,
    content_hash  TEXT NOT NULL,             -- of the parsed statement, not the file
    format        TEXT NOT NULL,
    sequence      INTEGER,
    from_date     TEXT,
    to_date       TEXT,
    opening       TEXT,
    closing       TEXT,
    currency      TEXT NOT NULL,
    run_date      TEXT NOT NULL,             -- night it was imported
    PRIMARY KEY (account, statement_id)
);

CREATE TABLE statement_files (
    account       TEXT NOT NULL,
    statement_id  TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    run_date      TEXT NOT NULL,
    PRIMARY KEY (account, statement_id, file_name)
);

CREATE TABLE transactions (
    account            TEXT NOT NULL,
    entry_id           TEXT NOT NULL,
    statement_id       TEXT NOT NULL,
    position           INTEGER NOT NULL,     -- order within the statement
    booking_date       TEXT,
    value_date         TEXT,
    amount             TEXT NOT NULL,
    currency           TEXT NOT NULL,
    kind               TEXT NOT NULL,
    status             TEXT NOT NULL,        -- booked / pending / info
    notification       INTEGER NOT NULL,     -- 1 when from a camt.054/052
    bank_ref           TEXT,
    counterparty_name  TEXT,
    counterparty_iban  TEXT,
    end_to_end_id      TEXT,
    mandate_id         TEXT,
    remittance         TEXT NOT NULL,
    return_reason      TEXT,
    details            TEXT NOT NULL,        -- JSON of what matching reads
    remaining          TEXT NOT NULL,        -- money not yet applied ("0.00" = none)
    processed_run      TEXT,                 -- night it was first matched; NULL = waiting
    linked_to          TEXT,                 -- the statement/notification entry it details
    PRIMARY KEY (account, entry_id)
);
CREATE INDEX transactions_waiting ON transactions(processed_run, booking_date);

CREATE TABLE invoices (
    invoice_id      TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL,
    customer_name   TEXT NOT NULL,
    issue_date      TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    amount          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    mandate_id      TEXT,
    exported_open   TEXT NOT NULL,           -- open_amount in the latest export
    first_seen_run  TEXT NOT NULL,
    last_seen_run   TEXT NOT NULL,
    settled_run     TEXT                     -- night pointage saw it fully settled
);

CREATE TABLE applications (
    id              INTEGER PRIMARY KEY,
    run_date        TEXT NOT NULL,
    account         TEXT NOT NULL,
    entry_id        TEXT NOT NULL,
    invoice_id      TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    applied         TEXT NOT NULL,
    writeoff        TEXT NOT NULL,
    writeoff_kind   TEXT NOT NULL,
    rule            TEXT NOT NULL,
    confidence      TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    recorded_open   TEXT NOT NULL,           -- the invoice's exported open amount then
    reversed_run    TEXT,                    -- set when a return undid it
    reversed_open   TEXT                     -- the invoice's exported open amount then
);
CREATE INDEX applications_invoice ON applications(invoice_id);
CREATE INDEX applications_entry ON applications(account, entry_id);

CREATE TABLE direct_debits (
    id              INTEGER PRIMARY KEY,
    run_date        TEXT NOT NULL,
    event           TEXT NOT NULL,           -- collected / returned
    account         TEXT NOT NULL,
    entry_id        TEXT NOT NULL,
    customer_id     TEXT,
    invoice_id      TEXT,
    mandate_id      TEXT,
    end_to_end_id   TEXT,
    amount          TEXT NOT NULL,
    booking_date    TEXT,
    reason_code     TEXT
);
CREATE INDEX direct_debits_customer ON direct_debits(customer_id, event);

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    alert_key       TEXT NOT NULL UNIQUE,    -- what makes two alerts the same
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    invoice_id      TEXT NOT NULL,
    entry_id        TEXT NOT NULL,
    amount          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    reason_code     TEXT NOT NULL,
    message         TEXT NOT NULL,
    first_raised    TEXT NOT NULL,
    resolved_run    TEXT,
    resolution      TEXT
);

CREATE TABLE dunning_actions (
    action_id       TEXT PRIMARY KEY,
    run_date        TEXT NOT NULL,
    action_date     TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    step            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    invoice_ids     TEXT NOT NULL,
    amount_due      TEXT NOT NULL,
    currency        TEXT NOT NULL
);

CREATE TABLE dunning_steps (
    invoice_id      TEXT NOT NULL,
    step            TEXT NOT NULL,
    run_date        TEXT NOT NULL,
    PRIMARY KEY (invoice_id, step)
);
"#,
    // 2: people's decisions (decisions.csv), what they taught, what they released.
    r#"
CREATE TABLE decisions (
    decision_key  TEXT PRIMARY KEY,          -- kind|entry|invoice|amount: applied once
    kind          TEXT NOT NULL,
    entry_id      TEXT NOT NULL,
    invoice_id    TEXT NOT NULL,
    amount        TEXT,
    note          TEXT NOT NULL,
    run_date      TEXT NOT NULL,
    outcome       TEXT NOT NULL              -- "applied" or why it was refused
);

CREATE TABLE rejections (
    entry_id      TEXT NOT NULL,
    invoice_id    TEXT NOT NULL,
    decision_key  TEXT NOT NULL,
    PRIMARY KEY (entry_id, invoice_id)
);

CREATE TABLE aliases (
    customer_id   TEXT NOT NULL,
    kind          TEXT NOT NULL,             -- name / iban
    value         TEXT NOT NULL,
    decision_key  TEXT NOT NULL,             -- the decision that taught it
    run_date      TEXT NOT NULL,
    PRIMARY KEY (customer_id, kind, value)
);

CREATE TABLE cleared_accounts (
    account       TEXT PRIMARY KEY,          -- '*' = every account
    decision_key  TEXT NOT NULL,
    run_date      TEXT NOT NULL
);
"#,
    // 3: indexes for finding an entry's counterpart (same bank reference, or
    // same amount and booking date) without scanning the account.
    r#"
CREATE INDEX transactions_ref ON transactions(account, notification, bank_ref);
CREATE INDEX transactions_amount ON transactions(account, notification, amount, booking_date);
"#,
    // 4: the stored copies of a night's outputs compressed (state/runs.rs).
    r#"
ALTER TABLE run_outputs ADD COLUMN encoding TEXT NOT NULL DEFAULT '';  -- '' plain, 'zstd'
"#,
    // 5: queries run every night found through indexes instead of a scan of
    // every transaction ever imported (which grew with every night): the
    // waiting money (only the rows with money left, in reading order), and
    // the collections a returned direct debit may undo, and a debit's
    // details for the report, known by its entry id alone. And the statement
    // files already imported whole, so that a folder keeping every day's
    // file is not parsed again from the start every night.
    r#"
DROP INDEX transactions_waiting;
CREATE INDEX transactions_open ON transactions(account, statement_id, position)
    WHERE status = 'booked' AND remaining != '0.00';
CREATE INDEX transactions_e2e ON transactions(end_to_end_id) WHERE end_to_end_id IS NOT NULL;
CREATE INDEX transactions_mandate ON transactions(mandate_id, amount) WHERE mandate_id IS NOT NULL;
CREATE INDEX transactions_entry ON transactions(entry_id, account);
CREATE TABLE seen_files (
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,               -- of the file's bytes
    reader      TEXT NOT NULL,               -- the pointage version that read it
    statements  INTEGER NOT NULL,            -- how many it held, all imported
    run_date    TEXT NOT NULL,
    PRIMARY KEY (file_name, sha256, reader)
);
"#,
    // 6: an application keeps the booking date of the money it applied, so
    // the last payment of tonight's invoices and customers' lateness are
    // read from applications alone instead of joining every transaction
    // (a transaction's booking date never changes once imported).
    r#"
ALTER TABLE applications ADD COLUMN paid_date TEXT;  -- transaction's booking date; NULL: none (write-off)
UPDATE applications SET paid_date = (
    SELECT t.booking_date FROM transactions t
    WHERE t.account = applications.account AND t.entry_id = applications.entry_id);
"#,
    // 7: an application keeps the invoice's amount that night, so an amount
    // the ERP changes later (a corrected invoice) moves what pointage
    // recorded with it (nightly::effective). NULL before: no shift.
    r#"
ALTER TABLE applications ADD COLUMN recorded_amount TEXT;  -- the invoice's exported amount then
"#,
    // 8: promises to pay judged kept: every invoice they cover settled on the
    // first night after their grace days. A kept promise is settled for good
    // (a broken one is remembered by its `broken_promise` alert key).
    r#"
CREATE TABLE promises_kept (
    promise_key   TEXT PRIMARY KEY,          -- customer:invoice (or *):promised date
    run_date      TEXT NOT NULL              -- the night it was judged kept
);
"#,
    // 9: an invoice number the ERP exports for another invoice (another
    // issue date or currency) or another customer (state::incarnations). The
    // earlier invoice's row, applications, direct debits and open alerts are
    // kept under a distinct id (`{id}~{issue date}` or `{id}~{currency}`),
    // so its history no longer applies to the new one; a moved invoice's
    // dunning ladder starts again for its new customer.
    r#"
ALTER TABLE invoices ADD COLUMN archived_from TEXT;   -- archived: the number it was exported under
ALTER TABLE invoices ADD COLUMN archived_run TEXT;    -- archived: the night the number changed
ALTER TABLE invoices ADD COLUMN archive_reason TEXT;  -- archived: reused / redated / currency
ALTER TABLE invoices ADD COLUMN ladder_from TEXT;     -- the night its dunning ladder restarted (moved)
CREATE INDEX invoices_archived ON invoices(archived_from) WHERE archived_from IS NOT NULL;
"#,
    // 10: people's decisions name the account of an entry id two accounts
    // share. A decision keeps the account its line named or its entry was
    // found on (empty: before this release, or none), and a rejection is of
    // an entry of one account ('' for those recorded before: any account).
    r#"
ALTER TABLE decisions ADD COLUMN account TEXT NOT NULL DEFAULT '';
CREATE TABLE rejections_by_account (
    account       TEXT NOT NULL,             -- '' = any account (recorded before)
    entry_id      TEXT NOT NULL,
    invoice_id    TEXT NOT NULL,
    decision_key  TEXT NOT NULL,
    PRIMARY KEY (account, entry_id, invoice_id)
);
INSERT INTO rejections_by_account (account, entry_id, invoice_id, decision_key)
    SELECT '', entry_id, invoice_id, decision_key FROM rejections;
DROP TABLE rejections;
ALTER TABLE rejections_by_account RENAME TO rejections;
"#,
    // 11: the `cleared_gaps` values of client.toml and the first night each
    // was there: a value clears the statement alerts of its account raised
    // by that night, never a gap found later (state/cleared.rs). A value
    // removed from the file is forgotten.
    r#"
CREATE TABLE config_cleared (
    account      TEXT PRIMARY KEY,           -- as statements key it; '*' = every account
    first_night  TEXT NOT NULL               -- the first night it was in client.toml
);
"#,
    // 12: the last copy of each people's file read (state/people_files.rs):
    // a night without `promises.csv` or `decisions.csv` reads it instead.
    r#"
CREATE TABLE people_files (
    name     TEXT PRIMARY KEY,               -- promises.csv / decisions.csv
    night    TEXT NOT NULL,                  -- the last night it was in the client folder
    sha256   TEXT NOT NULL,                  -- of bytes
    bytes    BLOB NOT NULL                   -- exactly as read
);
"#,
    // 13: the delay a formal notice gave the customer
    // (days to its plan's first handover step), kept with the notice: a
    // customer moved to a plan with a shorter delay still gets the one the
    // notice named (dunning/plan.rs `notice_gate`). NULL on other steps and
    // on notices recorded before it.
    r#"
ALTER TABLE dunning_steps ADD COLUMN notice_delay_days INTEGER;
"#,
    // 14: the notification entries of a day not yet linked to a statement,
    // found without reading every notification the account ever had: a
    // statement's entry looks for them by booking date and compares its
    // amount with each entry's total (nightly::link::pairs).
    r#"
CREATE INDEX transactions_notified ON transactions(account, booking_date)
    WHERE notification = 1 AND linked_to IS NULL;
"#,
    // 15: a CFONB block inside another block of its day that grew over it
    // (the whole day re-sent after its morning and afternoon blocks): its
    // continuity is that block's, left out of the sequence check
    // (nightly::delivery::resent).
    r#"
ALTER TABLE statements ADD COLUMN grown_into TEXT;
"#,
    // 16: the ladder of an invoice put aside when it moved to another
    // customer (its steps kept under `archived_id`, NULL when none had gone
    // out; `ladder_from` as it was): when the invoice moves back to that
    // customer, they come back with it (nightly::identity).
    r#"
CREATE TABLE ladders_set_aside (
    invoice_id     TEXT NOT NULL,            -- the live number
    customer_id    TEXT NOT NULL,            -- the customer the steps went to
    archived_id    TEXT,                     -- where its steps are kept
    ladder_from    TEXT,                     -- the invoice's ladder_from then
    set_aside_run  TEXT NOT NULL,            -- the night it moved away
    restored_run   TEXT                      -- the night it moved back
);
CREATE INDEX ladders_set_aside_invoice ON ladders_set_aside(invoice_id, customer_id);
"#,
    // 17: customer ids the ERP renamed (same name, the old id gone that
    // night): a promises.csv line naming the old id still holds the
    // customer's invoices (nightly::dunning_input::promises).
    r#"
CREATE TABLE customer_renames (
    old_id    TEXT NOT NULL,
    new_id    TEXT NOT NULL,
    run_date  TEXT NOT NULL,                 -- the night it was seen
    PRIMARY KEY (old_id, new_id)
);
"#,
    // 18: the step's role in its plan, whatever its name: 'formal_notice'
    // (the plan's mise en demeure) or 'handover' (a handover step), NULL
    // for the others. A customer moved to a plan naming them otherwise gets
    // neither a second time, and its handover counts from the first notice
    // (dunning/plan.rs). Steps recorded before: the built-in names, or a
    // delay recorded with a notice (migration 13).
    r#"
ALTER TABLE dunning_steps ADD COLUMN role TEXT;
UPDATE dunning_steps SET role = 'formal_notice'
    WHERE step = 'formal_notice' OR notice_delay_days IS NOT NULL;
UPDATE dunning_steps SET role = 'handover' WHERE step = 'litigation_handover';
"#,
    // 19: whether a committed night's outputs were all renamed into place
    // (nightly::run). A night committed whose files could not all be
    // published stays 0 until it is run again; a later night is refused
    // meanwhile. Nights committed before are taken as published.
    r#"
ALTER TABLE runs ADD COLUMN published INTEGER NOT NULL DEFAULT 1;
"#,
    // 20: the bank entry of the collection a return undid: a customer's
    // returns count per collection, and a re-presented collection reusing
    // the end-to-end id (an ERP putting the invoice number or the mandate
    // there) is another one (nightly::dunning_input::customers). NULL for a
    // return linked to no collection (`end_to_end_id` then names it).
    // Returns recorded before named their collection by its end-to-end id
    // (or entry id when it had none): the latest collection booked under it
    // by the return's day is the one the return was linked to.
    r#"
ALTER TABLE direct_debits ADD COLUMN collection_account TEXT;
ALTER TABLE direct_debits ADD COLUMN collection_entry TEXT;
UPDATE direct_debits SET (collection_account, collection_entry) = (
    SELECT t.account, t.entry_id FROM transactions t
    WHERE (t.end_to_end_id = direct_debits.end_to_end_id
           OR t.entry_id = direct_debits.end_to_end_id)
      AND t.amount NOT LIKE '-%' AND t.status = 'booked'
      AND (direct_debits.booking_date IS NULL
           OR t.booking_date <= direct_debits.booking_date)
    ORDER BY t.account = direct_debits.account DESC, t.booking_date DESC, t.entry_id
    LIMIT 1)
WHERE event = 'returned' AND end_to_end_id IS NOT NULL;
"#,
    // 21: the night each promises.csv line (by its key) was first read: a
    // promised date already over then is a typo, never a broken promise
    // (nightly::dunning_input::promise_past). A client with nights before
    // gets a `~upgrade` marker: the lines of its next night may have been
    // read on any earlier one, and are recorded with no date (never taken
    // for new).
    r#"
CREATE TABLE promise_lines (
    promise_key  TEXT PRIMARY KEY,
    first_read   TEXT NOT NULL
);
INSERT INTO promise_lines (promise_key, first_read)
    SELECT '~upgrade', run_date FROM runs ORDER BY run_date DESC LIMIT 1;
"#,
    // 22: how much each invoice's export fell, on a night some money of an
    // earlier night was waiting, by more than pointage's own applications
    // explain (nightly::waiting): money left waiting that the ERP may have
    // booked meanwhile is not applied again by the matcher.
    r#"
CREATE TABLE erp_moves (
    run_date     TEXT NOT NULL,              -- the night the export showed it
    invoice_id   TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    currency     TEXT NOT NULL,
    fell         TEXT NOT NULL,              -- by how much (positive)
    PRIMARY KEY (run_date, invoice_id)
);
CREATE INDEX erp_moves_customer ON erp_moves(customer_id, currency, run_date);
"#,
    // 23: a booked entry's day is its booking date, else its value date
    // (statement::Entry::day). Returns and payments earlier releases kept
    // with no day, their bank having given a value date only, get it: such a
    // return counts towards a second one, such a payment is an invoice's last.
    r#"
UPDATE direct_debits SET booking_date = (
    SELECT t.value_date FROM transactions t
    WHERE t.account = direct_debits.account AND t.entry_id = direct_debits.entry_id)
WHERE booking_date IS NULL;
UPDATE applications SET paid_date = (
    SELECT t.value_date FROM transactions t
    WHERE t.account = applications.account AND t.entry_id = applications.entry_id
      AND t.booking_date IS NULL)
WHERE paid_date IS NULL AND applied != '0.00';
"#,
    // 24: the notified rows a statement entry may be are looked for by the
    // entry's day, booking date else value date, as their own: a statement
    // giving a value date only still finds the camt.054 row of its payment
    // (never counted twice).
    r#"
DROP INDEX transactions_notified;
CREATE INDEX transactions_notified ON transactions(account, COALESCE(booking_date, value_date))
    WHERE notification = 1 AND linked_to IS NULL;
"#,
    // 25: whether a statement's own movements add up to its closing
    // balance (1), or not (0); NULL for those imported before (taken as
    // adding up, as they were then): a statement that does not add up
    // says nothing of where the account's balance went
    // (state::continuation).
    r#"
ALTER TABLE statements ADD COLUMN closes INTEGER;
"#,
    // 26: the part of an ERP move the change of its invoice's amount
    // explains (positive: lowered, negative: raised); the rest of `fell`
    // is what the ERP lettered (negative: undone). An invoice raised after
    // the ERP lettered its payment takes back no lettering
    // (nightly::waiting::moves). NULL for the moves recorded before (read
    // as letterings, as then).
    r#"
ALTER TABLE erp_moves ADD COLUMN by_amount TEXT;
"#,
    // 27: the customer an invoice belonged to before the ERP moved it to
    // another, that night or a few nights before it fell: its fall is read
    // by both customers' payments (the ERP may have lettered either's:
    // verify 42 early3 M1, early4 M2, verify 44 moved M1). NULL when it did
    // not move. `invoice_owners`: each night the export showed an invoice
    // under another customer than the night before, and which.
    r#"
ALTER TABLE erp_moves ADD COLUMN moved_from TEXT;
CREATE INDEX erp_moves_moved_from ON erp_moves(moved_from, currency, run_date)
    WHERE moved_from IS NOT NULL;
CREATE TABLE invoice_owners (
    invoice_id  TEXT NOT NULL,
    left_from   TEXT NOT NULL,               -- the customer it was under
    run_date    TEXT NOT NULL,               -- the night it showed under another
    PRIMARY KEY (invoice_id, run_date)
);
"#,
];
