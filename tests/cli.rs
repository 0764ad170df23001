//! The `baton` command line as a user meets it: what it prints, its exact error lines and
//! exit codes. Every test works on its own temporary database, in UTC, at a fixed "now".
//! The tests in `on_both_backends!` run on SQLite and on PostgreSQL (team mode), and
//! must see the same behaviour on both; those about files on disk are SQLite's alone.

#[macro_use]
mod common;

use std::path::Path;
use std::process::Stdio;

use serde_json::{Value, json};

use common::BIN;
use common::cli::{Backend, Board, DbBy, SALES_TO_ONBOARDING};

/// Friday noon of the week the scenarios play out in.
const NOW: &str = "2026-03-06T12:00:00Z";

/// This file's boards run at [`NOW`] and name their database in `BATON_DB`.
impl Board {
    /// A folder with no database in it yet.
    fn empty() -> Board {
        Board::empty_at(NOW, DbBy::Env)
    }

    /// A fresh database, created with `baton init`.
    fn new() -> Board {
        Board::new_on(Backend::Sqlite)
    }

    /// A database with nothing in it yet, on `backend`.
    fn empty_on_backend(backend: Backend) -> Board {
        Board::empty_on(backend, NOW, DbBy::Env)
    }

    /// A fresh database on `backend`, created with `baton init`.
    fn new_on(backend: Backend) -> Board {
        let board = Board::empty_on_backend(backend);
        board.ok(&["init"]);
        board
    }

    /// `history:` lines name who acted in a column 10 wide: this board's actor, padded.
    fn who(&self) -> String {
        format!("{:<10}", self.actor())
    }
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("readable")
}

/// The files in a folder, by name.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Three teams and two boundaries: one with a complete contract, one without.
fn small_org() -> Board {
    small_org_on(Backend::Sqlite)
}

fn small_org_on(backend: Backend) -> Board {
    let board = Board::new_on(backend);
    board.ok(&["team", "add", "sales", "--name", "Sales", "--lead", "dana"]);
    board.ok(&["team", "add", "onboarding", "--name", "Onboarding"]);
    board.ok(&["team", "add", "support"]);
    board.ok(SALES_TO_ONBOARDING);
    board.ok(&["boundary", "add", "onboarding", "support", "--sla", "4h"]);
    board
}

on_both_backends!(init_creates_the_database_and_says_what_comes_next);
fn init_creates_the_database_and_says_what_comes_next(backend: Backend) {
    let board = Board::empty_on_backend(backend);
    let out = board.ok(&["init"]);
    assert_eq!(
        out,
        format!(
            "ready: {}\nnext: baton team add KEY, then baton boundary add FROM TO\n",
            board.place()
        )
    );
    assert!(board.exists());
    // A second init keeps the board and says nothing about next steps once it has teams.
    board.ok(&["team", "add", "sales"]);
    assert_eq!(board.ok(&["init"]), format!("ready: {}\n", board.place()));
    assert_eq!(board.ok(&["team", "ls"]).lines().count(), 2);
}

on_both_backends!(a_missing_database_suggests_baton_init_and_is_not_created);
fn a_missing_database_suggests_baton_init_and_is_not_created(backend: Backend) {
    let board = Board::empty_on_backend(backend);
    for args in [
        &["ls"][..],
        &["team", "ls"],
        &["attention"],
        &["add", "x", "--team", "sales"],
    ] {
        assert_eq!(
            board.error(args),
            format!(
                "error: no Baton database at {}; create one with `baton init` (or `baton init --demo`)",
                board.place()
            )
        );
    }
    assert!(listing(board.dir.path()).is_empty());
    assert!(!board.exists());
    if let Some(pg) = &board.pg {
        assert!(
            board.place().contains(":***@"),
            "the password is hidden: {}",
            board.place()
        );
        let group: bool = pg
            .admin()
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
                &[&pg.writers_group()],
            )
            .expect("query")
            .get(0);
        assert!(!group, "no writers' role was made");
    }
}

#[test]
fn db_flag_wins_over_the_environment() {
    let board = Board::new();
    let other = board.path("other.db");
    let other_arg = other.to_str().expect("utf-8 path");
    board.ok(&["--db", other_arg, "init"]);
    board.ok(&["--db", other_arg, "team", "add", "ops"]);
    assert_eq!(
        board.ok(&["team", "ls"]),
        "no teams yet; add one with `baton team add KEY`\n"
    );
    assert!(board.ok(&["--db", other_arg, "team", "ls"]).contains("ops"));
}

on_both_backends!(teams_are_added_listed_and_refused_when_repeated_or_badly_named);
fn teams_are_added_listed_and_refused_when_repeated_or_badly_named(backend: Backend) {
    let board = Board::new_on(backend);
    assert_eq!(
        board.ok(&["team", "add", "sales", "--name", "Sales", "--lead", "dana"]),
        "added team sales\n"
    );
    assert_eq!(
        board.ok(&["team", "add", "onboarding"]),
        "added team onboarding\n"
    );
    assert_eq!(
        board.ok(&["team", "ls"]),
        "KEY         NAME        LEAD\n\
         sales       Sales       dana\n\
         onboarding  onboarding  —\n"
    );
    assert_eq!(
        board.json(&["team", "ls", "--json"]),
        json!([
            {"key": "sales", "name": "Sales", "lead": "dana"},
            {"key": "onboarding", "name": "onboarding"}
        ])
    );
    assert_eq!(
        board.error(&["team", "add", "sales"]),
        "error: team `sales` already exists"
    );
    assert_eq!(
        board.error(&["team", "add", "bad key"]),
        "error: `bad key` is not a team key (use up to 32 letters, digits, - and _)"
    );
}

