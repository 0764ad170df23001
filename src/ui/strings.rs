//! The words on screen that are not data, in one place: titles, headings, hints, key
//! lines and the board's messages. (What the rules refuse is worded by the domain;
//! the board shows it as it comes.)

pub const APP: &str = "Baton";
pub const TOO_SMALL: &str = "Terminal too small for the board";
/// At the bottom right of a pane that scrolls further down.
pub const MORE_BELOW: &str = " ↓ more: PgDn ";
/// Behind the note, over a form with something typed in it.
pub const TOO_SMALL_FORM: &str = "Enlarge it to finish the form; Ctrl-C quits and loses it.";

// The board
pub const EMPTY_BOARD: &str =
    "No teams yet. Add some from the shell: baton team add KEY, then baton boundary add FROM TO.";
pub const NO_COLUMNS: &str = "No columns match this view.";
pub const NO_MATCH: &str = "No open item matches the filter; esc clears it.";
pub const NO_BOUNDARY_COLUMNS: &str = "No boundaries to show; B shows the team lanes again.";
pub const BOUNDARIES_ONLY: &str = "boundaries only";
/// [`BOUNDARIES_ONLY`] on a narrow title line.
pub const BOUNDARIES_ONLY_SHORT: &str = "⇢ only";
pub const EMPTY_COLUMN: &str = "—";
pub const THROWAWAY_DEMO: &str =
    "Throwaway demo: deleted on quit, snapshots too; baton --db FILE demo keeps one.";
pub const THROWAWAY_PLACE: &str = "throwaway demo: deleted on quit";
pub const COLUMNS_HIDDEN: &str = "columns hidden";
/// The overview's word for an item held in a lane, where a boundary's count goes.
pub const OVERVIEW_HELD: &str = "  held";
pub const OVERVIEW_MORE: &str = "more boundaries with items waiting (B: only the boundaries)";
/// The same, with only the boundaries on the board already.
pub const OVERVIEW_MORE_ON_BOARD: &str = "more boundaries with items waiting, on the board below";
pub const CLOSED_COLUMN: &str = "done & dropped";
pub const CONTRACT_INCOMPLETE: &str = "contract incomplete";
pub const CONTRACT_INCOMPLETE_SHORT: &str = "contract?";
pub const FILTER_HELP: &str = "words match title and body; team:KEY owner:NAME tag:TAG signal:CODE narrow further (owner:\"Ann Lee\")";

// Panes
pub const HELP_TITLE: &str = "Help · esc closes";
pub const HELP_INTRO: [&str; 2] = [
    "Baton shows each team's lane and, before it, a ⇢ limbo column for every boundary into it:",
    "items sent and not yet accepted wait there, with their age against the contract's SLA.",
];
pub const HELP_SHORT_MARKS: &str = "short forms on narrow cards:";
/// After `next NAME` in the marks legend.
pub const HELP_NEXT_OWNER: &str = "the contract's next owner, to take it";
pub const HELP_EVERYWHERE: &str = "Everywhere";
pub const HELP_BOARD: &str = "On the board";
pub const HELP_ITEM: &str = "On the selected item (board, detail or triage)";
pub const HELP_TRIAGE: &str = "In standup triage (t)";
pub const HELP_FORMS: &str = "In forms";
pub const HELP_FILTER: &str = "Filter (/)";
pub const CONTRACTS_TITLE: &str = "Handoff contracts · esc closes";
pub const NO_BOUNDARIES: &str = "No boundaries yet: add one with baton boundary add FROM TO.";
pub const CONTRACT_COMPLETE: &str = "complete";
pub const NEEDS_ATTENTION: &str = "Needs attention";
pub const HANDOFF_NOTE: &str = "Handoff note";
pub const HISTORY: &str = "History";
pub const NOWHERE_TO_GO: &str = "nowhere: no boundary leads out of this team";
pub const LIMBO_CHART: &str = "Time in limbo per boundary (median / 85th percentile)";
pub const BOUNCE_CHART: &str = "Bounce rate per boundary: bounced ÷ (accepted + bounced)";

