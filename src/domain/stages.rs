//! Where an item has been: the board's columns (a team's lane, a boundary's limbo,
//! done) it entered and when, worked out from its history alone. The CSV exports use
//! it for the dates each item entered each column.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::metrics::{Flow, FlowEvent, effective};
use super::rules::Org;
use super::view::crossing;

/// A column of the board, in the words of the flow: a team's lane, a boundary's
/// limbo, or done.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stage {
    Lane(String),
    Limbo { from: String, to: String },
    Done,
}

impl Stage {
    /// The column's name as the board shows it: `sales`, `sales → ops`, `done`.
    pub fn label(&self) -> String {
        match self {
            Stage::Lane(team) => team.clone(),
            Stage::Limbo { from, to } => crossing(from, to),
            Stage::Done => "done".to_string(),
        }
    }
}

/// Where an item is while its history is read, event by event: the team holding it
/// and, in limbo, the team it was sent to. An undo puts back where it was before the
/// change it takes back.
#[derive(Debug, Clone, Default)]
pub struct Whereabouts {
    pub team: Option<String>,
    pub limbo_to: Option<String>,
    /// Where it was before each change, for reading a history with its undos in it;
    /// off for effective histories (no undos left), which then copy nothing.
    undoable: bool,
    taken_back: Vec<(u32, Option<String>, Option<String>)>,
}

impl Whereabouts {
    /// For a history read with its undos in it.
    pub fn with_undos() -> Whereabouts {
        Whereabouts {
            undoable: true,
            ..Whereabouts::default()
        }
    }

    /// Moves on by one event; returns the column the item entered with it, if any.
    pub fn step(&mut self, seq: u32, flow: &Flow) -> Option<Stage> {
        self.moved(seq, flow).map(|at| at.to_stage())
    }

    /// [`Whereabouts::step`], the column borrowed from where the item now is: no copy
    /// of a team's name per event when a million of them are read.
    pub fn moved(&mut self, seq: u32, flow: &Flow) -> Option<Entered<'_>> {
        if let Flow::Undone { seq: target } = flow {
            if self.taken_back.last().is_some_and(|(s, _, _)| s == target)
                && let Some((_, team, limbo_to)) = self.taken_back.pop()
            {
                self.team = team;
                self.limbo_to = limbo_to;
            }
            return None;
        }
        if self.undoable {
            self.taken_back
                .push((seq, self.team.clone(), self.limbo_to.clone()));
        }
        match flow {
            Flow::Created { team } => {
                set(&mut self.team, team);
                self.lane()
            }
            Flow::Sent { to, .. } => {
                set(&mut self.limbo_to, to);
                match (&self.team, &self.limbo_to) {
                    (Some(from), Some(to)) => Some(Entered::Limbo { from, to }),
                    _ => None,
                }
            }
            Flow::Accepted => {
                if let Some(to) = self.limbo_to.take() {
                    self.team = Some(to);
                }
                self.lane()
            }
            Flow::Bounced | Flow::Reclaimed | Flow::Reopened => {
                self.limbo_to = None;
                self.lane()
            }
            Flow::Dropped => {
                self.limbo_to = None;
                None
            }
            Flow::Done => Some(Entered::Done),
            Flow::Escalated | Flow::Flagged | Flow::Other | Flow::Undone { .. } => None,
        }
    }

    fn lane(&self) -> Option<Entered<'_>> {
        self.team.as_deref().map(Entered::Lane)
    }

    /// Back to where a new history starts, keeping the buffers.
    fn reset(&mut self) {
        self.team = None;
        self.limbo_to = None;
        self.taken_back.clear();
    }
}

/// `slot` set to `value`, reusing the string already there.
fn set(slot: &mut Option<String>, value: &str) {
    match slot {
        Some(text) => {
            text.clear();
            text.push_str(value);
        }
        None => *slot = Some(value.to_string()),
    }
}

/// A column an item entered, borrowed from its [`Whereabouts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entered<'a> {
    Lane(&'a str),
    Limbo { from: &'a str, to: &'a str },
    Done,
}

impl Entered<'_> {
    pub fn to_stage(self) -> Stage {
        match self {
            Entered::Lane(team) => Stage::Lane(team.to_string()),
            Entered::Limbo { from, to } => Stage::Limbo {
                from: from.to_string(),
                to: to.to_string(),
            },
            Entered::Done => Stage::Done,
        }
    }
}

