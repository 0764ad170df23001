//! The handoff model and its rules: pure, no IO, time always passed in.

pub mod attention;
pub mod calendar;
pub mod cause;
pub mod contracts;
pub mod duration;
pub mod external;
pub mod forecast;
pub mod history;
pub mod ladder;
pub mod metrics;
pub mod model;
pub mod notify;
pub mod rules;
pub mod snapshot;
pub mod stages;
pub mod standup;
pub mod text;
pub mod time;
pub mod view;

pub use model::{
    Boundary, Contract, Dismissal, Escalation, Event, EventKind, Item, ItemId, Limbo, State, Team,
};
pub use rules::{Command, Org, Pair, Ticks};

use chrono::{DateTime, Utc};

/// Everything the model refuses, worded for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("unknown team `{key}`{hint} (teams: {known})")]
    UnknownTeam {
        key: String,
        /// `; did you mean `support`?` when a key differs only in case.
        hint: String,
        known: String,
    },
    #[error("no item #{0}")]
    UnknownItem(ItemId),
    #[error(
        "there is no boundary from {from} to {to}; items held by {from} can be sent to: {targets}"
    )]
    NoBoundary {
        from: String,
        to: String,
        targets: String,
    },
    #[error("cannot {action} #{id}: it is {state}; {rule}")]
    WrongState {
        id: ItemId,
        action: &'static str,
        state: String,
        rule: &'static str,
    },
    #[error(
        "{}; tick them with --done N or --all-done, or send anyway with --force (recorded as an incomplete handoff)",
        unticked_refusal(.boundary, .entries)
    )]
    Unticked {
        boundary: String,
        entries: Vec<String>,
    },
    #[error("{boundary} has no definition-of-done entry {entry} (it has {count})")]
    NoSuchChecklistEntry {
        entry: usize,
        boundary: String,
        count: usize,
    },
    #[error("{0} is required")]
    Required(&'static str),
    #[error(
        "the contract of {boundary} names the calendar `{calendar}`, which is not among the calendars ({known}); add it to the document's `calendars` or take it off the contract"
    )]
    ContractCalendarMissing {
        boundary: String,
        calendar: String,
        known: String,
    },
    #[error(transparent)]
    Calendar(#[from] calendar::CalendarError),
    #[error("`{0}` is not a duration (use 90m, 4h, 2d or 1w, up to 520w)")]
    BadDuration(String),
    #[error(
        "`{0}` is not a duration: units are lowercase, m (minutes), h (hours), d (days) or w (weeks), as in 90m, 4h, 2d, 1w"
    )]
    UppercaseUnit(String),
    #[error("`{0}` is not a time (use RFC 3339, or YYYY-MM-DD[ HH:MM] in local time)")]
    BadTime(String),
    #[error(
        "`{input}` does not exist in local time: on {day} the clocks jump from {} to {} (daylight saving); give a time before or after the gap",
        .from.format("%H:%M"),
        .to.format("%H:%M")
    )]
    TimeInGap {
        input: String,
        day: chrono::NaiveDate,
        from: chrono::NaiveTime,
        to: chrono::NaiveTime,
    },
    #[error("#{id}: an event at {at} would come before the item's last event at {last}")]
    BeforeLastEvent {
        id: ItemId,
        at: DateTime<Utc>,
        last: DateTime<Utc>,
    },
    #[error("#{id}: event number {seq} is out of sequence (expected {expected})")]
    OutOfSequence { id: ItemId, seq: u32, expected: u32 },
    #[error("#{id}: the history must start with `created`, not `{event}`")]
    NotCreatedFirst { id: ItemId, event: &'static str },
    #[error("#{0} is created twice")]
    CreatedTwice(ItemId),
    #[error("#{0} already says that: nothing to change")]
    NothingToChange(ItemId),
    #[error("#{id} is escalated to {to} already; name someone else to escalate to, or add a note")]
    AlreadyEscalated { id: ItemId, to: String },
    #[error("a snooze must end in the future, not at {0}")]
    SnoozeInPast(DateTime<Utc>),
    #[error("cannot snooze #{id}: it is {fact}; {fix}")]
    SnoozeHidesFact {
        id: ItemId,
        fact: &'static str,
        fix: &'static str,
    },
    #[error("#{0} has no events")]
    EmptyHistory(ItemId),
    #[error("`{0}` is not a team key (use up to 32 letters, digits, - and _)")]
    BadTeamKey(String),
    #[error("team `{0}` already exists")]
    DuplicateTeam(String),
    #[error("a boundary needs two different teams, not {0} → {0}")]
    SelfBoundary(String),
    #[error("the boundary {0} → {1} already exists; change it with `baton boundary edit {0} {1}`")]
    DuplicateBoundary(String, String),
    #[error("item id {0} is out of range: ids are whole numbers from 1 to {max}", max = MAX_ITEM_ID)]
    BadItemId(i64),
    #[error("#{id}: the time {at} is out of range (Baton keeps times from 1970 to 9999)")]
    TimeOutOfRange { id: ItemId, at: DateTime<Utc> },
    #[error(
        "#{id}: cannot undo change {seq}: only the item's last change can be undone, and not its creation"
    )]
    CannotUndo { id: ItemId, seq: u32 },
    #[error("`{0}` is not a link (use an http:// or https:// address, without spaces)")]
    BadLink(String),
    #[error("cannot merge #{0} into itself; name the item it duplicates")]
    MergeIntoItself(ItemId),
    #[error("cannot merge #{id} into #{into}: #{into} is {state}; merge into an open item")]
    MergeIntoClosed {
        id: ItemId,
        into: ItemId,
        state: String,
    },
    #[error("unknown signal `{0}` (signals: {list})", list = attention::SignalCode::list())]
    UnknownSignal(String),
    #[error("cannot dismiss {code} on #{id}: {rule}")]
    Undismissable {
        id: ItemId,
        code: &'static str,
        rule: &'static str,
    },
    #[error("#{id} has no {code} signal to dismiss")]
    NoSuchSignal { id: ItemId, code: &'static str },
    #[error("#{id}: {code} is already dismissed; it comes back when its facts change")]
    AlreadyDismissed { id: ItemId, code: &'static str },
    #[error("dismissing possible-duplicate on #{0} needs the other item of the pair (--with ID)")]
    DuplicateNeedsOther(ItemId),
    #[error("--with names the other item of a possible-duplicate, not of {0}")]
    OtherOnlyForDuplicate(&'static str),
    #[error(
        "#{id} and #{other} are not possible duplicates: only open items of different teams with alike titles are"
    )]
    NotDuplicates { id: ItemId, other: ItemId },
    #[error("#{0} has no unticked definition-of-done entries: nothing to tick")]
    NothingToTick(ItemId),
    #[error("#{id}: definition-of-done entry {entry} “{text}” is not left to tick (left: {left})")]
    NotLeftToTick {
        id: ItemId,
        entry: usize,
        text: String,
        left: String,
    },
    #[error("cannot escalate #{id}: {reason}; name who it goes to with --to PERSON")]
    NoEscalationContact { id: ItemId, reason: String },
}

/// The largest item id: 2^53, so every id is exact in JSON readers that use doubles.
pub const MAX_ITEM_ID: i64 = 1 << 53;

/// What a send with unticked definition-of-done entries is refused with, on every
/// surface, before the surface's own way on (flags on the command line, a second Enter
/// on the board): "definition of done for sales → solutions not met: unticked “A”".
pub fn unticked_refusal(boundary: &str, entries: &[String]) -> String {
    let quoted: Vec<String> = entries.iter().map(|e| format!("“{e}”")).collect();
    format!(
        "definition of done for {boundary} not met: unticked {}",
        quoted.join(", ")
    )
}
