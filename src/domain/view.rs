//! How an item and a boundary read on every surface: where the item is, who answers
//! for it, how it stands against its SLA, and what its boundary's contract lacks. Each
//! rule is worked out here once; the CLI, the board, triage and the exports word their
//! lines from these answers, so they cannot disagree.

use chrono::{DateTime, Duration, Utc};

use super::attention::{SlaStanding, standing};
use super::calendar::Clock;
use super::duration::{format_duration, format_in_days};
use super::model::{Boundary, Contract, Item, ItemId, State};
use super::rules::Org;

/// A boundary (or a crossing of one) in words: `sales → solutions`.
pub fn crossing(from: &str, to: &str) -> String {
    format!("{from}{CROSSING}{to}")
}

/// Between the two teams of a boundary.
const CROSSING: &str = " → ";

/// Where an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// Held by a team, open.
    Held { team: &'a str },
    /// Sent across a boundary and not yet accepted.
    Limbo { from: &'a str, to: &'a str },
    /// Done or dropped; `team` held it last.
    Closed { state: State, team: &'a str },
    /// Closed as a duplicate of item `into`; `team` held it last.
    Merged { into: ItemId, team: &'a str },
}

impl<'a> Place<'a> {
    pub fn of(item: &'a Item) -> Place<'a> {
        if let (State::Dropped, Some(into)) = (item.state, item.merged_into) {
            return Place::Merged {
                into,
                team: &item.team,
            };
        }
        Place::new(
            item.state,
            &item.team,
            item.limbo.as_ref().map(|l| l.to.as_str()),
        )
    }

    /// From the parts a stored row keeps: its state, the team holding it (in limbo, the
    /// sender) and the team it was sent to.
    pub fn new(state: State, team: &'a str, to: Option<&'a str>) -> Place<'a> {
        match (state, to) {
            (State::Limbo, Some(to)) => Place::Limbo { from: team, to },
            (State::Active, _) | (State::Limbo, None) => Place::Held { team },
            (state, _) => Place::Closed { state, team },
        }
    }

    /// In a sentence: "in limbo sales → solutions", "active with support", "done".
    pub fn describe(&self) -> String {
        match self {
            Place::Limbo { from, to } => format!("in limbo {}", crossing(from, to)),
            Place::Held { team } => format!("active with {team}"),
            Place::Closed { state, .. } => state.as_str().to_string(),
            Place::Merged { into, .. } => merged_into(*into),
        }
    }

    /// As an item's full view (`show`, the detail pane) states it: a closed item also
    /// names the team that held it last, "dropped (last with sales)".
    pub fn describe_in_full(&self) -> String {
        match self {
            Place::Closed { state, team } => format!("{} (last with {team})", state.as_str()),
            Place::Merged { into, team } => format!("{} (last with {team})", merged_into(*into)),
            _ => self.describe(),
        }
    }

    /// Beside a state (a table's WHERE column): "sales → solutions", "support"; a closed
    /// item, the team that held it last.
    pub fn short(&self) -> String {
        let mut out = String::new();
        self.push_short(&mut out);
        out
    }

    /// [`Place::short`], appended to `out`: a long listing writes into one buffer.
    pub fn push_short(&self, out: &mut String) {
        match self {
            Place::Limbo { from, to } => {
                out.push_str(from);
                out.push_str(CROSSING);
                out.push_str(to);
            }
            Place::Held { team } | Place::Closed { team, .. } | Place::Merged { team, .. } => {
                out.push_str(team)
            }
        }
    }

    /// Where it is within a reason: "in limbo sales → solutions", "with support".
    pub fn within_reason(&self) -> String {
        match self {
            Place::Limbo { .. } => self.describe(),
            Place::Held { team } | Place::Closed { team, .. } | Place::Merged { team, .. } => {
                format!("with {team}")
            }
        }
    }

    /// The team whose decision the item waits on: the team holding it, or in limbo the
    /// team it was sent to; none once closed. `attention --team` and triage's walk by
    /// team go by this.
    pub fn team_to_act(&self) -> Option<&'a str> {
        match *self {
            Place::Held { team } => Some(team),
            Place::Limbo { to, .. } => Some(to),
            Place::Closed { .. } | Place::Merged { .. } => None,
        }
    }
}

/// How a merged duplicate's outcome reads everywhere: "merged into #7".
pub fn merged_into(into: ItemId) -> String {
    format!("merged into #{into}")
}

/// Who answers for an item now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Responsible<'a> {
    Owner(&'a str),
    /// Nobody owns it while it waits in limbo; the boundary's contract names who takes it.
    NextOwner(&'a str),
    /// Nobody: not owned, and (in limbo) the contract names no next owner either.
    Nobody,
}

impl Responsible<'_> {
    /// The person, when there is one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Responsible::Owner(name) | Responsible::NextOwner(name) => Some(name),
            Responsible::Nobody => None,
        }
    }

    /// "Hannah Lee", "next owner per contract: Hannah Lee", "no owner".
    pub fn describe(&self) -> String {
        match self {
            Responsible::Owner(name) => name.to_string(),
            Responsible::NextOwner(name) => format!("next owner per contract: {name}"),
            Responsible::Nobody => NO_OWNER.to_string(),
        }
    }
}