/// Teams in flow order: along the boundaries, a team after those that send to it;
/// cycles (rework edges) are broken by taking the earliest-added team left that an
/// already placed team sends to (or the earliest-added one left).
pub fn flow_order(org: &Org) -> Vec<String> {
    let keys: Vec<&str> = org.teams.iter().map(|t| t.key.as_str()).collect();
    let mut incoming: HashMap<&str, usize> = keys.iter().map(|k| (*k, 0)).collect();
    for b in &org.boundaries {
        if let Some(n) = incoming.get_mut(b.to.as_str()) {
            *n += 1;
        }
    }
    let mut placed: Vec<String> = Vec::new();
    let mut done: HashSet<&str> = HashSet::new();
    while placed.len() < keys.len() {
        let next = keys
            .iter()
            .find(|k| !done.contains(**k) && incoming.get(**k) == Some(&0))
            .or_else(|| {
                keys.iter().find(|k| {
                    !done.contains(**k)
                        && org
                            .boundaries
                            .iter()
                            .any(|b| b.to == **k && done.contains(b.from.as_str()))
                })
            })
            .or_else(|| keys.iter().find(|k| !done.contains(**k)));
        let Some(&next) = next else { break };
        done.insert(next);
        placed.push(next.to_string());
        for b in org.boundaries.iter().filter(|b| b.from == next) {
            if let Some(n) = incoming.get_mut(b.to.as_str()) {
                *n = n.saturating_sub(1);
            }
        }
    }
    placed
}

/// The board's columns in flow order, the order the board shows them by default and
/// the stages CSV lays them out in: for each team in flow order, the limbo of every
/// boundary into it (senders in flow order), then its lane. Done is not among them.
pub fn flow_stages(org: &Org) -> Vec<Stage> {
    let order = flow_order(org);
    let rank: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut stages = Vec::new();
    for team in &order {
        let mut into: Vec<&super::Boundary> =
            org.boundaries.iter().filter(|b| &b.to == team).collect();
        into.sort_by_key(|b| rank.get(b.from.as_str()).copied().unwrap_or(usize::MAX));
        for b in into {
            stages.push(Stage::Limbo {
                from: b.from.clone(),
                to: b.to.clone(),
            });
        }
        stages.push(Stage::Lane(team.clone()));
    }
    stages
}

/// The first time an item entered each column, in the order it entered them; events
/// taken back by an undo do not count.
pub fn first_entries(history: &[FlowEvent]) -> Vec<(Stage, DateTime<Utc>)> {
    let mut entered: Vec<(Stage, DateTime<Utc>)> = Vec::new();
    each_entry(&mut Whereabouts::default(), history, |stage, at| {
        if !entered.iter().any(|(s, _)| stage == *s) {
            entered.push((stage.to_stage(), at));
        }
    });
    entered
}

/// Every column `history` takes its item into, with when, read with `at` (reset
/// first): the one reading behind [`first_entries`] and [`Columns::first_entries`].
fn each_entry(
    at: &mut Whereabouts,
    history: &[FlowEvent],
    mut entered: impl FnMut(Entered<'_>, DateTime<Utc>),
) {
    at.reset();
    for event in effective(history) {
        if let Some(stage) = at.moved(event.seq, &event.flow) {
            entered(stage, event.at);
        }
    }
}

impl PartialEq<Stage> for Entered<'_> {
    fn eq(&self, other: &Stage) -> bool {
        match (self, other) {
            (Entered::Lane(a), Stage::Lane(b)) => a == b,
            (Entered::Limbo { from, to }, Stage::Limbo { from: f, to: t }) => from == f && to == t,
            (Entered::Done, Stage::Done) => true,
            _ => false,
        }
    }
}

/// Columns laid out in a row (the CSVs' date columns), each found by its place from a
/// borrowed [`Entered`], without building a [`Stage`] to look it up.
pub struct Columns {
    stages: Vec<Stage>,
    lanes: HashMap<String, usize>,
    /// By receiving team: each sender and the column of that boundary's limbo.
    limbos: HashMap<String, Vec<(String, usize)>>,
    done: Option<usize>,
    at: Whereabouts,
}

impl Columns {
    pub fn new(stages: Vec<Stage>) -> Columns {
        let mut lanes = HashMap::new();
        let mut limbos: HashMap<String, Vec<(String, usize)>> = HashMap::new();
        let mut done = None;
        for (i, stage) in stages.iter().enumerate() {
            match stage {
                Stage::Lane(team) => {
                    lanes.insert(team.clone(), i);
                }
                Stage::Limbo { from, to } => {
                    let senders = limbos.entry(to.clone()).or_default();
                    senders.retain(|(f, _)| f != from);
                    senders.push((from.clone(), i));
                }
                Stage::Done => done = Some(i),
            }
        }
        Columns {
            stages,
            lanes,
            limbos,
            done,
            at: Whereabouts::default(),
        }
    }

    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The place of `stage` in the row, if it is one of the columns.
    pub fn place(&self, stage: Entered<'_>) -> Option<usize> {
        match stage {
            Entered::Lane(team) => self.lanes.get(team).copied(),
            Entered::Limbo { from, to } => self
                .limbos
                .get(to)?
                .iter()
                .find(|(f, _)| f == from)
                .map(|(_, i)| *i),
            Entered::Done => self.done,
        }
    }

