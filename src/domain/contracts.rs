//! A contract's history: every change to a boundary's contract is recorded (what
//! changed, by whom, when), so a spell in limbo is judged against the contract in force
//! when the item was sent, not against today's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::Contract;
use super::view::{Term, TermValue, terms};

/// One change to the contract of `from → to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractChange {
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// The contract before; `None` when the change made the boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Contract>,
    pub after: Contract,
}

impl ContractChange {
    /// What changed, one phrase per term: "SLA: 2d → 1d", "calendar: — → office".
    pub fn changes(&self) -> Vec<String> {
        match &self.before {
            None => vec!["contract agreed".to_string()],
            Some(before) => differences(before, &self.after),
        }
    }
}

/// The terms that differ between two contracts, in the order contracts list them, then
/// the calendar.
pub fn differences(before: &Contract, after: &Contract) -> Vec<String> {
    let value = |t: &Term| match &t.value {
        None => "—".to_string(),
        Some(TermValue::Text(text)) => text.clone(),
        Some(TermValue::Checklist(entries)) => entries.join("; "),
    };
    let mut out: Vec<String> = terms(before)
        .iter()
        .zip(terms(after).iter())
        .filter(|(a, b)| a.value != b.value)
        .map(|(a, b)| format!("{}: {} → {}", a.label, value(a), value(b)))
        .collect();
    // The SLA term names the calendar; without an SLA, a calendar change is said here.
    if before.calendar != after.calendar && before.sla.is_none() && after.sla.is_none() {
        let name = |c: &Option<String>| c.clone().unwrap_or_else(|| "—".to_string());
        out.push(format!(
            "calendar: {} → {}",
            name(&before.calendar),
            name(&after.calendar)
        ));
    }
    out
}

/// The contract of one boundary in force at `at`, given its changes in order and the
/// contract now: the `before` of the first change after `at`, else the current one.
pub fn in_force<'a>(
    changes: impl IntoIterator<Item = &'a ContractChange>,
    current: &'a Contract,
    at: DateTime<Utc>,
) -> &'a Contract {
    for change in changes {
        if change.at > at {
            return change.before.as_ref().unwrap_or(&change.after);
        }
    }
    current
}

/// Each contract a boundary has had, with when it came in and when it was replaced
/// (`None`: from the start, or still in force); `changes` in order.
#[allow(clippy::type_complexity)]
pub fn periods<'a>(
    changes: impl IntoIterator<Item = &'a ContractChange>,
    current: &'a Contract,
) -> Vec<(Option<DateTime<Utc>>, Option<DateTime<Utc>>, &'a Contract)> {
    let mut out = Vec::new();
    let mut since = None;
    for change in changes {
        if let Some(before) = &change.before {
            out.push((since, Some(change.at), before));
        }
        since = Some(change.at);
    }
    out.push((since, None, current));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Sla;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn contract(sla: &str, calendar: Option<&str>) -> Contract {
        Contract {
            sla: Some(Sla::parse(sla).expect("sla")),
            calendar: calendar.map(str::to_string),
            ..Contract::default()
        }
    }

    fn change(when: &str, before: Option<Contract>, after: Contract) -> ContractChange {
        ContractChange {
            from: "sales".to_string(),
            to: "solutions".to_string(),
            at: at(when),
            actor: "dana".to_string(),
            before,
            after,
        }
    }

    #[test]
    fn the_contract_in_force_is_the_one_before_the_next_change() {
        let two = contract("2d", None);
        let one = contract("1d", Some("office"));
        let three = contract("3d", None);
        let changes = vec![
            change("2026-11-01T09:00:00Z", None, two.clone()),
            change("2026-11-10T09:00:00Z", Some(two.clone()), one.clone()),
            change("2026-11-20T09:00:00Z", Some(one.clone()), three.clone()),
        ];
        let cases = [
            ("2026-11-05T09:00:00Z", &two),
            ("2026-11-10T08:59:59Z", &two),
            ("2026-11-10T09:00:00Z", &one),
            ("2026-11-19T09:00:00Z", &one),
            ("2026-11-25T09:00:00Z", &three),
        ];
        for (when, want) in cases {
            assert_eq!(in_force(&changes, &three, at(when)), want, "{when}");
        }
        let all = periods(&changes, &three);
        assert_eq!(all.len(), 3);
        assert_eq!(
            all[0],
            (
                Some(at("2026-11-01T09:00:00Z")),
                Some(at("2026-11-10T09:00:00Z")),
                &two
            )
        );
        assert_eq!(all[2], (Some(at("2026-11-20T09:00:00Z")), None, &three));
        // A boundary made before changes were recorded: its first recorded change's
        // `before` was in force from the start.
        let legacy = vec![change(
            "2026-11-10T09:00:00Z",
            Some(two.clone()),
            one.clone(),
        )];
        assert_eq!(in_force(&legacy, &one, at("2020-01-01T00:00:00Z")), &two);
        assert_eq!(
            periods(&legacy, &one)[0],
            (None, Some(at("2026-11-10T09:00:00Z")), &two)
        );
    }

    #[test]
    fn what_changed_is_said_term_by_term() {
        let before = contract("2d", None);
        let mut after = contract("1d", Some("office"));
        after.owner = Some("hannah".to_string());
        assert_eq!(
            differences(&before, &after),
            vec![
                "next owner: — → hannah".to_string(),
                "SLA: 2d → 1d of working time (calendar office)".to_string(),
            ]
        );
        let moved = contract("2d", Some("office"));
        assert_eq!(
            differences(&before, &moved),
            vec!["SLA: 2d → 2d of working time (calendar office)".to_string(),]
        );
        assert_eq!(
            change("2026-11-01T09:00:00Z", None, before.clone()).changes(),
            vec!["contract agreed".to_string()]
        );
    }
}