/// What an item nobody answers for shows.
pub const NO_OWNER: &str = "no owner";

/// Who answers for `item`: its owner, else (in limbo) the contract's next owner.
pub fn responsible<'a>(item: &'a Item, org: &'a Org) -> Responsible<'a> {
    match (&item.owner, item.boundary()) {
        (Some(owner), _) => Responsible::Owner(owner),
        (None, Some((from, to))) => {
            next_owner(org, from, to).map_or(Responsible::Nobody, Responsible::NextOwner)
        }
        (None, None) => Responsible::Nobody,
    }
}

/// The next owner the contract of the boundary `from → to` names (a blank name is none,
/// as [`Contract::missing`] counts it).
pub fn next_owner<'a>(org: &'a Org, from: &str, to: &str) -> Option<&'a str> {
    org.boundary(from, to)?
        .contract
        .owner
        .as_deref()
        .filter(|o| !o.trim().is_empty())
}

/// Whether an open item lacks a responsible person, from what a stored summary keeps:
/// whether it has an owner and the boundary it waits on. The same rule as
/// [`responsible`] being [`Responsible::Nobody`].
pub fn lacks_owner(has_owner: bool, limbo: Option<(&str, &str)>, org: &Org) -> bool {
    !has_owner && limbo.is_none_or(|(from, to)| next_owner(org, from, to).is_none())
}

/// The owner line of an item's full view (`show`, the detail pane), and whether it is a
/// problem: an open item nobody answers for.
pub fn owner_line(item: &Item, org: &Org) -> (String, bool) {
    match responsible(item, org) {
        Responsible::Owner(name) => (name.to_string(), false),
        next @ Responsible::NextOwner(_) => (format!("— ({})", next.describe()), false),
        Responsible::Nobody if item.boundary().is_some() => {
            (format!("— {NO_OWNER}, and the contract names none"), true)
        }
        Responsible::Nobody if item.state.is_open() => (format!("— {NO_OWNER}"), true),
        Responsible::Nobody => ("—".to_string(), false),
    }
}

/// How long an item has waited in limbo, against the SLA of the contract in force when
/// it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimboTime {
    /// Wall-clock time since it was sent.
    pub age: Duration,
    /// The SLA, in the time it counts (working time with a calendar), when there is one.
    pub sla: Option<Duration>,
    pub standing: SlaStanding,
    /// The time counted against the SLA: working time with a calendar, else `age`.
    pub used: Duration,
    /// With a calendar, its working day (what `d` means); `None` around the clock.
    pub working_day: Option<Duration>,
}

impl LimboTime {
    /// A counted duration in words: in working days with a calendar (`1d 2h`).
    pub fn counted(&self, d: Duration) -> String {
        match self.working_day {
            Some(day) => format_in_days(d, day),
            None => format_duration(d),
        }
    }

    /// The SLA as the counted time it allows: "2d", "1d".
    pub fn sla_text(&self) -> Option<String> {
        self.sla.map(|s| self.counted(s))
    }

    /// "in limbo 2d 18h: 2h of 1d working time used"; around the clock, "in limbo 3h,
    /// SLA 4h".
    pub fn describe(&self) -> String {
        match (self.working_day, self.sla) {
            (Some(_), Some(sla)) => format!(
                "in limbo {}: {} of {} working time used",
                format_duration(self.age),
                self.counted(self.used),
                self.counted(sla)
            ),
            _ => format!(
                "in limbo {}, {}",
                format_duration(self.age),
                sla_label(self.sla)
            ),
        }
    }
}

/// Where a limbo item stands against the SLA at `now`; `None` when not in limbo.
pub fn limbo_time(item: &Item, org: &Org, now: DateTime<Utc>) -> Option<LimboTime> {
    let (from, to) = item.boundary()?;
    let sent = item.limbo.as_ref()?.sent_at;
    Some(spell_time(org, from, to, sent, now))
}