on_both_backends!(boundaries_show_their_contract_and_mark_an_incomplete_one);
fn boundaries_show_their_contract_and_mark_an_incomplete_one(backend: Backend) {
    let board = Board::new_on(backend);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "onboarding"]);
    board.ok(&["team", "add", "support"]);
    assert_eq!(
        board.ok(SALES_TO_ONBOARDING),
        "added boundary sales → onboarding\n"
    );
    assert_eq!(
        board.ok(&["boundary", "add", "onboarding", "support", "--sla", "4h"]),
        "added boundary onboarding → support\n\
         its contract is incomplete, missing: trigger, definition of done, expected outcome, \
         next owner, escalation contact; complete it with `baton boundary edit onboarding support`\n"
    );
    assert_eq!(
        board.ok(&["boundary", "ls"]),
        "BOUNDARY              SLA  NEXT OWNER  IN LIMBO  CONTRACT\n\
         sales → onboarding    2d   priya       0         complete\n\
         onboarding → support  4h   —           0         incomplete: missing trigger, \
         definition of done, expected outcome, next owner, escalation contact\n"
    );
    let listed = board.json(&["boundary", "ls", "--json"]);
    assert_eq!(listed[0]["complete"], json!(true));
    assert_eq!(listed[0]["sla"], json!("2d"));
    assert_eq!(
        listed[0]["definition_of_done"],
        json!(["Order form attached", "Kick-off date agreed"])
    );
    assert_eq!(listed[1]["complete"], json!(false));
    assert_eq!(
        listed[1]["missing"],
        json!([
            "trigger",
            "definition of done",
            "expected outcome",
            "next owner",
            "escalation contact"
        ])
    );
    assert_eq!(
        board.ok(&["boundary", "show", "sales", "onboarding"]),
        format!(
            "sales → onboarding\n\
         trigger:     Deal signed\n\
         done when:\n  \
           1. Order form attached\n  \
           2. Kick-off date agreed\n\
         outcome:     Customer live\n\
         next owner:  priya\n\
         SLA:         2d\n\
         escalate to: vp-ops\n\
         \n\
         in limbo (0):\n\
         \n\
         contract history:\n  \
           2026-03-06 12:00  {}  contract agreed\n",
            board.actor()
        )
    );
    assert_eq!(
        board.ok(&["boundary", "show", "onboarding", "support"]),
        format!(
            "onboarding → support\n\
         trigger:     — missing\n\
         done when:   — missing\n\
         outcome:     — missing\n\
         next owner:  — missing\n\
         SLA:         4h\n\
         escalate to: — missing\n\
         incomplete contract: missing trigger, definition of done, expected outcome, next owner, escalation contact\n\
         \n\
         in limbo (0):\n\
         \n\
         contract history:\n  \
           2026-03-06 12:00  {}  contract agreed\n",
            board.actor()
        )
    );
    // Editing changes only what is named, and still says what is missing.
    assert_eq!(
        board.ok(&[
            "boundary",
            "edit",
            "onboarding",
            "support",
            "--trigger",
            "Go-live",
            "--owner",
            "sam",
            "--done",
            "Runbook linked",
        ]),
        "updated onboarding → support\n\
         trigger:     Go-live\n\
         done when:\n  \
           1. Runbook linked\n\
         outcome:     — missing\n\
         next owner:  sam\n\
         SLA:         4h\n\
         escalate to: — missing\n\
         incomplete contract: missing expected outcome, escalation contact\n"
    );
    board.ok(&[
        "boundary",
        "edit",
        "onboarding",
        "support",
        "--outcome",
        "Ticket queue owned",
        "--escalate-to",
        "head-support",
        "--sla",
        "1d",
        "--clear-done",
        "--done",
        "Runbook reviewed",
    ]);
    let shown = board.json(&["boundary", "show", "onboarding", "support", "--json"]);
    assert_eq!(shown["missing"], json!([]));
    assert_eq!(shown["sla"], json!("1d"));
    assert_eq!(shown["definition_of_done"], json!(["Runbook reviewed"]));
    assert!(
        board
            .ok(&["boundary", "ls"])
            .contains("onboarding → support  1d   sam         0         complete\n")
    );
}

on_both_backends!(boundary_mistakes_are_refused_by_name);
fn boundary_mistakes_are_refused_by_name(backend: Backend) {
    let board = small_org_on(backend);
    assert_eq!(
        board.error(&["boundary", "add", "sales", "onboarding"]),
        "error: the boundary sales → onboarding already exists; change it with `baton boundary edit sales onboarding`"
    );
    assert_eq!(
        board.error(&["boundary", "add", "sales", "sales"]),
        "error: a boundary needs two different teams, not sales → sales"
    );
    assert_eq!(
        board.error(&["boundary", "add", "sales", "finance"]),
        "error: unknown team `finance` (teams: sales, onboarding, support)"
    );
    // A key typed in another case is named as written.
    assert_eq!(
        board.error(&["ls", "--team", "Support"]),
        "error: unknown team `Support`; did you mean `support`? (teams: sales, onboarding, support)"
    );
    assert_eq!(
        board.error(&["boundary", "add", "support", "sales", "--sla", "2x"]),
        "error: --sla: `2x` is not a duration (use 90m, 4h, 2d or 1w, up to 520w)"
    );
    assert_eq!(
        board.error(&["boundary", "show", "support", "sales"]),
        "error: there is no boundary support → sales"
    );
    assert_eq!(
        board.error(&["boundary", "edit", "support", "sales", "--sla", "1d"]),
        "error: there is no boundary support → sales"
    );
}

