//! Standup decisions: what triage decided about an item, and where it stands now.

use super::model::{Item, ItemId};
use super::rules::describe_state;

/// The decision recorded for an item walked past without one.
pub const SKIPPED: &str = "skipped";

/// One decision taken during triage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: ItemId,
    pub title: String,
    /// What was decided: "accepted", "bounced", "skipped", …
    pub decision: String,
    /// Where the item stands after it: state and owner, in words.
    pub outcome: String,
}

/// Where an item stands, for the summary: "active with solutions, owner Hannah Lee".
pub fn outcome(item: &Item) -> String {
    match &item.owner {
        Some(owner) => format!("{}, owner {owner}", describe_state(item)),
        None => format!("{}, no owner", describe_state(item)),
    }
}