    /// [`first_entries`] of `history` among these columns, by place: those it never
    /// entered, and stages that are not columns, are left out.
    pub fn first_entries(
        &mut self,
        history: &[FlowEvent],
        mut entered: impl FnMut(usize, DateTime<Utc>),
    ) {
        let mut at = std::mem::take(&mut self.at);
        let mut seen: u128 = 0;
        let mut seen_more: Vec<usize> = Vec::new();
        each_entry(&mut at, history, |stage, when| {
            if let Some(place) = self.place(stage) {
                let first = if place < 128 {
                    let bit = 1u128 << place;
                    let new = seen & bit == 0;
                    seen |= bit;
                    new
                } else if seen_more.contains(&place) {
                    false
                } else {
                    seen_more.push(place);
                    true
                };
                if first {
                    entered(place, when);
                }
            }
        });
        self.at = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_follow_the_boundaries_and_cycles_break_stably() {
        let o = Org::sketch(
            &["ops", "eng", "support", "sales"],
            &[
                ("sales", "support"),
                ("support", "eng"),
                ("eng", "ops"),
                ("eng", "support"),
            ],
        );
        // support waits on eng (a rework edge), so the cycle is broken at the team
        // sales sends to, not at ops, the earliest-added team.
        assert_eq!(flow_order(&o), ["sales", "support", "eng", "ops"]);
    }

    #[test]
    fn limbo_stages_sit_just_before_the_receiving_lane() {
        let o = Org::sketch(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("c", "b")]);
        let limbo = |from: &str, to: &str| Stage::Limbo {
            from: from.to_string(),
            to: to.to_string(),
        };
        let lane = |team: &str| Stage::Lane(team.to_string());
        assert_eq!(
            flow_stages(&o),
            [
                lane("a"),
                limbo("a", "b"),
                limbo("c", "b"),
                lane("b"),
                limbo("b", "c"),
                lane("c")
            ]
        );
    }

    fn event(seq: u32, at: &str, flow: Flow) -> FlowEvent {
        FlowEvent {
            item: 1,
            seq,
            at: format!("2026-11-{at}:00Z").parse().expect("time"),
            flow,
            cause: None,
        }
    }

    #[test]
    fn entries_are_first_times_and_undos_do_not_count() {
        let sent = |to: &str| Flow::Sent {
            to: to.to_string(),
            forced: false,
            late: false,
        };
        let history = vec![
            event(
                1,
                "02T09:00",
                Flow::Created {
                    team: "sales".to_string(),
                },
            ),
            event(2, "02T10:00", sent("ops")),
            event(3, "02T11:00", Flow::Bounced),
            event(4, "03T09:00", sent("ops")),
            event(5, "03T10:00", Flow::Accepted),
            event(6, "04T09:00", sent("support")),
            event(7, "04T09:05", Flow::Undone { seq: 6 }),
            event(8, "05T09:00", Flow::Done),
            event(9, "06T09:00", Flow::Reopened),
            event(10, "07T09:00", Flow::Done),
        ];
        let limbo = Stage::Limbo {
            from: "sales".to_string(),
            to: "ops".to_string(),
        };
        let t = |at: &str| -> DateTime<Utc> { format!("2026-11-{at}:00Z").parse().expect("time") };
        assert_eq!(
            first_entries(&history),
            [
                (Stage::Lane("sales".to_string()), t("02T09:00")),
                (limbo, t("02T10:00")),
                (Stage::Lane("ops".to_string()), t("03T10:00")),
                (Stage::Done, t("05T09:00")),
            ]
        );
        // By place among columns: the same first times; a stage that is not a column
        // (sales → ops here) is left out, and a column never entered has none.
        let mut columns = Columns::new(vec![
            Stage::Lane("ops".to_string()),
            Stage::Lane("support".to_string()),
            Stage::Lane("sales".to_string()),
            Stage::Done,
        ]);
        let mut by_place = Vec::new();
        columns.first_entries(&history, |place, at| by_place.push((place, at)));
        assert_eq!(
            by_place,
            [(2, t("02T09:00")), (0, t("03T10:00")), (3, t("05T09:00"))]
        );
        // Read one by one, an undo puts the item back where it was.
        let mut at = Whereabouts::with_undos();
        for e in &history[..6] {
            at.step(e.seq, &e.flow);
        }
        assert_eq!(at.limbo_to.as_deref(), Some("support"));
        at.step(7, &Flow::Undone { seq: 6 });
        assert_eq!((at.team.as_deref(), at.limbo_to), (Some("ops"), None));
    }
}
