//! Where an item has been: the board's columns (a team's lane, a boundary's limbo,
//! done) it entered and when, worked out from its history alone. The CSV exports use
//! it for the dates each item entered each column.

use chrono::{DateTime, Utc};

use super::metrics::{Flow, FlowEvent, effective};
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
        let lane = |team: &Option<String>| team.clone().map(Stage::Lane);
        match flow {
            Flow::Created { team } => {
                self.team = Some(team.clone());
                lane(&self.team)
            }
            Flow::Sent { to, .. } => {
                self.limbo_to = Some(to.clone());
                self.team.clone().map(|from| Stage::Limbo {
                    from,
                    to: to.clone(),
                })
            }
            Flow::Accepted => {
                if let Some(to) = self.limbo_to.take() {
                    self.team = Some(to);
                }
                lane(&self.team)
            }
            Flow::Bounced | Flow::Reclaimed | Flow::Reopened => {
                self.limbo_to = None;
                lane(&self.team)
            }
            Flow::Dropped => {
                self.limbo_to = None;
                None
            }
            Flow::Done => Some(Stage::Done),
            Flow::Escalated | Flow::Flagged | Flow::Other | Flow::Undone { .. } => None,
        }
    }
}

/// The first time an item entered each column, in the order it entered them; events
/// taken back by an undo do not count.
pub fn first_entries(history: &[FlowEvent]) -> Vec<(Stage, DateTime<Utc>)> {
    let mut at = Whereabouts::default();
    let mut entered: Vec<(Stage, DateTime<Utc>)> = Vec::new();
    for event in effective(history) {
        if let Some(stage) = at.step(event.seq, &event.flow)
            && !entered.iter().any(|(s, _)| *s == stage)
        {
            entered.push((stage, event.at));
        }
    }
    entered
}

#[cfg(test)]
mod tests {
    use super::*;

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
