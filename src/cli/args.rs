//! The command line, as clap derive types. Every command says what it does, with an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use super::complete;
use crate::domain::cause::Cause;

#[derive(Debug, Parser)]
#[command(
    name = "baton",
    version,
    about = "A terminal kanban for the space between teams: every handoff visible, with a clock on it.",
    long_about = "A terminal kanban for the space between teams.\n\nItems sent from one team and not yet accepted by the next sit in limbo, with their age against the boundary's SLA. Run `baton` alone to open the board, or `baton demo` to try it on a sample organisation.",
    after_help = "Examples:\n  baton demo                                    open the board on a sample organisation\n  baton init                                    create the database\n  baton add \"Renewal for ACME\" --team sales     capture an item\n  baton send 42 --to solutions --note \"…\" --all-done\n  baton attention                               what needs a decision, most urgent first"
)]
pub struct Cli {
    /// The database: a file path, or a postgres:// URL for a shared board (team mode)
    /// [default: baton.db in the platform data directory]
    #[arg(long, global = true, env = "BATON_DB", value_name = "PATH|URL")]
    pub db: Option<String>,

    /// Print nothing when a change succeeds (errors still go to stderr); reads print
    /// what they read
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// `--at`: when a change really happened.
#[derive(Debug, Args, Clone, Default)]
pub struct At {
    /// When it really happened: RFC 3339 or "YYYY-MM-DD[ HH:MM]" local time [default: now]
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// `--json` on read commands.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct Json {
    /// Print JSON for scripts instead of text
    #[arg(long)]
    pub json: bool,
}

impl Cmd {
    /// True for a command that changes something and says so in a line: what
    /// `--quiet` silences. What a read prints is its answer, never silenced.
    pub fn is_change(&self) -> bool {
        match self {
            Cmd::Init { .. }
            | Cmd::Team(TeamCmd::Add { .. })
            | Cmd::Boundary(BoundaryCmd::Add { .. } | BoundaryCmd::Edit { .. })
            | Cmd::Calendar(CalendarCmd::Add { .. } | CalendarCmd::Edit { .. })
            | Cmd::Send { .. }
            | Cmd::Accept { .. }
            | Cmd::Bounce { .. }
            | Cmd::Reclaim { .. }
            | Cmd::Escalate { .. }
            | Cmd::Edit { .. }
            | Cmd::Owner { .. }
            | Cmd::Note { .. }
            | Cmd::Done { .. }
            | Cmd::Reopen { .. }
            | Cmd::Drop { .. }
            | Cmd::Flag { .. }
            | Cmd::Snooze { .. }
            | Cmd::Merge { .. }
            | Cmd::Dismiss { .. }
            | Cmd::Tick { .. }
            | Cmd::Import { .. }
            | Cmd::Snapshot(SnapshotCmd::Save { .. })
            | Cmd::Access(AccessCmd::Grant { .. } | AccessCmd::Revoke { .. }) => true,
            Cmd::Add { json, .. } => !json,
            _ => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Open the board on a sample organisation, in a throwaway database (or in the one
    /// --db / BATON_DB names, kept: created with the sample when it is new)
    #[command(after_help = "Examples:\n  baton demo\n  baton --db demo.db demo")]
    Demo {
        /// Leave the mouse to the terminal (select text); the keyboard does everything
        #[arg(long)]
        no_mouse: bool,
    },

    /// Open the board (also what `baton` alone does)
    #[command(after_help = "Examples:\n  baton board\n  baton board --print --width 120")]
    Board(BoardArgs),

    /// Create the database; --demo fills it with the sample organisation
    #[command(after_help = "Examples:\n  baton init\n  baton --db team.db init --demo")]
    Init {
        /// Import the sample organisation (refused when the board is not empty)
        #[arg(long)]
        demo: bool,
    },

    /// Add or list teams
    #[command(subcommand)]
    Team(TeamCmd),

    /// Add, list, show or edit boundaries and their handoff contracts
    #[command(subcommand)]
    Boundary(BoundaryCmd),

    /// Add, list, show or edit working calendars that SLAs count in
    #[command(subcommand)]
    Calendar(CalendarCmd),

    /// Capture a new item, held by a team
    #[command(
        after_help = "Examples:\n  baton add \"Renewal for ACME\" --team sales --owner dana --due 2026-12-01 --tag renewal\n  baton add \"Login fails on SSO\" --team support --link https://acme.atlassian.net/browse/SUP-12"
    )]
    Add {
        /// What the item is
        title: String,
        /// The team that holds it
        #[arg(long, value_name = "KEY", add = ArgValueCompleter::new(complete::team_keys))]
        team: String,
        /// The person responsible
        #[arg(long, value_name = "PERSON")]
        owner: Option<String>,
        /// Due date: "YYYY-MM-DD" (end of that day) or a time
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// A tag (repeat for more)
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Longer description
        #[arg(long, value_name = "TEXT")]
        body: Option<String>,
        /// Where the item is tracked outside Baton (an issue, a ticket): http(s) address
        #[arg(long, value_name = "URL")]
        link: Option<String>,
        #[command(flatten)]
        at: At,
        /// Print the new item as JSON (with its id)
        #[arg(long)]
        json: bool,
    },

    /// List items (open ones unless --state or --all)
    #[command(
        after_help = "Examples:\n  baton ls\n  baton ls --team support --state limbo\n  baton ls --json"
    )]
    Ls {
        /// Items held by this team, or in limbo towards it
        #[arg(long, value_name = "KEY", add = ArgValueCompleter::new(complete::team_keys))]
        team: Option<String>,
        /// Items this person owns
        #[arg(long, value_name = "PERSON")]
        owner: Option<String>,
        /// Items with this tag
        #[arg(long, value_name = "TAG")]
        tag: Option<String>,
        /// Only items in these states (repeat for more)
        #[arg(long, value_enum)]
        state: Vec<StateArg>,
        /// Include done and dropped items
        #[arg(long, conflicts_with = "state")]
        all: bool,
        /// Only items snoozed now, with when each snooze ends
        #[arg(long, conflicts_with_all = ["state", "all"])]
        snoozed: bool,
        #[command(flatten)]
        json: Json,
    },