// Forms
pub const NO_CHECKLIST: &str = "(the contract has no definition of done)";
pub const FORM_SUBMIT: &str = "enter submit";
pub const FORM_CANCEL: &str = "esc cancel";
pub const FORM_NEXT_FIELD: &str = "tab next field";
pub const FORM_CLEAR: &str = "ctrl-u clears";
pub const CONFIRM_ESCALATE: &str = "Escalate to";
/// Esc on a form something was typed into.
pub const CONFIRM_DISCARD: &str = "Esc again discards what you typed";
/// A tick form submitted with nothing ticked.
pub const TICK_NONE: &str = "tick at least one entry: space ticks the one under the cursor";
/// A merge's question, before the item it goes into.
pub const CONFIRM_MERGE: &str = "Merge into";
/// How a question answered by a second Enter ends.
pub const CONFIRM_AGAIN: &str = "Enter again merges, or change it";
/// After a file name that exists, in the save form.
pub const CONFIRM_OVERWRITE: &str = "exists: Enter again overwrites it, or change the name";
pub const ESCALATE_TO_WHOM: &str = "name who it goes to: no contract names a contact for it";
pub const CONFIRM_KEYS: &str =
    "y escalate (it notifies them) · esc or n back · enter does not send it";
pub const ESCALATION_CONTACT: &str = "the contract's escalation contact";
pub const FORM_COMPLETES: &str = "tab completes:";
pub const FORM_MOVE: &str = "↑↓ move";
pub const FORM_CHOOSE: &str = "←→ choose";
pub const FORM_TICK: &str = "space tick · a tick all";
/// Every key a form takes, as help lists them.
pub const FORM_KEYS: [&str; 8] = [
    FORM_NEXT_FIELD,
    "tab in a person field: complete a known name (owners, contract owners, contacts); again: the next",
    FORM_CLEAR,
    FORM_MOVE,
    FORM_CHOOSE,
    FORM_TICK,
    FORM_SUBMIT,
    "esc cancel (after typing, esc twice: the first asks)",
];
pub const SEND_INCOMPLETE: &str = "Enter again sends it as an incomplete handoff; Esc goes back.";
pub const SUMMARY_NEEDS_FILE: &str = "name the file to write the summary to";

// Key lines (the board's own comes from the key map)
pub const SCROLL_KEYS: &str = "↑↓ PgUp PgDn scroll · esc back · ? help · q quit";
/// Back and quit first: a narrow screen cuts the line at the right.
pub const DETAIL_KEYS: &str = "esc back · q quit · ↑↓ scroll · s send · a accept · b bounce · r reclaim · E escalate · e edit · o owner · N note · d done";
/// The keys of a triage item. (The keys used most come first: narrow screens cut the
/// line at the right.)
/// Two lines: the decisions, then the rest; each fits 80 columns.
pub const TRIAGE_KEYS: &str =
    "a accept · b bounce · M merge · X dismiss · T tick · E escalate · o owner";
pub const TRIAGE_MORE_KEYS: &str =
    "N note · e due · z snooze · p until · space skip · ← back · u undo · q end · ?";
pub const SUMMARY_KEYS: &str =
    "S save snapshot · w write Markdown · u undo · ← last item · esc or q board";

// Triage
pub const WHY_ATTENTION: &str = "Why it needs attention";
pub const LATEST_EVENTS: &str = "Latest events";
pub const DECIDED: &str = "What was decided";
pub const NOTHING_WALKED: &str = "Nothing: no item was walked.";
pub const NOT_REACHED: &str = "Not reached";
pub const ITEM_TIME_UP: &str = "time is up for this item: space moves on";
pub const TOTAL_TIME_UP: &str = "the standup's time is up: q ends the walk with its summary";

// Messages
pub const NO_ITEM_SELECTED: &str = "no item selected";
pub const NO_CARD_SELECTED: &str = "no item selected: move to a card first";
pub const NOTHING_TO_UNDO_IN_TRIAGE: &str = "nothing to undo: this walk has changed nothing yet";
pub const NOTHING_TO_UNDO: &str =
    "nothing to undo: no change made on the board this session is left";
pub const NOTHING_MORE_TO_UNDO: &str = "nothing more to undo";
pub const TRIAGE_KEY_ON_BOARD: &str = "that key works in triage: press t to start it";
pub const SHOWING_BOUNDARIES: &str =
    "showing only the boundaries (limbo columns); B shows the lanes again";
pub const SHOWING_ALL: &str = "showing team lanes and boundaries";
pub const LANES_COLLAPSED: &str = "team lanes collapsed; Z widens them again";
pub const LANES_FULL: &str = "team lanes at full width";
pub const NEW_ITEM_NEEDS_LANE: &str = "move to a team's lane to add an item there";
pub const QUEUE_EMPTY: &str = "nothing needs attention: the queue is empty";
pub const NOTHING_TO_GO_BACK_TO: &str = "nothing to go back to";
pub const FIRST_ITEM: &str = "this is the first item";
pub const FILTER_CLEARED: &str = "filter cleared";
pub const REORDER_IN_FULL_VIEW: &str = "columns are reordered in the full view (B)";
pub const COLUMN_ORDER_SAVED: &str = "column order saved";