on_both_backends!(add_prints_the_new_item_and_its_id_as_json);
fn add_prints_the_new_item_and_its_id_as_json(backend: Backend) {
    let board = small_org_on(backend);
    assert_eq!(
        board.ok(&["add", "Renewal for ACME", "--team", "sales"]),
        "added #1 Renewal for ACME to sales\n"
    );
    let item = board.json(&[
        "add",
        "Globex pilot",
        "--team",
        "sales",
        "--owner",
        "dana",
        "--due",
        "2026-03-20",
        "--tag",
        "pilot",
        "--tag",
        "q1",
        "--at",
        "2026-03-05 09:30",
        "--json",
    ]);
    assert_eq!(
        item,
        json!({
            "id": 2,
            "title": "Globex pilot",
            "team": "sales",
            "owner": "dana",
            "state": "active",
            "due": "2026-03-20T23:59:00Z",
            "tags": ["pilot", "q1"],
            "created_at": "2026-03-05T09:30:00Z",
            "updated_at": "2026-03-05T09:30:00Z"
        })
    );
    assert_eq!(
        board.error(&["add", "Lost", "--team", "finance"]),
        "error: unknown team `finance` (teams: sales, onboarding, support)"
    );
    assert_eq!(
        board.error(&["add", "   ", "--team", "sales"]),
        "error: a title is required"
    );
    assert_eq!(
        board.error(&["add", "Later", "--team", "sales", "--due", "tomorrow"]),
        "error: --due: `tomorrow` is not a time (use RFC 3339, or YYYY-MM-DD[ HH:MM] in local time)"
    );
    // Nothing was created by the refused commands.
    assert_eq!(
        board
            .json(&["ls", "--json", "--all"])
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

/// The organisation of the week: sales → solutions → onboarding → support.
fn week_org() -> Board {
    week_org_on(Backend::Sqlite)
}

fn week_org_on(backend: Backend) -> Board {
    let board = Board::new_on(backend);
    board.ok(&["team", "add", "sales", "--name", "Sales", "--lead", "dana"]);
    board.ok(&["team", "add", "solutions", "--name", "Solutions"]);
    board.ok(&["team", "add", "onboarding", "--name", "Onboarding"]);
    board.ok(&["team", "add", "support", "--name", "Support"]);
    board.ok(&[
        "boundary",
        "add",
        "sales",
        "solutions",
        "--trigger",
        "Deal signed",
        "--done",
        "Order form attached",
        "--done",
        "Budget owner named",
        "--outcome",
        "Solution design",
        "--owner",
        "priya",
        "--sla",
        "2d",
        "--escalate-to",
        "vp-sales",
    ]);
    board.ok(&[
        "boundary",
        "add",
        "solutions",
        "onboarding",
        "--trigger",
        "Design approved",
        "--done",
        "Design doc linked",
        "--outcome",
        "Customer live",
        "--owner",
        "omar",
        "--sla",
        "1d",
        "--escalate-to",
        "head-cs",
    ]);
    // Incomplete on purpose: no next owner, no escalation contact.
    board.ok(&["boundary", "add", "onboarding", "support", "--sla", "4h"]);
    board
}

/// Monday 2026-03-02 to Friday 2026-03-06, every change at the time it really happened.
/// Returns the board as it stands on Friday noon.
fn play_the_week(board: &Board) {
    let step = |args: &[&str], want: &str| {
        assert_eq!(board.ok(args), format!("{want}\n"), "baton {args:?}");
    };
    // #1 goes to solutions on Monday and is never accepted.
    board.ok(&[
        "add",
        "Renewal for ACME",
        "--team",
        "sales",
        "--owner",
        "dana",
        "--at",
        "2026-03-02 09:00",
    ]);
    assert_eq!(
        board.error(&[
            "send",
            "1",
            "--to",
            "solutions",
            "--note",
            "Signed Friday",
            "--at",
            "2026-03-02 10:00"
        ]),
        "error: definition of done for sales → solutions not met: unticked “Order form attached”, \
         “Budget owner named”; tick them with --done N or --all-done, or send anyway with --force \
         (recorded as an incomplete handoff)"
    );
    assert_eq!(
        board.error(&[
            "send",
            "1",
            "--to",
            "onboarding",
            "--note",
            "Signed",
            "--all-done",
            "--at",
            "2026-03-02 10:00"
        ]),
        "error: there is no boundary from sales to onboarding; items held by sales can be sent to: solutions"
    );
    assert_eq!(
        board.error(&[
            "send",
            "1",
            "--to",
            "solutions",
            "--note",
            "Signed",
            "--done",
            "3",
            "--at",
            "2026-03-02 10:00"
        ]),
        "error: sales → solutions has no definition-of-done entry 3 (it has 2)"
    );
    assert_eq!(
        board.error(&[
            "send",
            "1",
            "--to",
            "solutions",
            "--note",
            "  ",
            "--all-done",
            "--at",
            "2026-03-02 10:00"
        ]),
        "error: a handoff note (what the receiving team must know) is required"
    );
    step(
        &[
            "send",
            "1",
            "--to",
            "solutions",
            "--note",
            "Signed Friday, budget with Ann",
            "--all-done",
            "--at",
            "2026-03-02 10:00",
        ],
        "#1 sent sales → solutions: “Signed Friday, budget with Ann”  [in limbo sales → solutions]",
    );

    // #2: one entry ticked; refused, then forced on Thursday midnight.
    board.ok(&[
        "add",
        "Globex pilot",
        "--team",
        "sales",
        "--owner",
        "dana",
        "--at",
        "2026-03-02 09:30",
    ]);
    assert_eq!(
        board.error(&[
            "send",
            "2",
            "--to",
            "solutions",
            "--note",
            "Pilot agreed",
            "--done",
            "1",
            "--at",
            "2026-03-05 00:00"
        ]),
        "error: definition of done for sales → solutions not met: unticked “Budget owner named”; \
         tick them with --done N or --all-done, or send anyway with --force (recorded as an \
         incomplete handoff)"
    );
    step(
        &[
            "send",
            "2",
            "--to",
            "solutions",
            "--note",
            "Pilot agreed",
            "--done",
            "1",
            "--force",
            "--at",
            "2026-03-05 00:00",
        ],
        "#2 sent sales → solutions: “Pilot agreed” (incomplete handoff, unticked: Budget owner named)  [in limbo sales → solutions]",
    );

    // #3 bounces twice, then is reclaimed.
    board.ok(&[
        "add",
        "Initech migration",
        "--team",
        "sales",
        "--owner",
        "erin",
        "--at",
        "2026-03-02 10:00",
    ]);
    step(
        &[
            "send",
            "3",
            "--to",
            "solutions",
            "--note",
            "Go",
            "--all-done",
            "--at",
            "2026-03-02 11:00",
        ],
        "#3 sent sales → solutions: “Go”  [in limbo sales → solutions]",
    );
    step(
        &[
            "bounce",
            "3",
            "--reason",
            "No budget owner",
            "--at",
            "2026-03-03 09:00",
        ],
        "#3 bounced back: “No budget owner”  [active with sales]",
    );
    step(
        &[
            "send",
            "3",
            "--to",
            "solutions",
            "--note",
            "Budget owner: Ann",
            "--all-done",
            "--at",
            "2026-03-03 10:00",
        ],
        "#3 sent sales → solutions: “Budget owner: Ann”  [in limbo sales → solutions]",
    );
    step(
        &[
            "bounce",
            "3",
            "--reason",
            "Ann has left",
            "--at",
            "2026-03-03 15:00",
        ],
        "#3 bounced back: “Ann has left”  [active with sales]",
    );
    step(
        &[
            "send",
            "3",
            "--to",
            "solutions",
            "--note",
            "Third time",
            "--all-done",
            "--at",
            "2026-03-04 09:00",
        ],
        "#3 sent sales → solutions: “Third time”  [in limbo sales → solutions]",
    );
    step(
        &[
            "reclaim",
            "3",
            "--reason",
            "Customer paused",
            "--at",
            "2026-03-04 10:00",
        ],
        "#3 reclaimed by the sender: “Customer paused”  [active with sales]",
    );

    // #4 crosses to onboarding, is accepted by the contract's owner, then escalated.
    board.ok(&[
        "add",
        "Umbrella onboarding",
        "--team",
        "solutions",
        "--at",
        "2026-03-02 12:00",
    ]);
    step(
        &[
            "send",
            "4",
            "--to",
            "onboarding",
            "--note",
            "Design signed off",
            "--all-done",
            "--at",
            "2026-03-02 13:00",
        ],
        "#4 sent solutions → onboarding: “Design signed off”  [in limbo solutions → onboarding]",
    );
    step(
        &["accept", "4", "--at", "2026-03-03 09:00"],
        "#4 accepted, owner omar  [active with onboarding]",
    );
    step(
        &[
            "escalate",
            "4",
            "--note",
            "Customer waiting",
            "--at",
            "2026-03-04 14:00",
        ],
        "#4 escalated to head-cs: “Customer waiting”  [active with onboarding]",
    );

    // #5 has nobody and is due tomorrow.
    board.ok(&[
        "add",
        "Hooli SSO",
        "--team",
        "onboarding",
        "--due",
        "2026-03-07",
        "--at",
        "2026-03-03 09:00",
    ]);
    // #6 was due yesterday.
    board.ok(&[
        "add",
        "Stark contract",
        "--team",
        "sales",
        "--owner",
        "dana",
        "--due",
        "2026-03-05",
        "--at",
        "2026-03-02 09:00",
    ]);
    // #7 crosses the incomplete boundary and breaches its 4h SLA.
    board.ok(&[
        "add",
        "Wayne support handover",
        "--team",
        "onboarding",
        "--owner",
        "omar",
        "--at",
        "2026-03-03 10:00",
    ]);
    step(
        &[
            "send",
            "7",
            "--to",
            "support",
            "--note",
            "Live since Wednesday",
            "--at",
            "2026-03-05 09:00",
        ],
        "#7 sent onboarding → support: “Live since Wednesday”  [in limbo onboarding → support]",
    );
    // #8 looks like #1, in another team.
    board.ok(&[
        "add",
        "ACME renewal",
        "--team",
        "support",
        "--owner",
        "sam",
        "--at",
        "2026-03-04 09:00",
    ]);
    // #9 is done, reopened, dropped and flagged.
    board.ok(&[
        "add",
        "Dropped lead",
        "--team",
        "sales",
        "--owner",
        "dana",
        "--at",
        "2026-03-02 09:00",
    ]);
    step(
        &["done", "9", "--note", "Closed", "--at", "2026-03-03 09:00"],
        "#9 done: “Closed”  [done]",
    );
    assert_eq!(
        board.error(&["done", "9", "--at", "2026-03-03 09:30"]),
        "error: cannot finish #9: it is done; there is nothing left to finish"
    );
    step(
        &[
            "reopen",
            "9",
            "--reason",
            "Not closed after all",
            "--at",
            "2026-03-03 10:00",
        ],
        "#9 reopened: “Not closed after all”  [active with sales]",
    );
    step(
        &[
            "drop",
            "9",
            "--reason",
            "Lost to a competitor",
            "--at",
            "2026-03-04 09:00",
        ],
        "#9 dropped: “Lost to a competitor”  [dropped]",
    );
    step(
        &[
            "flag",
            "9",
            "--note",
            "Nobody called back",
            "--at",
            "2026-03-04 09:05",
        ],
        "#9 flagged a dropped baton: “Nobody called back”  [dropped]",
    );
    // #10 is quiet: a new owner and a note, nothing to decide.
    board.ok(&[
        "add",
        "Quiet item",
        "--team",
        "sales",
        "--owner",
        "dana",
        "--at",
        "2026-03-02 09:00",
    ]);
    step(
        &["owner", "10", "frank", "--at", "2026-03-04 11:00"],
        "#10 owner set to frank  [active with sales]",
    );
    step(
        &[
            "note",
            "10",
            "Customer on holiday",
            "--at",
            "2026-03-04 11:05",
        ],
        "#10 note: “Customer on holiday”  [active with sales]",
    );
}

on_both_backends!(a_week_of_handoffs_reads_back_as_it_happened);
fn a_week_of_handoffs_reads_back_as_it_happened(backend: Backend) {
    let board = week_org_on(backend);
    play_the_week(&board);

    assert_eq!(
        board.ok(&["ls"]),
        "ID   STATE   WHERE                 OWNER  IN LIMBO                TITLE\n\
         #1   limbo   sales → solutions     —      4d 2h of 2d ✖ breached  Renewal for ACME\n\
         #2   limbo   sales → solutions     —      1d 12h of 2d ! at risk  Globex pilot\n\
         #3   active  sales                 erin                           Initech migration\n\
         #4   active  onboarding            omar                           Umbrella onboarding\n\
         #5   active  onboarding            —                              Hooli SSO\n\
         #6   active  sales                 dana                           Stark contract\n\
         #7   limbo   onboarding → support  —      1d 3h of 4h ✖ breached  Wayne support handover\n\
         #8   active  support               sam                            ACME renewal\n\
         #10  active  sales                 frank                          Quiet item\n"
    );
    assert_eq!(
        board.ok(&["ls", "--state", "dropped"]),
        "ID  STATE    WHERE  OWNER  IN LIMBO  TITLE\n\
         #9  dropped  sales  dana             Dropped lead\n"
    );
    // --team includes what is in limbo towards the team.
    let towards_solutions: Vec<i64> = board
        .json(&["ls", "--team", "solutions", "--json"])
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(towards_solutions, [1, 2]);

    let listed = board.json(&["ls", "--json"]);
    let items = listed.as_array().expect("array");
    assert_eq!(items.len(), 9);
    for item in items {
        for field in ["id", "title", "team", "owner", "state"] {
            assert!(item.get(field).is_some(), "{field} missing in {item}");
        }
        let in_limbo = item["state"] == "limbo";
        assert_eq!(item.get("boundary").is_some(), in_limbo, "{item}");
        assert_eq!(item.get("sent_at").is_some(), in_limbo, "{item}");
    }
    assert_eq!(items[0]["id"], json!(1));
    assert_eq!(items[0]["title"], json!("Renewal for ACME"));
    assert_eq!(items[0]["team"], json!("sales"));
    assert_eq!(items[0]["owner"], Value::Null);
    assert_eq!(items[0]["state"], json!("limbo"));
    assert_eq!(
        items[0]["boundary"],
        json!({"from": "sales", "to": "solutions"})
    );
    assert_eq!(items[0]["sent_at"], json!("2026-03-02T10:00:00Z"));
    assert_eq!(items[0]["sla_status"], json!("breached"));
    assert_eq!(items[3]["id"], json!(4));
    assert_eq!(items[3]["team"], json!("onboarding"));
    assert_eq!(items[3]["owner"], json!("omar"));
    assert_eq!(items[3]["state"], json!("active"));

    // The history names who acted: `tester` on SQLite, the database role in team mode.
    let who = board.who();
    assert_eq!(
        board.ok(&["show", "2"]),
        format!(
            "#2  Globex pilot\n  \
             state:     in limbo sales → solutions for 1d 12h of 2d ! at risk\n  \
             owner:     — (next owner per contract: priya)\n  \
             created:   2026-03-02 09:30\n\
             \n\
             handoff note:\n  \
               Pilot agreed\n\
             \n\
             contract:\n  \
               trigger:     Deal signed\n  \
               done when:\n    \
                 1. Order form attached\n    \
                 2. Budget owner named\n  \
               outcome:     Solution design\n  \
               next owner:  priya\n  \
               SLA:         2d\n  \
               escalate to: vp-sales\n\
             \n\
             needs attention:\n  \
               sla-at-risk         in limbo 1d 12h, SLA 2d: 12h left\n  \
               incomplete-handoff  handed off with 1 definition-of-done entry unticked: Budget owner named\n\
             \n\
             history:\n  \
               2026-03-02 09:30  {who} created in sales, owner dana\n  \
               2026-03-05 00:00  {who} sent sales → solutions: “Pilot agreed” (incomplete handoff, unticked: Budget owner named)\n"
        )
    );
    assert_eq!(
        board.ok(&["show", "4"]),
        format!(
            "#4  Umbrella onboarding\n  \
             state:     active with onboarding\n  \
             owner:     omar\n  \
             escalated: 2026-03-04 14:00 to head-cs\n  \
             created:   2026-03-02 12:00\n\
             \n\
             needs attention:\n  \
               escalated           escalated to head-cs 1d 22h ago\n\
             \n\
             history:\n  \
               2026-03-02 12:00  {who} created in solutions\n  \
               2026-03-02 13:00  {who} sent solutions → onboarding: “Design signed off”\n  \
               2026-03-03 09:00  {who} accepted, owner omar\n  \
               2026-03-04 14:00  {who} escalated to head-cs: “Customer waiting”\n"
        )
    );
    assert_eq!(
        board.ok(&["show", "9"]),
        format!(
            "#9  Dropped lead\n  \
             state:     dropped (last with sales)\n  \
             owner:     dana\n  \
             created:   2026-03-02 09:00\n\
             \n\
             history:\n  \
               2026-03-02 09:00  {who} created in sales, owner dana\n  \
               2026-03-03 09:00  {who} done: “Closed”\n  \
               2026-03-03 10:00  {who} reopened: “Not closed after all”\n  \
               2026-03-04 09:00  {who} dropped: “Lost to a competitor”\n  \
               2026-03-04 09:05  {who} flagged a dropped baton: “Nobody called back”\n"
        )
    );

    let shown = board.json(&["show", "3", "--json"]);
    assert_eq!(shown["id"], json!(3));
    assert_eq!(shown["team"], json!("sales"));
    assert_eq!(
        shown["owner"],
        json!("erin"),
        "the sender's owner comes back"
    );
    assert_eq!(shown["state"], json!("active"));
    assert!(shown.get("boundary").is_none());
    let kinds: Vec<&str> = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "sent",
            "bounced",
            "sent",
            "bounced",
            "sent",
            "reclaimed"
        ]
    );
    assert_eq!(
        shown["signals"],
        json!([{"code": "ping-pong", "reason": "bounced 2 times"}])
    );
    let shown = board.json(&["show", "1", "--json"]);
    assert_eq!(shown["state"], json!("limbo"));
    assert_eq!(
        shown["boundary"],
        json!({"from": "sales", "to": "solutions"})
    );
    assert_eq!(shown["sent_at"], json!("2026-03-02T10:00:00Z"));
    assert_eq!(
        shown["handoff_note"],
        json!("Signed Friday, budget with Ann")
    );
    assert_eq!(shown["contract"]["escalate_to"], json!("vp-sales"));

    // Worked out by hand for Friday 12:00:
    //  #6 overdue since Thursday 23:59 (12h 1m); #1 is 2d 2h past its 2d SLA, #7 23h past
    //  its 4h SLA; #4 escalated Wednesday 14:00; #5 due Saturday 23:59 (1d 11h 59m);
    //  #2 sent Thursday 00:00, 36h of 48h = 75%: at risk; #3 bounced twice; #8 and #1
    //  share every meaningful word of their titles. #10 and the dropped #9 need nothing.
    assert_eq!(
        board.ok(&["attention"]),
        "#6     Stark contract  [sales]\n       \
                overdue             overdue by 12h 1m (due 2026-03-05 23:59), with sales\n\
         #1     Renewal for ACME  [sales → solutions]\n       \
                sla-breached        in limbo 4d 2h, SLA 2d: breached by 2d 2h\n       \
                possible-duplicate  title is like #8 “ACME renewal”, held by support\n\
         #7     Wayne support handover  [onboarding → support]\n       \
                sla-breached        in limbo 1d 3h, SLA 4h: breached by 23h\n       \
                no-owner            in limbo onboarding → support and the contract names no next owner\n\
         #4     Umbrella onboarding  [onboarding]\n       \
                escalated           escalated to head-cs 1d 22h ago\n\
         #5     Hooli SSO  [onboarding]\n       \
                due-soon            due in 1d 11h (2026-03-07 23:59), with onboarding\n       \
                no-owner            held by onboarding and nobody owns it\n\
         #2     Globex pilot  [sales → solutions]\n       \
                sla-at-risk         in limbo 1d 12h, SLA 2d: 12h left\n       \
                incomplete-handoff  handed off with 1 definition-of-done entry unticked: Budget owner named\n\
         #3     Initech migration  [sales]\n       \
                ping-pong           bounced 2 times\n\
         #8     ACME renewal  [support]\n       \
                possible-duplicate  title is like #1 “Renewal for ACME”, held by sales\n\
         \n\
         boundaries:\n  \
           onboarding → support     contract-incomplete contract is missing: trigger, definition of done, expected outcome, next owner, escalation contact\n"
    );
    let queue = board.json(&["attention", "--json"]);
    let codes: Vec<(i64, Vec<&str>)> = queue
        .as_array()
        .expect("array")
        .iter()
        .map(|a| {
            (
                a["id"].as_i64().expect("id"),
                a["signals"]
                    .as_array()
                    .expect("signals")
                    .iter()
                    .map(|s| s["code"].as_str().expect("code"))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (6, vec!["overdue"]),
            (1, vec!["sla-breached", "possible-duplicate"]),
            (7, vec!["sla-breached", "no-owner"]),
            (4, vec!["escalated"]),
            (5, vec!["due-soon", "no-owner"]),
            (2, vec!["sla-at-risk", "incomplete-handoff"]),
            (3, vec!["ping-pong"]),
            (8, vec!["possible-duplicate"]),
        ]
    );
    assert_eq!(
        queue[1]["signals"][0]["reason"],
        json!("in limbo 4d 2h, SLA 2d: breached by 2d 2h")
    );

    // Accepting #2 brings the unticked entry along; bouncing #1 clears the limbo signals.
    assert_eq!(
        board.ok(&["accept", "2", "--owner", "ravi"]),
        "#2 accepted, owner ravi  [active with solutions]\n"
    );
    assert_eq!(
        board.json(&["show", "2", "--json"])["signals"],
        json!([{
            "code": "incomplete-handoff",
            "reason": "handed off with 1 definition-of-done entry unticked: Budget owner named"
        }])
    );
    board.ok(&["bounce", "1", "--reason", "Wrong customer"]);
    let first = board.json(&["show", "1", "--json"]);
    assert_eq!(first["owner"], json!("dana"));
    assert_eq!(
        first["signals"],
        json!([{"code": "possible-duplicate", "reason": "title is like #8 “ACME renewal”, held by support"}])
    );
}

on_both_backends!(moves_the_rules_forbid_are_refused_in_words);
fn moves_the_rules_forbid_are_refused_in_words(backend: Backend) {
    let board = small_org_on(backend);
    board.ok(&[
        "add",
        "Renewal for ACME",
        "--team",
        "sales",
        "--at",
        "2026-03-05 00:00",
    ]);
    assert_eq!(
        board.error(&["accept", "1"]),
        "error: cannot accept #1: it is active with sales; only an item sent across a boundary and waiting in limbo can be accepted"
    );
    assert_eq!(
        board.error(&["bounce", "1", "--reason", "no"]),
        "error: cannot bounce #1: it is active with sales; only an item waiting in limbo can be bounced"
    );
    assert_eq!(
        board.error(&["reclaim", "1"]),
        "error: cannot reclaim #1: it is active with sales; only an item waiting in limbo can be reclaimed"
    );
    assert_eq!(
        board.error(&["reopen", "1"]),
        "error: cannot reopen #1: it is active with sales; only a done or dropped item can be reopened"
    );
    assert_eq!(
        board.error(&["note", "1", "too early", "--at", "2026-03-04 00:00"]),
        "error: #1: an event at 2026-03-04 00:00:00 UTC would come before the item's last event at 2026-03-05 00:00:00 UTC"
    );
    board.ok(&[
        "send",
        "1",
        "--to",
        "onboarding",
        "--note",
        "n",
        "--all-done",
    ]);
    assert_eq!(
        board.error(&["done", "1"]),
        "error: cannot finish #1: it is in limbo sales → onboarding; accept or reclaim it first; only an item a team holds can be done"
    );
    assert_eq!(
        board.error(&["bounce", "1", "--reason", " "]),
        "error: a reason for the bounce is required"
    );
    assert_eq!(
        board.error(&["send", "1", "--to", "support", "--note", "n"]),
        "error: cannot send #1: it is in limbo sales → onboarding; only an item a team holds can be sent"
    );
    board.ok(&["drop", "1", "--reason", "Cancelled"]);
    assert_eq!(
        board.error(&["drop", "1", "--reason", "again"]),
        "error: cannot drop #1: it is dropped; it is already closed"
    );
    assert_eq!(
        board.error(&["done", "1"]),
        "error: cannot finish #1: it is dropped; reopen it first"
    );
    assert_eq!(
        board.error(&["owner", "1", "dana"]),
        "error: cannot assign an owner to #1: it is dropped; reopen it first"
    );
    assert_eq!(
        board.error(&["escalate", "1"]),
        "error: cannot escalate #1: it is dropped; reopen it first"
    );
    // Each refusal left the history as it was: created, sent, dropped.
    assert_eq!(
        board.json(&["show", "1", "--json"])["events"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

on_both_backends!(bad_times_and_ids_are_named);
fn bad_times_and_ids_are_named(backend: Backend) {
    let board = small_org_on(backend);
    board.ok(&["add", "Renewal", "--team", "sales"]);
    assert_eq!(
        board.error(&["add", "Title", "--team", "sales", "--at", "yesterday"]),
        "error: --at: `yesterday` is not a time (use RFC 3339, or YYYY-MM-DD[ HH:MM] in local time)"
    );
    assert_eq!(
        board.error(&["note", "1", "hello", "--at", "2026-02-30"]),
        "error: --at: `2026-02-30` is not a time (use RFC 3339, or YYYY-MM-DD[ HH:MM] in local time)"
    );
    assert_eq!(board.error(&["show", "99"]), "error: no item #99");
    assert_eq!(
        board.error(&["send", "99", "--to", "onboarding", "--note", "n"]),
        "error: no item #99"
    );
    assert_eq!(board.error(&["accept", "#99"]), "error: no item #99");
    for id in ["abc", "0", "4.5"] {
        let stderr = board.fails(&["show", id], 2);
        assert!(
            stderr.contains(&format!("`{id}` is not an item id (use 42 or #42)")),
            "{stderr}"
        );
    }
    // A usage error: a required flag missing.
    let stderr = board.fails(&["bounce", "1"], 2);
    assert!(stderr.contains("--reason"), "{stderr}");
    // "#1" works as well as "1".
    assert!(board.ok(&["show", "#1"]).starts_with("#1  Renewal\n"));

    let mut bad_now = board.cmd(&["ls"]);
    bad_now.env("BATON_NOW", "soon");
    bad_now.assert().code(1).stdout("").stderr(
        "error: BATON_NOW: `soon` is not a time (use RFC 3339, or YYYY-MM-DD[ HH:MM] in local time)\n",
    );
}

#[test]
fn local_times_follow_tz() {
    let board = small_org();
    let mut add = board.cmd(&[
        "add",
        "Paris item",
        "--team",
        "sales",
        "--at",
        "2026-03-02 09:00",
        "--json",
    ]);
    add.env("TZ", "Europe/Paris");
    let out = add.assert().success().get_output().stdout.clone();
    let item: Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(item["created_at"], json!("2026-03-02T08:00:00Z"));
}

/// Bytes that would drive a terminal: ESC, BEL, and the 8-bit CSI (U+009B, as UTF-8).
fn has_terminal_controls(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b) || bytes.contains(&0x07) || bytes.windows(2).any(|w| w == [0xc2, 0x9b])
}

on_both_backends!(hostile_text_never_reaches_the_terminal_raw);
fn hostile_text_never_reaches_the_terminal_raw(backend: Backend) {
    let board = small_org_on(backend);
    let title = "Evil \u{1b}[2J\u{1b}]0;pwned\u{7} title \u{9b}31m";
    let note = "note \u{1b}[5m";
    board.ok(&[
        "add",
        title,
        "--team",
        "sales",
        "--owner",
        "o\u{1b}[1m",
        "--tag",
        "t\u{7}",
        "--body",
        "line one\n\u{1b}[2Jline two",
        "--due",
        "2026-03-07",
    ]);
    board.ok(&["add", &format!("{title} again"), "--team", "onboarding"]);
    // Due tomorrow over a 2d SLA: a late handoff, whose warning is safe to print too.
    let sent = board
        .cmd(&[
            "send",
            "1",
            "--to",
            "onboarding",
            "--note",
            note,
            "--all-done",
        ])
        .output()
        .expect("runs");
    assert!(sent.status.success());
    assert!(String::from_utf8_lossy(&sent.stderr).starts_with("warning: #1 is a late handoff"));
    assert!(!has_terminal_controls(&sent.stderr));
    board.ok(&["escalate", "1", "--to", "\u{1b}[31mboss"]);
    for args in [
        &["ls"][..],
        &["ls", "--all"],
        &["show", "1"],
        &["show", "2"],
        &["attention"],
        &["boundary", "show", "sales", "onboarding"],
        &["note", "2", "\u{1b}[2J"],
        &["ls", "--json"],
        &["show", "1", "--json"],
        &["attention", "--json"],
        &["boundary", "show", "sales", "onboarding", "--json"],
        &["export"],
    ] {
        let output = board.cmd(args).output().expect("runs");
        assert!(output.status.success(), "{args:?}");
        assert!(
            !has_terminal_controls(&output.stdout),
            "baton {args:?} printed terminal controls:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    // Text output shows where the controls were; JSON keeps the text exactly, escaped.
    assert!(
        board
            .ok(&["show", "1"])
            .starts_with("#1  Evil �� title �\n")
    );
    let shown = board.json(&["show", "1", "--json"]);
    assert_eq!(shown["title"], json!(title));
    assert_eq!(shown["handoff_note"], json!(note));
    assert!(
        board
            .ok(&["ls", "--json"])
            .contains(r#""title": "Evil \u001b[2J\u001b]0;pwned\u0007 title \u009b31m""#)
    );
    // Error lines are made safe too.
    let stderr = board.error(&["add", "x", "--team", "\u{1b}[2Jnope"]);
    assert!(!has_terminal_controls(stderr.as_bytes()), "{stderr:?}");
    assert!(stderr.contains("unknown team `�nope`"), "{stderr}");
}

#[test]
fn a_corrupt_file_is_refused_and_left_as_it_was() {
    let board = Board::empty();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&board.db, &garbage).expect("write");
    for args in [&["ls"][..], &["init"], &["add", "x", "--team", "sales"]] {
        assert_eq!(
            board.error(args),
            format!(
                "error: {} is not a Baton database (not an SQLite file); it was left untouched",
                board.db.display()
            ),
            "{args:?}"
        );
    }
    assert_eq!(bytes(&board.db), garbage);
    assert_eq!(listing(board.dir.path()), ["baton.db"]);
}

#[test]
fn another_programs_sqlite_file_is_left_untouched() {
    let board = Board::empty();
    {
        let conn = rusqlite::Connection::open(&board.db).expect("sqlite");
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
            .expect("schema");
    }
    let before = bytes(&board.db);
    for args in [&["ls"][..], &["init"], &["team", "add", "sales"]] {
        assert_eq!(
            board.error(args),
            format!(
                "error: {} is not a Baton database (an SQLite file of another program); it was left untouched",
                board.db.display()
            )
        );
    }
    assert_eq!(bytes(&board.db), before);
    assert_eq!(listing(board.dir.path()), ["baton.db"]);
}

#[test]
fn a_database_from_a_newer_baton_is_refused_untouched() {
    let board = Board::new();
    board.ok(&["team", "add", "sales"]);
    {
        let conn = rusqlite::Connection::open(&board.db).expect("sqlite");
        conn.pragma_update(None, "user_version", 99)
            .expect("pragma");
        // Back to a single file, so "untouched" can be checked byte for byte.
        conn.pragma_update(None, "journal_mode", "DELETE")
            .expect("journal");
    }
    let before = bytes(&board.db);
    let files = listing(board.dir.path());
    for args in [&["ls"][..], &["init"], &["team", "add", "ops"], &["export"]] {
        assert_eq!(
            board.error(args),
            format!(
                "error: {} was written by a newer Baton (schema version 99, this Baton knows up to {}); it was left untouched, upgrade Baton to open it",
                board.db.display(),
                baton::storage::latest_version()
            )
        );
    }
    assert_eq!(bytes(&board.db), before);
    assert_eq!(listing(board.dir.path()), files);
}

on_both_backends!(export_import_export_is_identical);
fn export_import_export_is_identical(backend: Backend) {
    let board = week_org_on(backend);
    play_the_week(&board);
    let first = board.ok(&["export"]);
    let doc: Value = serde_json::from_str(&first).expect("json");
    assert_eq!(doc["format"], json!("baton-board"));
    assert_eq!(doc["version"], json!(1));
    assert_eq!(doc["items"].as_array().map(Vec::len), Some(10));

    let file = board.path("board.json");
    std::fs::write(&file, &first).expect("write");
    // The copy is another database on the same backend, named with --db.
    let copy_board = Board::empty_on_backend(backend);
    let copy_location = copy_board.location();
    let copy_arg = copy_location.as_str();
    let file_arg = file.to_str().expect("utf-8");
    assert_eq!(
        board.ok(&["--db", copy_arg, "import", file_arg]),
        format!(
            "imported 4 teams, 3 boundaries, 10 items into {}\n",
            copy_board.place()
        )
    );
    assert_eq!(board.ok(&["--db", copy_arg, "export"]), first);
    // The export is streamed from the stored events; the library writes the same bytes
    // from decoded events, one line per item.
    let parsed = baton::export::json::BoardDocument::parse(&first).expect("parses");
    assert_eq!(parsed.to_json(), first);
    // Header, teams, boundaries, the contract history (its two lines and one per
    // boundary agreed), items, closing lines.
    assert_eq!(first.lines().count(), 1 + 4 + 3 + (2 + 3) + 10 + 6);
    // --out writes the same document to a file.
    let out = board.path("again.json");
    board.ok(&[
        "--db",
        copy_arg,
        "export",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(std::fs::read_to_string(&out).expect("read"), first);
    // What the copy shows is what the original shows.
    for args in [
        &["ls", "--all"][..],
        &["attention"],
        &["show", "3"],
        &["boundary", "ls"],
    ] {
        let mut with_copy = vec!["--db", copy_arg];
        with_copy.extend_from_slice(args);
        assert_eq!(board.ok(&with_copy), board.ok(args), "{args:?}");
    }
    // From stdin, with --replace over a non-empty board.
    board
        .cmd(&["--db", copy_arg, "import", "-", "--replace"])
        .write_stdin(first.clone())
        .assert()
        .success();
    assert_eq!(board.ok(&["--db", copy_arg, "export"]), first);
}

/// `baton export --format json` on `from`, piped into `baton import -` on `to`, as a
/// shell would; returns what the import printed.
fn pipe_board(from: &Board, to: &Board) -> String {
    let mut export = from
        .std_cmd(&["export", "--format", "json"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("export runs");
    let pipe = export.stdout.take().expect("export's stdout");
    let import = to
        .std_cmd(&["import", "-"])
        .stdin(pipe)
        .output()
        .expect("import runs");
    assert!(export.wait().expect("export ends").success());
    assert!(
        import.status.success() && import.stderr.is_empty(),
        "import failed: {}",
        String::from_utf8_lossy(&import.stderr)
    );
    String::from_utf8(import.stdout).expect("utf-8")
}

/// A week on a SQLite file moves to a shared PostgreSQL board and back without a byte
/// changed: every event keeps its time and its actor, and team mode carries on from it.
#[test]
fn a_board_moves_between_sqlite_and_postgres_unchanged() {
    if !Backend::Postgres.available() {
        return;
    }
    let local = week_org();
    play_the_week(&local);
    let exported = local.ok(&["export", "--format", "json"]);

    let shared = Board::empty_on_backend(Backend::Postgres);
    assert_eq!(
        pipe_board(&local, &shared),
        format!(
            "imported 4 teams, 3 boundaries, 10 items into {}\n",
            shared.place()
        )
    );
    assert_eq!(shared.ok(&["export", "--format", "json"]), exported);
    for args in [
        &["ls", "--all"][..],
        &["attention"],
        &["show", "3"],
        &["show", "9", "--json"],
        &["boundary", "ls"],
        &["team", "ls"],
        &["stats"],
    ] {
        assert_eq!(shared.ok(args), local.ok(args), "{args:?}");
    }

    // The shared board goes on, as its role; then it all comes back to a file.
    shared.ok(&["note", "3", "Now on the shared board"]);
    shared.ok(&["accept", "1", "--owner", "ravi"]);
    let grown = shared.ok(&["export", "--format", "json"]);
    assert_ne!(grown, exported);
    let back = Board::empty_on_backend(Backend::Sqlite);
    assert_eq!(
        pipe_board(&shared, &back),
        format!(
            "imported 4 teams, 3 boundaries, 10 items into {}\n",
            back.place()
        )
    );
    assert_eq!(back.ok(&["export", "--format", "json"]), grown);
    let history = back.ok(&["show", "3"]);
    assert!(
        history.contains("2026-03-02 10:00  tester     created in sales, owner erin\n")
            && history.contains(&format!(
                "2026-03-06 12:00  {} note: “Now on the shared board”\n",
                shared.who()
            )),
        "{history}"
    );
    for args in [&["ls", "--all"][..], &["attention"], &["show", "1"]] {
        assert_eq!(back.ok(args), shared.ok(args), "{args:?}");
    }
}

on_both_backends!(import_refuses_a_non_empty_board_without_replace);
fn import_refuses_a_non_empty_board_without_replace(backend: Backend) {
    let board = small_org_on(backend);
    board.ok(&["add", "Mine", "--team", "sales"]);
    let other = Board::new_on(backend);
    other.ok(&["team", "add", "ops"]);
    let file = other.path("ops.json");
    std::fs::write(&file, other.ok(&["export"])).expect("write");
    let file_arg = file.to_str().expect("utf-8");
    let before = board.ok(&["export"]);
    assert_eq!(
        board.error(&["import", file_arg]),
        format!(
            "error: {file_arg} was not imported: the database already has a board; import with --replace to replace it"
        )
    );
    assert_eq!(board.ok(&["export"]), before);
    board.ok(&["import", file_arg, "--replace"]);
    assert_eq!(board.ok(&["export"]), other.ok(&["export"]));
}

on_both_backends!(import_of_an_impossible_history_names_the_item_and_event_and_imports_nothing);
fn import_of_an_impossible_history_names_the_item_and_event_and_imports_nothing(backend: Backend) {
    let board = small_org_on(backend);
    board.ok(&["add", "Fine", "--team", "sales", "--at", "2026-03-02 09:00"]);
    board.ok(&[
        "add",
        "Impossible",
        "--team",
        "sales",
        "--at",
        "2026-03-02 09:00",
    ]);
    let mut doc: Value = serde_json::from_str(&board.ok(&["export"])).expect("json");
    // Accepting an item that was never sent.
    doc["items"][1]["events"]
        .as_array_mut()
        .expect("events")
        .push(json!({"seq": 2, "at": "2026-03-03T09:00:00Z", "actor": "x", "type": "accepted"}));
    let file = board.path("bad.json");
    std::fs::write(&file, doc.to_string()).expect("write");
    let file_arg = file.to_str().expect("utf-8");

    let fresh = Board::empty_on_backend(backend);
    assert_eq!(
        fresh.error(&["import", file_arg]),
        format!(
            "error: {file_arg} was not imported: item #2, event 2 (accepted): cannot accept #2: it is active with sales; only an item sent across a boundary and waiting in limbo can be accepted"
        )
    );
    assert!(
        listing(fresh.dir.path()).is_empty() && !fresh.exists(),
        "no database was created"
    );

    let before = board.ok(&["export"]);
    board.error(&["import", file_arg, "--replace"]);
    assert_eq!(board.ok(&["export"]), before, "the board is unchanged");

    // A history that does not start at event 1.
    let mut doc: Value = serde_json::from_str(&before).expect("json");
    doc["items"][0]["events"][0]["seq"] = json!(7);
    std::fs::write(&file, doc.to_string()).expect("write");
    assert_eq!(
        fresh.error(&["import", file_arg]),
        format!(
            "error: {file_arg} was not imported: item #1, event 1 (created): #1: event number 7 is out of sequence (expected 1)"
        )
    );
    // An event before the one it follows.
    let mut doc: Value = serde_json::from_str(&before).expect("json");
    doc["items"][0]["events"]
        .as_array_mut()
        .expect("events")
        .push(json!({"seq": 2, "at": "2026-03-01T09:00:00Z", "actor": "x", "type": "noted", "note": "n"}));
    std::fs::write(&file, doc.to_string()).expect("write");
    assert_eq!(
        fresh.error(&["import", file_arg]),
        format!(
            "error: {file_arg} was not imported: item #1, event 2 (noted): #1: an event at 2026-03-01 09:00:00 UTC would come before the item's last event at 2026-03-02 09:00:00 UTC"
        )
    );
    assert!(listing(fresh.dir.path()).is_empty());
    assert!(!fresh.exists());
}

#[test]
fn malformed_documents_are_refused() {
    let board = Board::empty();
    let file = board.path("doc.json");
    let file_arg = file.to_str().expect("utf-8").to_string();
    let cases = [
        (
            "{\"format\": ",
            "cannot be imported: not a Baton board document: EOF while parsing a value at line 1 column 11",
        ),
        (
            "{\"format\": \"trello\", \"version\": 1}",
            "cannot be imported: the document is `trello`, not a `baton-board` document",
        ),
        (
            "{\"format\": \"baton-board\", \"version\": 2, \"teams\": []}",
            "cannot be imported: the document is version 2, written by a newer Baton (this Baton reads version 1)",
        ),
        (
            "{\"version\": 1}",
            "cannot be imported: not a Baton board document: no `format` field",
        ),
        (
            r#"{"format": "baton-board", "version": 1, "teams": [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}], "boundaries": [], "items": []}"#,
            "was not imported: team `a` already exists",
        ),
        (
            r#"{"format": "baton-board", "version": 1, "teams": [{"key": "a", "name": "A"}], "boundaries": [{"from": "a", "to": "b"}], "items": []}"#,
            "was not imported: unknown team `b` (teams: a)",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(&file, text).expect("write");
        assert_eq!(
            board.error(&["import", &file_arg]),
            format!("error: {file_arg} {want}")
        );
    }
    assert_eq!(
        board.error(&["import", "missing.json"]),
        "error: cannot read missing.json: No such file or directory (os error 2)"
    );
    assert_eq!(listing(board.dir.path()), ["doc.json"]);
}

on_both_backends!(two_processes_adding_at_once_lose_nothing);
fn two_processes_adding_at_once_lose_nothing(backend: Backend) {
    let board = Board::new_on(backend);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "support"]);
    let mut children = Vec::new();
    for i in 0..20 {
        for team in ["sales", "support"] {
            let child = std::process::Command::new(BIN)
                .env_clear()
                .env("TZ", "UTC")
                .env("BATON_NOW", NOW)
                .env("BATON_ACTOR", team)
                .env("BATON_DB", board.location())
                .args(["add", &format!("{team} item {i}"), "--team", team])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
            children.push(child);
        }
    }
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let items = board.json(&["ls", "--json"]);
    let items = items.as_array().expect("array");
    assert_eq!(items.len(), 40);
    let mut ids: Vec<i64> = items
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids, (1..=40).collect::<Vec<i64>>());
    let mut titles: Vec<&str> = items
        .iter()
        .map(|i| i["title"].as_str().expect("title"))
        .collect();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), 40);
    // Each item's history is its own: one `created` event, by the process that made it
    // (in team mode every process acts as the same database role, so there its title
    // says which process it was).
    for item in items {
        let id = item["id"].to_string();
        let shown = board.json(&["show", &id, "--json"]);
        assert_eq!(shown["events"].as_array().map(Vec::len), Some(1));
        assert_eq!(shown["events"][0]["title"], shown["title"]);
        match backend {
            Backend::Sqlite => assert_eq!(shown["events"][0]["actor"], shown["team"]),
            Backend::Postgres => assert_eq!(shown["events"][0]["actor"], json!(board.actor())),
        }
    }
}

#[test]
fn the_streamed_export_is_what_the_library_writes_for_any_actor_and_text() {
    let board = Board::empty();
    board.ok(&["init", "--demo"]);
    // An actor and a title that need escaping, and one that does not.
    let mut cmd = board.cmd(&["add", "Quote \" and \\ and \u{9b}31m", "--team", "sales"]);
    cmd.env("BATON_ACTOR", "Ann \"the boss\" Tomás");
    assert!(cmd.output().expect("runs").status.success());
    let first = board.ok(&["export"]);
    let parsed = baton::export::json::BoardDocument::parse(&first).expect("parses");
    assert_eq!(parsed.to_json(), first);
    assert!(!first.contains('\u{9b}'), "C1 controls are escaped");
}

on_both_backends!(edit_changes_what_an_item_says_and_the_history_says_what_changed);
fn edit_changes_what_an_item_says_and_the_history_says_what_changed(backend: Backend) {
    let board = Board::new_on(backend);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["add", "Renewal ACME", "--team", "sales", "--tag", "renewal"]);
    assert_eq!(
        board.ok(&[
            "edit",
            "1",
            "--title",
            "Renewal for ACME",
            "--due",
            "2026-03-20",
            "--tag",
            "renewal",
            "--tag",
            "priority",
        ]),
        "#1 edited: retitled “Renewal for ACME”; due 2026-03-20 23:59; tags renewal, priority  [active with sales]\n"
    );
    let shown = board.json(&["show", "1", "--json"]);
    assert_eq!(shown["title"], json!("Renewal for ACME"));
    assert_eq!(shown["due"], json!("2026-03-20T23:59:00Z"));
    assert_eq!(shown["tags"], json!(["renewal", "priority"]));
    assert_eq!(
        board.ok(&["edit", "1", "--no-due", "--no-tags"]),
        "#1 edited: due date removed; tags removed  [active with sales]\n"
    );
    // Saying what it already says records nothing.
    assert_eq!(
        board.error(&["edit", "1", "--title", "Renewal for ACME"]),
        "error: #1 already says that: nothing to change"
    );
    assert_eq!(
        board.json(&["show", "1", "--json"])["events"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        board.error(&["edit", "1", "--title", "  "]),
        "error: a title is required"
    );
}