    /// Show an item: where it is, its contract, its signals and its whole history
    #[command(after_help = "Example:\n  baton show 42")]
    Show {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::any_items))]
        id: i64,
        #[command(flatten)]
        json: Json,
    },

    /// Hand an item to the next team: it waits in limbo until they accept it
    #[command(
        after_help = "Examples:\n  baton send 42 --to solutions --note \"Budget approved, call notes attached\" --all-done\n  baton send 42 --to solutions --note \"…\" --done 1 --done 3 --force"
    )]
    Send {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::active_items))]
        id: i64,
        /// The receiving team (a boundary must lead there)
        #[arg(long, value_name = "TEAM", add = ArgValueCompleter::new(complete::team_keys))]
        to: String,
        /// The handoff note: what the receiving team must know
        #[arg(long, value_name = "TEXT")]
        note: String,
        /// Tick every definition-of-done entry of the contract
        #[arg(long, conflicts_with = "done")]
        all_done: bool,
        /// Tick definition-of-done entry N (1-based; repeat for more)
        #[arg(long = "done", value_name = "N")]
        done: Vec<usize>,
        /// Send with unticked entries anyway, recorded as an incomplete handoff
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        at: At,
    },

    /// Accept an item waiting in limbo: the receiving team now holds it
    #[command(after_help = "Example:\n  baton accept 42 --owner priya")]
    Accept {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::limbo_items))]
        id: i64,
        /// Who owns it now [default: the contract's next owner]
        #[arg(long, value_name = "PERSON")]
        owner: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Reject an item in limbo back to the sender, with a reason
    #[command(
        after_help = "Example:\n  baton bounce 42 --reason \"No signed order form attached\" --cause done-criteria-unmet"
    )]
    Bounce {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::limbo_items))]
        id: i64,
        /// Why it goes back, for the sender and the history
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Why, from a fixed list, so retros can cluster failures per boundary
        #[arg(long, value_name = "CODE", value_parser = cause_parser())]
        cause: Option<Cause>,
        #[command(flatten)]
        at: At,
    },

    /// Pull an item in limbo back to the sending team
    #[command(after_help = "Example:\n  baton reclaim 42 --reason \"Customer changed scope\"")]
    Reclaim {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::limbo_items))]
        id: i64,
        /// Why the sender takes it back
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Escalate an item to the contract's escalation contact (or someone named)
    #[command(after_help = "Example:\n  baton escalate 42 --note \"Go-live is Friday\"")]
    Escalate {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// Who it goes to [default: the contract's escalation contact; when escalated
        /// to one already, the next up its ladder]
        #[arg(long, value_name = "PERSON")]
        to: Option<String>,
        /// What the contact needs to know, kept in the item's history
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Change an item's title, description, due date or tags
    #[command(
        after_help = "Examples:\n  baton edit 42 --title \"Renewal for ACME (3 years)\"\n  baton edit 42 --due 2026-12-15 --tag renewal --tag priority\n  baton edit 42 --no-due --no-tags"
    )]
    Edit {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// The new title
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// Longer description ("" clears it)
        #[arg(long, value_name = "TEXT")]
        body: Option<String>,
        /// New due date: "YYYY-MM-DD" (end of that day) or a time
        #[arg(long, value_name = "DATE", conflicts_with = "no_due")]
        due: Option<String>,
        /// Remove the due date
        #[arg(long)]
        no_due: bool,
        /// The item's tags become these (repeat for more)
        #[arg(long = "tag", value_name = "TAG", conflicts_with = "no_tags")]
        tags: Vec<String>,
        /// Remove every tag
        #[arg(long)]
        no_tags: bool,
        /// Where the item is tracked outside Baton: http(s) address
        #[arg(long, value_name = "URL")]
        link: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Set or clear the person responsible for an item
    #[command(after_help = "Examples:\n  baton owner 42 priya\n  baton owner 42 --clear")]
    Owner {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// Who owns it from now
        #[arg(required_unless_present = "clear")]
        person: Option<String>,
        /// Leave the item without an owner
        #[arg(long, conflicts_with = "person")]
        clear: bool,
        #[command(flatten)]
        at: At,
    },

    /// Add a note to an item's history
    #[command(after_help = "Example:\n  baton note 42 \"Customer asked for a Tuesday start\"")]
    Note {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// The note, kept in the item's history
        text: String,
        #[command(flatten)]
        at: At,
    },

    /// Mark an item done
    #[command(after_help = "Example:\n  baton done 42 --note \"Live since Monday\"")]
    Done {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::active_items))]
        id: i64,
        /// What was done, kept in the item's history
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Reopen a done or dropped item
    #[command(after_help = "Example:\n  baton reopen 42 --reason \"Regression reported\"")]
    Reopen {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::closed_items))]
        id: i64,
        /// Why it is open again
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Stop working on an item, with a reason
    #[command(after_help = "Example:\n  baton drop 42 --reason \"Customer cancelled\"")]
    Drop {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// Why it is dropped
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        at: At,
    },

    /// Record a dropped baton (a handoff failure) on an item, for the retro
    #[command(
        after_help = "Example:\n  baton flag 42 --note \"Sent without the contract; onboarding found out from the customer\" --cause missing-context"
    )]
    Flag {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// Why it is flagged: what is missing or wrong
        #[arg(long, value_name = "TEXT")]
        note: String,
        /// Why, from a fixed list, so retros can cluster failures per boundary
        #[arg(long, value_name = "CODE", value_parser = cause_parser())]
        cause: Option<Cause>,
        #[command(flatten)]
        at: At,
    },

    /// Take an item out of the attention queue until a time (default: the next standup)
    #[command(
        after_help = "Examples:\n  baton snooze 42\n  baton snooze 42 --until \"2026-12-01 09:00\""
    )]
    Snooze {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// Until when: RFC 3339 or "YYYY-MM-DD[ HH:MM]" local time [default: the next
        /// standup, as the next weekday begins]. Overdue and breached items cannot be
        /// snoozed, and one that falls due or breaches while snoozed is back at once
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Close an item as a duplicate of another: both histories point at each other
    #[command(
        after_help = "Example:\n  baton merge 57 --into 42 --note \"Same customer request, raised twice\""
    )]
    Merge {
        /// The duplicate, which is closed (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// The item it duplicates, which stays open
        #[arg(long, value_name = "ID", value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        into: i64,
        /// Why, kept in the history of both
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Say a signal is not a problem: it stays off until the facts behind it change
    #[command(
        after_help = "Examples:\n  baton dismiss 42 ping-pong --note \"Scope agreed on the call\"\n  baton dismiss 42 possible-duplicate --with 57\n  baton dismiss 42 escalated --note \"Dana unblocked it\"\n\nsla-breached and overdue are facts and cannot be dismissed."
    )]
    Dismiss {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// The signal's code, as `baton attention` shows it
        #[arg(add = ArgValueCompleter::new(complete::dismissable_signals))]
        code: String,
        /// For possible-duplicate: the other item of the pair
        #[arg(long, value_name = "ID", value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        with: Option<i64>,
        /// Why the signal does not apply
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// Record definition-of-done entries completed after a forced handoff
    #[command(
        after_help = "Examples:\n  baton tick 42 --done 2\n  baton tick 42 --all-done --note \"Order form attached today\""
    )]
    #[command(group(clap::ArgGroup::new("entries").required(true).args(["all_done", "done"])))]
    Tick {
        /// Item id (42 or #42)
        #[arg(value_parser = parse_id, add = ArgValueCompleter::new(complete::open_items))]
        id: i64,
        /// Every entry left unticked is done now
        #[arg(long, conflicts_with = "done")]
        all_done: bool,
        /// Entry N of the contract's checklist is done (1-based; repeat for more)
        #[arg(long = "done", value_name = "N")]
        done: Vec<usize>,
        /// What was done, kept in the item's history
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        #[command(flatten)]
        at: At,
    },

    /// What needs attention, most urgent first, with the reasons in words
    #[command(
        after_help = "Examples:\n  baton attention\n  baton attention --team onboarding\n  baton attention --json"
    )]
    Attention {
        /// Only items this team holds, or that wait in limbo to come to it
        #[arg(long, value_name = "KEY")]
        team: Option<String>,
        #[command(flatten)]
        json: Json,
    },

    /// Escalate by the contracts' ladders and hand every new notification on: at risk,
    /// breached, escalated, bounced, sent incomplete, sent late
    #[command(
        after_help = "Each notification is one JSON object (item, title, code, reason, boundary, contacts, show). Without --exec, one line per notification on stdout; with --exec, CMD runs through `sh -c` with the object on its standard input. Each is delivered once, whoever watches the database and however often watch restarts. A failing CMD (non-zero exit, cannot start, or past --timeout) is tried again after 30s, 2m, 8m and 32m; after 5 attempts it is given up, said on stderr and listed by --failed.\n\nExamples:\n  baton watch --once | jq .\n  baton watch --interval 60s --exec 'curl -sf -X POST -H \"Content-Type: application/json\" --data @- \"$WEBHOOK\"'\n  baton watch --failed"
    )]
    Watch(WatchArgs),

    /// Export the board: JSON with every history (for import), or a retro report
    #[command(
        after_help = "Examples:\n  baton export --format json > board.json\n  baton export --format md --since 2026-11-01 --out retro.md\n  baton export --format html --out retro.html\n  baton export --format csv --boundaries --out boundaries.csv\n  baton export --format csv --layout stages --out stages.csv\n  baton export --format csv --events --since 2026-11-01\n  baton export --format md --snapshot \"standup 2026-11-25\""
    )]
    Export {
        /// json: the board document (import reads it); md, csv, html: retro reports
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Write to this file instead of stdout
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        period: PeriodArgs,
        /// Report from a saved snapshot (number or label) instead of now
        #[arg(long, value_name = "SNAPSHOT", conflicts_with_all = ["since", "until"])]
        snapshot: Option<String>,
        /// csv: one row per boundary with its metrics, instead of one per item
        #[arg(long, conflicts_with_all = ["layout", "events"])]
        boundaries: bool,
        /// csv: `stages` writes the layout flow-analytics tools import (ID, Link, Name,
        /// then the date each item first entered each column, in flow order, then Done)
        #[arg(long, value_enum, conflicts_with = "events")]
        layout: Option<CsvLayout>,
        /// csv: one row per event (item, seq, time, actor, type, from, to, owner, note,
        /// reason, cause), those in the period
        #[arg(long, conflicts_with = "snapshot")]
        events: bool,
    },

    /// Flow metrics per boundary, per team and overall, over a period
    #[command(
        after_help = "Examples:\n  baton stats\n  baton stats --since 2026-11-01 --until 2026-11-15\n  baton stats --json\n\nDefinitions: docs/metrics.md"
    )]
    Stats {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        json: Json,
    },

    /// Forecast from daily throughput (Monte Carlo): how many items by a date, or when N
    /// items will be done, at 50%, 85% and 95% confidence
    #[command(
        after_help = "Examples:\n  baton forecast --items 20\n  baton forecast --by 2026-12-18 --since 2026-10-01\n  baton forecast --items 20 --seed 7 --json\n\nEach of 10,000 trials draws every future day's throughput from a day of the window ([--since, today), by default the last 28 days); the forecast counts from tomorrow. Definitions: docs/metrics.md"
    )]
    Forecast {
        /// When will this many items be done?
        #[arg(
            long,
            value_name = "N",
            required_unless_present = "by",
            conflicts_with = "by"
        )]
        items: Option<usize>,
        /// How many items will be done by the end of this day?
        #[arg(long, value_name = "DATE")]
        by: Option<String>,
        /// Draw from the daily throughput since this time (RFC 3339 or "YYYY-MM-DD[ HH:MM]")
        /// up to the start of today [default: 28 days before today]
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Seed of the random draws, to repeat a forecast exactly [default: from now]
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        #[command(flatten)]
        json: Json,
    },

    /// Save, list, show and compare snapshots of the board and its metrics
    #[command(subcommand)]
    Snapshot(SnapshotCmd),

    /// Import a board document (from `baton export`), or issues from Jira, GitHub or Linear
    #[command(
        after_help = "Examples:\n  baton import board.json\n  baton import board.json --replace\n  baton export --format json | BATON_DB=postgres://db.example/baton baton import -\n  baton import --from jira-csv jira.csv --team-map 'Support=support,Billing=finance' --jira-url https://acme.atlassian.net\n  gh issue list --state all --limit 1000 --json number,title,url,state,assignees,labels,createdAt,closedAt > issues.json\n  baton import --from github issues.json --team engineering\n  baton import --from linear-csv linear.csv --team-map 'Platform=engineering' --linear-url https://linear.app/acme\n\nIssues keep their key and link; importing the same file again updates the items instead of adding new ones. Status, assignee, labels and due date become state, owner, tags and due date. If an issue cannot be mapped, nothing is imported and every such issue is listed with the reason (--skip-unmapped imports the others)."
    )]
    Import {
        /// The file ("-" for stdin)
        file: PathBuf,
        /// Replace a board that is not empty (board documents only)
        #[arg(long, conflicts_with = "from")]
        replace: bool,
        /// What the file is [default: a Baton board document]
        #[arg(long, value_enum, value_name = "SOURCE")]
        from: Option<ImportSource>,
        /// Which team each Jira project, Linear team or GitHub label goes to
        #[arg(long, value_name = "NAME=TEAM,…", requires = "from")]
        team_map: Option<String>,
        /// The team for issues the map does not place (for GitHub: usually all of them)
        #[arg(long, value_name = "KEY", requires = "from", add = ArgValueCompleter::new(complete::team_keys))]
        team: Option<String>,
        /// Jira's address, to link each item to its issue: https://acme.atlassian.net
        #[arg(long, value_name = "URL", requires = "from")]
        jira_url: Option<String>,
        /// Linear's workspace address, to link each item to its issue:
        /// https://linear.app/acme (Linear's CSV has no address per issue)
        #[arg(long, value_name = "URL", requires = "from")]
        linear_url: Option<String>,
        /// Import the issues that can be mapped and list the others, instead of nothing
        #[arg(long, requires = "from")]
        skip_unmapped: bool,
    },

    /// Team mode: admit or remove a database role, or list who may act on the board
    #[command(subcommand)]
    Access(AccessCmd),

    /// Where your settings file is, and the settings in effect
    #[command(subcommand)]
    Config(ConfigCmd),

    /// Print the script that gives your shell completions for baton, its team keys and item ids
    #[command(
        after_help = "Examples:\n  baton completions bash > ~/.local/share/bash-completion/completions/baton\n  baton completions zsh > ~/.zfunc/_baton        (with ~/.zfunc in $fpath)\n  baton completions fish > ~/.config/fish/completions/baton.fish\n  echo 'baton completions powershell | Out-String | Invoke-Expression' >> $PROFILE\n  echo 'eval (baton completions elvish | slurp)' >> ~/.config/elvish/rc.elv\n\nThe script asks baton itself for suggestions as you type, so it offers the board's team keys and item ids (`baton accept <TAB>`: the items in limbo), on the board BATON_DB names (or the default board)."
    )]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: ShellArg,
    },

    /// Print the manual page, or write one for baton and each command into a folder
    #[command(
        after_help = "Examples:\n  baton man | man -l -\n  baton man --out ~/.local/share/man/man1 && man baton-send"
    )]
    Man {
        /// Write baton.1 and baton-COMMAND.1 for every command into this folder
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// The trackers `import --from` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportSource {
    /// Jira's CSV export
    JiraCsv,
    /// `gh issue list --json number,title,url,state,assignees,labels,createdAt,closedAt`
    Github,
    /// Linear's CSV export
    LinearCsv,
}