/// How a spell in limbo over `from → to`, sent at `sent`, stands at `end` against the
/// contract in force when it was sent: the one rule behind every SLA standing.
pub fn spell_time(
    org: &Org,
    from: &str,
    to: &str,
    sent: DateTime<Utc>,
    end: DateTime<Utc>,
) -> LimboTime {
    let age = end.signed_duration_since(sent);
    let (clock, sla) = org.sla_in_force(from, to, sent);
    let used = match clock {
        Clock::Wall => age,
        Clock::Working(_) => clock.elapsed(sent, end),
    };
    let allowed = sla.map(|s| clock.allowance(s));
    LimboTime {
        age,
        sla: allowed,
        standing: standing(used, allowed),
        used,
        working_day: match clock {
            Clock::Wall => None,
            Clock::Working(c) => Some(c.day_length()),
        },
    }
}

/// When a spell over `from → to` sent at `sent` runs out of the SLA in force when it
/// was sent; `None` without an SLA.
pub fn sla_runs_out(org: &Org, from: &str, to: &str, sent: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (clock, sla) = org.sla_in_force(from, to, sent);
    clock.ran_out(sent, sla?)
}

/// Items waiting on `from → to` sent in `[since, before)` have breached its SLA by
/// `now`, one range per contract in force; the same rule as [`spell_time`], as points in
/// time, so storage can count breaches without loading the items.
pub fn breach_ranges(
    org: &Org,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Vec<(Option<DateTime<Utc>>, DateTime<Utc>)> {
    org.contracts_in_force(from, to)
        .into_iter()
        .filter_map(|(since, until, contract)| {
            let sla = contract.sla?;
            let cutoff = org.clock(contract).breached_if_sent_before(now, sla);
            let before = until.map_or(cutoff, |u| u.min(cutoff));
            since.is_none_or(|s| s < before).then_some((since, before))
        })
        .collect()
}

/// A contract's SLA in words, with its calendar: "SLA 2d", "SLA 1d (office)", "no SLA".
pub fn contract_sla_label(c: &Contract) -> String {
    match (c.sla, &c.calendar) {
        (Some(sla), Some(calendar)) => format!("SLA {} ({calendar})", sla.text()),
        _ => sla_label(c.sla()),
    }
}

/// A boundary's SLA in words: "SLA 2d", "no SLA".
pub fn sla_label(sla: Option<Duration>) -> String {
    sla.map_or_else(
        || "no SLA".to_string(),
        |d| format!("SLA {}", format_duration(d)),
    )
}

/// One term of a handoff contract, in the order every surface lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term<'a> {
    /// How a contract listing labels it: "escalate to".
    pub label: &'static str,
    /// How a list of what is missing names it: "escalation contact".
    pub name: &'static str,
    /// `None` when missing (absent or blank).
    pub value: Option<TermValue<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermValue<'a> {
    Text(String),
    /// The definition-of-done checklist, never empty.
    Checklist(&'a [String]),
}

/// What a missing term shows in a contract listing.
pub const MISSING: &str = "— missing";

/// The contract's terms, each with its value or `None` when missing.
pub fn terms(c: &Contract) -> [Term<'_>; 6] {
    let text = |v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| TermValue::Text(s.to_string()))
    };
    let term = |label, name, value| Term { label, name, value };
    [
        term("trigger", "trigger", text(&c.trigger)),
        term(
            "done when",
            "definition of done",
            (!c.definition_of_done.is_empty())
                .then_some(TermValue::Checklist(&c.definition_of_done)),
        ),
        term("outcome", "expected outcome", text(&c.outcome)),
        term("next owner", "next owner", text(&c.owner)),
        term(
            "SLA",
            "SLA",
            c.sla.map(|sla| {
                TermValue::Text(match &c.calendar {
                    Some(calendar) => {
                        format!("{} of working time (calendar {calendar})", sla.text())
                    }
                    None => format_duration(sla.nominal()),
                })
            }),
        ),
        term(
            "escalate to",
            "escalation contact",
            text(&c.escalate_to).map(|_| TermValue::Text(ladder_text(c))),
        ),
    ]
}

/// The escalation ladder in words: "dana", "dana → vp-sales (by hand)", "dana →
/// vp-sales, a level every 4h of working time past the breach".
pub fn ladder_text(c: &Contract) -> String {
    let ladder = c.ladder().join(" → ");
    match c.escalate_after {
        Some(after) => {
            let clock = if c.calendar.is_some() {
                " of working time"
            } else {
                ""
            };
            let each = if c.escalate_then.is_empty() {
                "automatically"
            } else {
                "a level every"
            };
            format!("{ladder}, {each} {}{clock} past the breach", after.text())
        }
        None if c.escalate_then.is_empty() => ladder,
        None => format!("{ladder} (by hand)"),
    }
}

