//! Key bindings as data: each maps keys to an action, with the words the help screen
//! and the bottom line show. Help is generated from this table, so it cannot drift.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can ask the board to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    FirstColumn,
    LastColumn,
    Detail,
    NewItem,
    Send,
    Accept,
    Bounce,
    Reclaim,
    Escalate,
    Owner,
    Note,
    Done,
    Reopen,
    Drop,
    Flag,
    Edit,
    Merge,
    Dismiss,
    Tick,
    Triage,
    TriageByTeam,
    Metrics,
    Skip,
    Snooze,
    SnoozeUntil,
    WriteSummary,
    SaveSnapshot,
    Undo,
    Filter,
    ClearFilter,
    Contracts,
    ToggleBoundariesOnly,
    ToggleClosed,
    CollapseLanes,
    MoveColumnLeft,
    MoveColumnRight,
    Help,
    Back,
    Quit,
    /// Leaves Baton from anywhere, a form included.
    ForceQuit,
}

impl Action {
    /// Whether the action moves a scrolling pane (help, detail, triage's item, …).
    pub fn scrolls(self) -> bool {
        matches!(
            self,
            Action::Down
                | Action::Up
                | Action::PageDown
                | Action::PageUp
                | Action::Home
                | Action::End
        )
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Board,
    /// The board and the detail pane (item actions).
    Item,
    Everywhere,
    /// Standup triage and its summary.
    Triage,
}

pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written on screen.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    pub scope: Scope,
    /// Shown on the board's bottom line.
    pub main: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

macro_rules! binding {
    ($label:literal, [$($key:expr),+], $action:ident, $scope:ident, $main:literal, $help:literal) => {
        Binding {
            keys: &[$($key),+],
            label: $label,
            action: Action::$action,
            help: $help,
            scope: Scope::$scope,
            main: $main,
        }
    };
}

pub const BINDINGS: &[Binding] = &[
    binding!(
        "←→ h l",
        [(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        Left,
        Everywhere,
        false,
        "previous or next column"
    ),
    binding!(
        "",
        [(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        Right,
        Everywhere,
        false,
        "next column"
    ),
    binding!(
        "↑↓ k j",
        [(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        Up,
        Everywhere,
        false,
        "previous or next card (in panes: scroll)"
    ),
    binding!(
        "",
        [(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        Down,
        Everywhere,
        false,
        "next card (scroll down in panes)"
    ),
    binding!(
        "PgUp PgDn",
        [(KeyCode::PageUp, NONE)],
        PageUp,
        Everywhere,
        false,
        "a page up or down"
    ),
    binding!(
        "",
        [(KeyCode::PageDown, NONE)],
        PageDown,
        Everywhere,
        false,
        ""
    ),
    binding!(
        "Home End g G",
        [(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        Home,
        Everywhere,
        false,
        "first or last card of the column"
    ),
    binding!(
        "",
        [
            (KeyCode::End, NONE),
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE)
        ],
        End,
        Everywhere,
        false,
        ""
    ),
    binding!(
        "0 $",
        [(KeyCode::Char('0'), NONE)],
        FirstColumn,
        Board,
        false,
        "first or last column"
    ),
    binding!(
        "",
        [(KeyCode::Char('$'), NONE), (KeyCode::Char('$'), SHIFT)],
        LastColumn,
        Board,
        false,
        ""
    ),
    binding!(
        "enter",
        [(KeyCode::Enter, NONE)],
        Detail,
        Board,
        true,
        "detail: contract, handoff note, whole history"
    ),
    binding!(
        "n",
        [(KeyCode::Char('n'), NONE)],
        NewItem,
        Board,
        true,
        "new item in the selected team"
    ),
    binding!(
        "s",
        [(KeyCode::Char('s'), NONE)],
        Send,
        Item,
        true,
        "send across a boundary (ticks the definition of done)"
    ),
    binding!(
        "a",
        [(KeyCode::Char('a'), NONE)],
        Accept,
        Item,
        true,
        "accept an item waiting in limbo"
    ),
    binding!(
        "b",
        [(KeyCode::Char('b'), NONE)],
        Bounce,
        Item,
        true,
        "bounce back to the sender, with a reason"
    ),
    binding!(
        "r",
        [(KeyCode::Char('r'), NONE)],
        Reclaim,
        Item,
        false,
        "reclaim: the sender pulls it back"
    ),
    binding!(
        "E",
        [(KeyCode::Char('E'), SHIFT), (KeyCode::Char('E'), NONE)],
        Escalate,
        Item,
        false,
        "escalate to the contract's contact (notifies them: asks y to confirm)"
    ),
    binding!(
        "o",
        [(KeyCode::Char('o'), NONE)],
        Owner,
        Item,
        false,
        "assign an owner"
    ),
    binding!(
        "N",
        [(KeyCode::Char('N'), SHIFT), (KeyCode::Char('N'), NONE)],
        Note,
        Item,
        false,
        "add a note"
    ),
    binding!(
        "d",
        [(KeyCode::Char('d'), NONE)],
        Done,
        Item,
        false,
        "mark done"
    ),
    binding!(
        "R",
        [(KeyCode::Char('R'), SHIFT), (KeyCode::Char('R'), NONE)],
        Reopen,
        Item,
        false,
        "reopen a done or dropped item"
    ),
    binding!(
        "x",
        [(KeyCode::Char('x'), NONE)],
        Drop,
        Item,
        false,
        "drop, with a reason"
    ),
    binding!(
        "f",
        [(KeyCode::Char('f'), NONE)],
        Flag,
        Item,
        false,
        "flag a dropped baton, for the retro"
    ),
    binding!(
        "e",
        [(KeyCode::Char('e'), NONE)],
        Edit,
        Item,
        false,
        "edit the title, due date, tags or description"
    ),
    binding!(
        "M",
        [(KeyCode::Char('M'), SHIFT), (KeyCode::Char('M'), NONE)],
        Merge,
        Item,
        false,
        "merge into another item: close it as a duplicate"
    ),
    binding!(
        "X",
        [(KeyCode::Char('X'), SHIFT), (KeyCode::Char('X'), NONE)],
        Dismiss,
        Item,
        false,
        "dismiss a signal: not a problem, until its facts change"
    ),
    binding!(
        "T",
        [(KeyCode::Char('T'), SHIFT), (KeyCode::Char('T'), NONE)],
        Tick,
        Item,
        false,
        "tick definition-of-done entries done since a forced handoff"
    ),
    binding!(
        "Z",
        [(KeyCode::Char('Z'), SHIFT), (KeyCode::Char('Z'), NONE)],
        CollapseLanes,
        Board,
        false,
        "collapse the team lanes (narrow), to see more boundaries at once"
    ),
    binding!(
        "t",
        [(KeyCode::Char('t'), NONE)],
        Triage,
        Board,
        true,
        "triage: walk what needs attention, one key per decision"
    ),
    binding!(
        "W",
        [(KeyCode::Char('W'), SHIFT), (KeyCode::Char('W'), NONE)],
        TriageByTeam,
        Board,
        false,
        "triage team by team, the board from right to left"
    ),
    binding!(
        "m",
        [(KeyCode::Char('m'), NONE)],
        Metrics,
        Board,
        true,
        "metrics: time in limbo and bounce rate per boundary, breaches over time"
    ),
    binding!(
        "space →",
        [(KeyCode::Char(' '), NONE)],
        Skip,
        Triage,
        false,
        "skip to the next item (← goes back)"
    ),
    binding!(
        "z",
        [(KeyCode::Char('z'), NONE)],
        Snooze,
        Triage,
        false,
        "snooze until the next standup (the next weekday)"
    ),
    binding!(
        "p",
        [(KeyCode::Char('p'), NONE)],
        SnoozeUntil,
        Triage,
        false,
        "snooze until a time you choose"
    ),
    binding!(
        "w",
        [(KeyCode::Char('w'), NONE)],
        WriteSummary,
        Triage,
        false,
        "write the standup summary as Markdown (on the summary)"
    ),
    binding!(
        "S",
        [(KeyCode::Char('S'), SHIFT), (KeyCode::Char('S'), NONE)],
        SaveSnapshot,
        Triage,
        false,
        "save the board as a snapshot labelled \"standup YYYY-MM-DD\" (on the summary)"
    ),
    binding!(
        "u",
        [(KeyCode::Char('u'), NONE)],
        Undo,
        Board,
        true,
        "undo this session's changes, newest first (in triage: the walk's)"
    ),
    binding!(
        "/",
        [(KeyCode::Char('/'), NONE)],
        Filter,
        Board,
        true,
        "filter: words, team:KEY owner:NAME tag:TAG signal:CODE"
    ),
    binding!(
        "esc",
        [(KeyCode::Esc, NONE)],
        Back,
        Everywhere,
        false,
        "close, clear the filter, go back"
    ),
    binding!(
        "c",
        [(KeyCode::Char('c'), NONE)],
        Contracts,
        Board,
        true,
        "contracts: every boundary's handoff contract"
    ),
    binding!(
        "B",
        [(KeyCode::Char('B'), SHIFT), (KeyCode::Char('B'), NONE)],
        ToggleBoundariesOnly,
        Board,
        false,
        "only the limbo columns (boundaries)"
    ),
    binding!(
        "D",
        [(KeyCode::Char('D'), SHIFT), (KeyCode::Char('D'), NONE)],
        ToggleClosed,
        Board,
        false,
        "show or hide done and dropped items"
    ),
    binding!(
        "< >",
        [(KeyCode::Char('<'), NONE), (KeyCode::Char('<'), SHIFT)],
        MoveColumnLeft,
        Board,
        false,
        "move the column left or right (saved)"
    ),
    binding!(
        "",
        [(KeyCode::Char('>'), NONE), (KeyCode::Char('>'), SHIFT)],
        MoveColumnRight,
        Board,
        false,
        ""
    ),
    binding!(
        "?",
        [(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
        Help,
        Everywhere,
        true,
        "help: every key and what the marks mean"
    ),
    binding!(
        "q",
        [(KeyCode::Char('q'), NONE)],
        Quit,
        Everywhere,
        true,
        "quit (in triage: end the walk, with its summary)"
    ),
    binding!(
        "ctrl-c",
        [(KeyCode::Char('c'), CTRL)],
        ForceQuit,
        Everywhere,
        false,
        "quit from anywhere, a form too"
    ),
];

/// The action a key asks for, if any.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    // Shifted letters arrive with or without SHIFT depending on the terminal.
    let modifiers = key.modifiers & (KeyModifiers::SHIFT | KeyModifiers::CONTROL);
    BINDINGS
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|(code, m)| *code == key.code && *m == modifiers)
        })
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for key in b.keys {
                assert!(!seen.contains(key), "{key:?} is bound twice");
                seen.push(*key);
            }
        }
    }

    #[test]
    fn every_action_has_help() {
        for b in BINDINGS.iter().filter(|b| !b.label.is_empty()) {
            assert!(!b.help.is_empty(), "{} has no help", b.label);
        }
    }
}