/// The shells `baton completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Print where the config file is looked for (BATON_CONFIG names another)
    #[command(after_help = "Example:\n  baton config path")]
    Path,
    /// Print each setting in effect and where it came from: flag or environment, the
    /// config file, or the default
    #[command(
        after_help = "A config file (TOML):\n  db = \"postgres://maya@db.example/handoffs\"\n  actor = \"maya\"\n  theme = \"light\"          # dark, light or high-contrast; NO_COLOR still wins\n  mouse = false\n\nExample:\n  baton config show"
    )]
    Show {
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccessCmd {
    /// Admit an existing login role (the database administrator creates it with
    /// `createuser ROLE`); only the board's owner may
    #[command(after_help = "Example:\n  baton access grant alice")]
    Grant {
        /// The database role
        role: String,
    },
    /// Remove a role's access to the board; its past events keep its name
    #[command(after_help = "Example:\n  baton access revoke alice")]
    Revoke {
        /// The database role
        role: String,
    },
    /// List the board's owner and the roles admitted
    #[command(after_help = "Example:\n  baton access ls")]
    Ls {
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Args)]
pub struct BoardArgs {
    /// Print the board as plain text instead of opening it
    #[arg(long)]
    pub print: bool,
    /// Width of the printed board [default: the terminal's, or 160]
    #[arg(long, requires = "print")]
    pub width: Option<u16>,
    /// Height of the printed board [default: the terminal's, or 48]
    #[arg(long, requires = "print")]
    pub height: Option<u16>,
    /// Leave the mouse to the terminal (select text); the keyboard does everything
    /// [config: mouse = false]
    #[arg(long)]
    pub no_mouse: bool,
}

impl From<BoardArgs> for crate::tui::BoardOptions {
    fn from(args: BoardArgs) -> Self {
        crate::tui::BoardOptions {
            print: args.print,
            width: args.width,
            height: args.height,
            no_mouse: args.no_mouse,
            db_given: false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// Add a team
    #[command(after_help = "Example:\n  baton team add sales --name \"Sales\" --lead dana")]
    Add {
        /// Short key people type (letters, digits, - and _)
        key: String,
        /// The name shown on the board [default: the key]
        #[arg(long)]
        name: Option<String>,
        /// Who leads the team
        #[arg(long, value_name = "PERSON")]
        lead: Option<String>,
    },
    /// List teams
    #[command(after_help = "Example:\n  baton team ls --json")]
    Ls {
        #[command(flatten)]
        json: Json,
    },
}

/// The contract fields, as flags.
#[derive(Debug, Args, Clone, Default)]
pub struct ContractArgs {
    /// What starts a handoff across this boundary
    #[arg(long, value_name = "TEXT")]
    pub trigger: Option<String>,
    /// A definition-of-done entry (repeat for more)
    #[arg(long = "done", value_name = "ENTRY")]
    pub done: Vec<String>,
    /// What the receiving team delivers
    #[arg(long, value_name = "TEXT")]
    pub outcome: Option<String>,
    /// The next responsible owner on the receiving side
    #[arg(long, value_name = "PERSON")]
    pub owner: Option<String>,
    /// How long an item may wait in limbo: 90m, 4h, 2d, 1w or 1d 4h (units lowercase:
    /// minutes, hours, days, weeks)
    #[arg(long, value_name = "DURATION")]
    pub sla: Option<String>,
    /// Who hears about it when it is escalated; repeat for the levels of a ladder, first
    /// to last (on edit, the ones given replace the whole ladder)
    #[arg(long = "escalate-to", value_name = "PERSON")]
    pub escalate_to: Vec<String>,
    /// How long past a breach each level of the ladder waits after the one before, in
    /// the SLA's clock (working time with a calendar): `baton watch` then escalates by
    /// itself; `none` for a ladder climbed by hand only
    #[arg(long, value_name = "DURATION")]
    pub escalate_after: Option<String>,
    /// The working calendar the SLA counts in (`baton calendar ls`); `none` for around
    /// the clock
    #[arg(long, value_name = "NAME")]
    pub calendar: Option<String>,
}

/// A calendar's definition, as flags.
#[derive(Debug, Args, Clone, Default)]
pub struct CalendarArgs {
    /// The time zone its hours are in: an IANA name (UTC, Europe/Berlin)
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Working hours: DAYS HH:MM-HH:MM[ HH:MM-HH:MM] (repeat for more rows; split shifts
    /// and breaks as more spans or rows)
    #[arg(long = "hours", value_name = "ROW")]
    pub hours: Vec<String>,
    /// A holiday, YYYY-MM-DD (repeat for more)
    #[arg(long = "holiday", value_name = "DATE")]
    pub holidays: Vec<String>,
    /// Holidays from an iCalendar file: the start date of every event
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// Add a working calendar, for contracts whose SLA counts working time only
    #[command(
        after_help = "Examples:\n  baton calendar add office --tz Europe/Berlin --hours \"Mon-Fri 09:00-17:00\" --holiday 2026-12-24\n  baton calendar add support --tz UTC --hours \"Mon-Fri 08:00-12:00 13:00-18:00\" --hours \"Sat 10:00-14:00\" --ics holidays.ics"
    )]
    Add {
        /// A short name contracts refer to it by
        name: String,
        #[command(flatten)]
        calendar: CalendarArgs,
    },
    /// List calendars
    #[command(after_help = "Example:\n  baton calendar ls")]
    Ls {
        #[command(flatten)]
        json: Json,
    },
    /// Show a calendar: its zone, hours, working day and holidays
    #[command(after_help = "Example:\n  baton calendar show office")]
    Show {
        /// The calendar's name
        name: String,
        #[command(flatten)]
        json: Json,
    },
    /// Change a calendar: --hours replaces every row, --holiday and --ics add holidays
    #[command(
        after_help = "Examples:\n  baton calendar edit office --holiday 2026-12-31\n  baton calendar edit office --hours \"Mon-Thu 08:00-17:00\" --hours \"Fri 08:00-12:00\""
    )]
    Edit {
        /// The calendar's name
        name: String,
        #[command(flatten)]
        calendar: CalendarArgs,
        /// A holiday to take off the calendar (repeat for more)
        #[arg(long = "remove-holiday", value_name = "DATE")]
        remove_holidays: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BoundaryCmd {
    /// Add a boundary from one team to another, with its handoff contract
    #[command(
        after_help = "Example:\n  baton boundary add sales solutions --trigger \"Deal signed\" --done \"Order form attached\" --done \"Kick-off date agreed\" --outcome \"Solution design\" --owner priya --sla 2d --escalate-to vp-sales\n  baton boundary add solutions delivery --sla 1d --calendar office --escalate-to lee --escalate-to vp-delivery --escalate-after 4h"
    )]
    Add {
        /// The team that sends (its key)
        #[arg(add = ArgValueCompleter::new(complete::team_keys))]
        from: String,
        /// The team that receives (its key)
        #[arg(add = ArgValueCompleter::new(complete::team_keys))]
        to: String,
        #[command(flatten)]
        contract: ContractArgs,
    },
    /// List boundaries; incomplete contracts are marked
    #[command(after_help = "Example:\n  baton boundary ls")]
    Ls {
        #[command(flatten)]
        json: Json,
    },
    /// Show a boundary's contract and what waits on it
    #[command(after_help = "Example:\n  baton boundary show sales solutions")]
    Show {
        /// The team that sends (its key)
        #[arg(add = ArgValueCompleter::new(complete::team_keys))]
        from: String,
        /// The team that receives (its key)
        #[arg(add = ArgValueCompleter::new(complete::team_keys))]
        to: String,
        #[command(flatten)]
        json: Json,
    },
    /// Change a boundary's contract; fields not named stay as they are
    #[command(
        after_help = "Examples:\n  baton boundary edit sales solutions --sla 3d\n  baton boundary edit sales solutions --done \"Order form attached\" --done \"Budget owner named\""
    )]
    Edit {
        /// The team that sends (its key)
        #[arg(add = ArgValueCompleter::new(complete::team_keys))]
        from: String,
        /// The team that receives (its key)
        #[arg(add = ArgValueCompleter::new(complete::team_keys))]
        to: String,
        #[command(flatten)]
        contract: ContractArgs,
        /// Remove every definition-of-done entry (before adding any given with --done)
        #[arg(long)]
        clear_done: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateArg {
    Active,
    Limbo,
    Done,
    Dropped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Md,
    Csv,
    Html,
}

/// `--cause CODE`: one of the fixed cause codes, each listed with its meaning.
fn cause_parser() -> impl clap::builder::TypedValueParser<Value = Cause> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(Cause::ALL.map(|c| PossibleValue::new(c.as_str()).help(c.meaning())))
        .try_map(|code| code.parse::<Cause>())
}