/// The contract terms still missing, by name; empty when the contract is complete.
pub fn missing(c: &Contract) -> Vec<&'static str> {
    terms(c)
        .into_iter()
        .filter(|t| t.value.is_none())
        .map(|t| t.name)
        .collect()
}

/// "incomplete: missing trigger, SLA", or `None` for a complete contract.
pub fn incomplete_note(c: &Contract) -> Option<String> {
    let missing = missing(c);
    (!missing.is_empty()).then(|| format!("incomplete: missing {}", missing.join(", ")))
}

/// Whether the boundary `from → to` exists with an incomplete contract.
pub fn contract_incomplete(org: &Org, from: &str, to: &str) -> bool {
    org.boundary(from, to)
        .is_some_and(|b: &Boundary| !b.contract.is_complete())
}

/// The codes of an open item's signals, most urgent first: what its card marks.
/// `duplicate` says whether [`super::attention::possible_duplicates`] paired it with
/// another team's item. The rules are [`super::attention::signals`]'s, dismissals
/// included; only the reasons' words are left out.
pub fn signal_codes<Tz: chrono::TimeZone>(
    item: &Item,
    org: &Org,
    now: DateTime<Utc>,
    duplicate: bool,
    zone: &Tz,
) -> Vec<super::attention::SignalCode> {
    use super::attention::{SignalCode, signals};
    if !item.state.is_open() {
        return Vec::new();
    }
    let mut codes: Vec<SignalCode> = signals(item, org, now, None, zone)
        .into_iter()
        .map(|s| s.code)
        .collect();
    if duplicate {
        codes.push(SignalCode::PossibleDuplicate);
        codes.sort();
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Limbo, Team};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn org(next_owner: Option<&str>, sla_minutes: Option<i64>) -> Org {
        let team = |key: &str| Team {
            key: key.to_string(),
            name: key.to_string(),
            lead: None,
        };
        Org {
            calendars: Vec::new(),
            contract_history: Vec::new(),
            teams: vec![team("sales"), team("solutions")],
            boundaries: vec![Boundary {
                from: "sales".to_string(),
                to: "solutions".to_string(),
                contract: Contract {
                    owner: next_owner.map(str::to_string),
                    sla: sla_minutes.map(crate::domain::calendar::Sla::from_minutes),
                    ..Contract::default()
                },
            }],
        }
    }

    fn item(state: State, owner: Option<&str>, sent_at: Option<&str>) -> Item {
        let t0 = at("2026-11-23T09:00:00Z");
        Item {
            owner: owner.map(str::to_string),
            state,
            limbo: sent_at.map(|s| {
                Box::new(Limbo {
                    to: "solutions".to_string(),
                    sent_at: at(s),
                    note: "note".to_string(),
                    unticked: Vec::new(),
                    sender_owner: None,
                })
            }),
            ..Item::new(1, "Renewal".to_string(), "sales".to_string(), t0)
        }
    }

    #[test]
    fn where_an_item_is_reads_the_same_in_every_form() {
        let sent = Some("2026-11-24T09:00:00Z");
        let limbo = "in limbo sales → solutions";
        // state, sent, described, described in full, beside a state, within a reason
        #[rustfmt::skip]
        let cases = [
            (State::Limbo, sent, limbo, limbo, "sales → solutions", limbo),
            (State::Active, None, "active with sales", "active with sales", "sales", "with sales"),
            (State::Done, None, "done", "done (last with sales)", "sales", "with sales"),
            (State::Dropped, None, "dropped", "dropped (last with sales)", "sales", "with sales"),
        ];
        for (state, sent, describe, full, short, reason) in cases {
            let item = item(state, None, sent);
            let place = Place::of(&item);
            assert_eq!(place.describe(), describe, "{state:?}");
            assert_eq!(place.describe_in_full(), full, "{state:?}");
            assert_eq!(place.short(), short, "{state:?}");
            assert_eq!(place.within_reason(), reason, "{state:?}");
        }
    }

    #[test]
    fn the_owner_answers_else_the_contracts_next_owner_in_limbo() {
        use Responsible::{NextOwner, Nobody, Owner};
        let sent = Some("2026-11-24T09:00:00Z");
        let blank = Some("  ");
        // owner, the contract's next owner, state, sent, who answers, owner line, a problem
        #[rustfmt::skip]
        let cases = [
            (Some("maya"), Some("hannah"), State::Limbo, sent, Owner("maya"), "maya", false),
            (None, Some("hannah"), State::Limbo, sent, NextOwner("hannah"), "— (next owner per contract: hannah)", false),
            (None, blank, State::Limbo, sent, Nobody, "— no owner, and the contract names none", true),
            (None, None, State::Limbo, sent, Nobody, "— no owner, and the contract names none", true),
            // Outside limbo the contract's next owner does not answer for the item.
            (None, Some("hannah"), State::Active, None, Nobody, "— no owner", true),
            (None, Some("hannah"), State::Done, None, Nobody, "—", false),
        ];
        for (owner, next, state, sent, who, line, problem) in cases {
            let org = org(next, None);
            let item = item(state, owner, sent);
            assert_eq!(
                responsible(&item, &org),
                who,
                "{owner:?} {next:?} {state:?}"
            );
            assert_eq!(
                owner_line(&item, &org),
                (line.to_string(), problem),
                "{owner:?} {next:?} {state:?}"
            );
            assert_eq!(
                lacks_owner(item.owner.is_some(), item.boundary(), &org),
                who == Responsible::Nobody,
                "the summary rule agrees: {owner:?} {next:?} {state:?}"
            );
        }
    }

    #[test]
    fn limbo_time_is_the_age_against_the_boundarys_sla() {
        let now = at("2026-11-25T09:00:00Z");
        // SLA minutes, sent, standing, the SLA in words
        #[rustfmt::skip]
        let cases = [
            (Some(2 * 24 * 60), "2026-11-24T09:00:00Z", SlaStanding::Within, "SLA 2d"),
            (Some(24 * 60), "2026-11-24T15:00:00Z", SlaStanding::AtRisk, "SLA 1d"),
            (Some(4 * 60), "2026-11-24T09:00:00Z", SlaStanding::Breached, "SLA 4h"),
            (None, "2026-11-24T09:00:00Z", SlaStanding::NoSla, "no SLA"),
        ];
        for (sla, sent, expected, label) in cases {
            let org = org(None, sla);
            let time =
                limbo_time(&item(State::Limbo, None, Some(sent)), &org, now).expect("in limbo");
            assert_eq!(time.standing, expected, "{sla:?} {sent}");
            assert_eq!(time.age, now - at(sent));
            assert_eq!(time.sla, sla.map(Duration::minutes));
            assert_eq!(sla_label(time.sla), label);
        }
        let held = item(State::Active, None, None);
        assert_eq!(limbo_time(&held, &org(None, Some(60)), now), None);
    }

    #[test]
    fn a_term_is_missing_when_absent_or_blank() {
        let full = Contract {
            trigger: Some("Deal signed".to_string()),
            definition_of_done: vec!["Order form attached".to_string()],
            outcome: Some("Solution design".to_string()),
            owner: Some("hannah".to_string()),
            sla: Some(crate::domain::calendar::Sla::from_minutes(2 * 24 * 60)),
            escalate_to: Some("dana".to_string()),
            calendar: None,
            ..Contract::default()
        };
        assert_eq!(missing(&full), Vec::<&str>::new());
        assert_eq!(incomplete_note(&full), None);
        let labels: Vec<_> = terms(&full).iter().map(|t| t.label).collect();
        assert_eq!(
            labels,
            [
                "trigger",
                "done when",
                "outcome",
                "next owner",
                "SLA",
                "escalate to"
            ]
        );
        assert_eq!(
            terms(&full)[4].value,
            Some(TermValue::Text("2d".to_string()))
        );

        let cases: [(Contract, &[&str]); 3] = [
            (
                Contract::default(),
                &[
                    "trigger",
                    "definition of done",
                    "expected outcome",
                    "next owner",
                    "SLA",
                    "escalation contact",
                ],
            ),
            (
                Contract {
                    trigger: Some(" \t".to_string()),
                    ..full.clone()
                },
                &["trigger"],
            ),
            (
                Contract {
                    definition_of_done: Vec::new(),
                    sla: None,
                    ..full.clone()
                },
                &["definition of done", "SLA"],
            ),
        ];
        for (contract, expected) in cases {
            assert_eq!(missing(&contract), expected);
            assert_eq!(
                incomplete_note(&contract),
                Some(format!("incomplete: missing {}", expected.join(", ")))
            );
        }
        let mut org = org(None, None);
        assert!(contract_incomplete(&org, "sales", "solutions"));
        assert!(
            !contract_incomplete(&org, "solutions", "sales"),
            "no such boundary"
        );
        org.boundaries[0].contract = full;
        assert!(!contract_incomplete(&org, "sales", "solutions"));
    }
}
