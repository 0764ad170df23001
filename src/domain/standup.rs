//! Standup decisions: what triage decided about an item, and where it stands now.

use super::model::{Item, ItemId};
use super::rules::{Org, describe_state};
use super::view::{Responsible, responsible};

/// The decision recorded for an item walked past without one.
pub const SKIPPED: &str = "skipped";

/// One decision taken during triage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    pub id: ItemId,
    pub title: String,
    /// What was decided: "accepted", "bounced", "skipped", …
    pub decision: String,
    /// Where the item stands after it: state and owner, in words.
    pub outcome: String,
    /// In a walk team by team, the team whose turn it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

/// `decisions` by the team whose turn each was, teams in the order first met; one
/// group with no team when the walk was not team by team.
pub fn by_team(decisions: &[Decision]) -> Vec<(Option<&str>, Vec<&Decision>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Decision>)> = Vec::new();
    for d in decisions {
        let team = d.team.as_deref();
        match groups.iter_mut().find(|(t, _)| *t == team) {
            Some((_, group)) => group.push(d),
            None => groups.push((team, vec![d])),
        }
    }
    groups
}

/// Where an item stands, for the summary: "active with solutions, owner Hannah Lee";
/// in limbo without an owner, who answers for it ([`responsible`]): "in limbo sales →
/// solutions, next owner per contract: Priya", or "no owner" when the contract names
/// nobody either.
pub fn outcome(item: &Item, org: &Org) -> String {
    match responsible(item, org) {
        Responsible::Owner(owner) => format!("{}, owner {owner}", describe_state(item)),
        other => format!("{}, {}", describe_state(item), other.describe()),
    }
}