/// The rows of `export --format csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvLayout {
    /// One row per item (the default)
    Items,
    /// ID, Link, Name, then the date each item first entered each column, then Done
    Stages,
}

/// What `baton watch` is asked to do.
#[derive(Debug, Args, Clone)]
pub struct WatchArgs {
    /// One tick, then stop
    #[arg(long)]
    pub once: bool,
    /// Time between ticks
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub interval: String,
    /// Run CMD (through `sh -c`) for each notification, the JSON object on its stdin
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// How long CMD may run before it counts as failed
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub timeout: String,
    /// List the notifications given up after every attempt failed, and stop
    #[arg(long, conflicts_with_all = ["once", "exec", "retry_failed"])]
    pub failed: bool,
    /// Put the notifications given up back in line, and stop
    #[arg(long, conflicts_with_all = ["once", "exec"])]
    pub retry_failed: bool,
}

/// The period metrics cover.
#[derive(Debug, Args, Clone, Default)]
pub struct PeriodArgs {
    /// Count from this time: RFC 3339 or "YYYY-MM-DD[ HH:MM]" local time (a date alone:
    /// its start, local midnight) [default: all history]
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Up to this time, not including it, read as --since is: a date alone ends the
    /// period as that day begins (--until 2026-11-15 covers up to the 14th) [default: now]
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCmd {
    /// Save the board and its metrics now, for a retro
    #[command(after_help = "Examples:\n  baton snapshot save --label \"retro 2026-11\"")]
    Save {
        /// A name to find it by [default: "snapshot YYYY-MM-DD"]
        #[arg(long)]
        label: Option<String>,
        #[command(flatten)]
        period: PeriodArgs,
    },
    /// List saved snapshots
    #[command(after_help = "Example:\n  baton snapshot ls")]
    Ls {
        #[command(flatten)]
        json: Json,
    },
    /// Show a saved snapshot's metrics (by number or label)
    #[command(
        after_help = "Examples:\n  baton snapshot show 3\n  baton snapshot show \"retro 2026-11\""
    )]
    Show {
        /// The snapshot's number or label
        snapshot: String,
        #[command(flatten)]
        json: Json,
    },
    /// What changed between two snapshots (B defaults to now)
    #[command(
        after_help = "Examples:\n  baton snapshot diff 1 2\n  baton snapshot diff \"retro 2026-10\""
    )]
    Diff {
        /// The earlier snapshot's number or label
        a: String,
        /// The later one [default: the board now, over the same period]
        b: Option<String>,
        #[command(flatten)]
        json: Json,
    },
}

/// Reads `42` or `#42`.
pub fn parse_id(text: &str) -> Result<i64, String> {
    text.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| format!("`{text}` is not an item id (use 42 or #42)"))
}
