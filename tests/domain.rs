//! The handoff rules through the library's public surface: every state against every
//! command, the attention signals at their thresholds and in their order, and the edges
//! of duration and time parsing.

use baton::domain::attention::{SignalCode, attention};
use baton::domain::duration::{format_duration, format_duration_compact, parse_duration};
use baton::domain::history::describe;
use baton::domain::rules::{decide, decide_pair, describe_state, replay};
use baton::domain::time::{format_time, parse_due, parse_time};
use baton::domain::{
    Boundary, Command, Contract, DomainError, Event, EventKind, Item, Org, Pair, State, Team, Ticks,
};
use chrono::{DateTime, Duration, FixedOffset, Utc};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

fn minutes(n: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(n)
}

fn team(key: &str) -> Team {
    Team {
        key: key.to_string(),
        name: key.to_string(),
        lead: None,
    }
}

/// sales → onboarding with a complete contract; onboarding → support with none.
fn org() -> Org {
    Org {
        calendars: Vec::new(),
        contract_history: Vec::new(),
        teams: vec![team("sales"), team("onboarding"), team("support")],
        boundaries: vec![
            Boundary {
                from: "sales".into(),
                to: "onboarding".into(),
                contract: Contract {
                    trigger: Some("Deal signed".into()),
                    definition_of_done: vec![
                        "Order form attached".into(),
                        "Kick-off date agreed".into(),
                    ],
                    outcome: Some("Customer live".into()),
                    owner: Some("priya".into()),
                    sla: Some(baton::domain::calendar::Sla::from_minutes(2 * 24 * 60)),
                    escalate_to: Some("vp-ops".into()),
                    calendar: None,
                    ..Contract::default()
                },
            },
            Boundary {
                from: "onboarding".into(),
                to: "support".into(),
                contract: Contract::default(),
            },
        ],
    }
}

fn create(title: &str, team: &str, owner: Option<&str>) -> Command {
    Command::Create {
        title: title.into(),
        team: team.into(),
        owner: owner.map(Into::into),
        due: None,
        tags: Vec::new(),
        body: None,
        link: None,
        external_key: None,
    }
}

/// An item with its history, moved on by commands a minute apart.
#[derive(Clone)]
struct Story {
    org: Org,
    item: Item,
    events: Vec<Event>,
}

impl Story {
    fn new(id: i64, title: &str, team: &str, owner: Option<&str>) -> Story {
        Story::in_org(org(), id, title, team, owner)
    }

    fn in_org(org: Org, id: i64, title: &str, team: &str, owner: Option<&str>) -> Story {
        let (event, item) =
            decide(None, id, &org, create(title, team, owner), t0(), "t").expect("created");
        Story {
            org,
            item,
            events: vec![event],
        }
    }

    fn next_at(&self) -> DateTime<Utc> {
        self.item.updated_at + Duration::minutes(1)
    }

    fn try_do(&self, command: Command) -> Result<Story, DomainError> {
        let (event, item) = decide(
            Some(&self.item),
            self.item.id,
            &self.org,
            command,
            self.next_at(),
            "t",
        )?;
        let mut events = self.events.clone();
        events.push(event);
        Ok(Story {
            org: self.org.clone(),
            item,
            events,
        })
    }

    fn then(self, command: Command) -> Story {
        self.try_do(command.clone())
            .unwrap_or_else(|e| panic!("{command:?}: {e}"))
    }
}

fn send_all(to: &str) -> Command {
    Command::Send {
        to: to.into(),
        note: "what you need to know".into(),
        ticks: Ticks::All,
        force: false,
    }
}

fn active() -> Story {
    Story::new(1, "Renewal for ACME", "sales", Some("dana"))
}

fn in_limbo() -> Story {
    active().then(send_all("onboarding"))
}

fn done() -> Story {
    active().then(Command::Done(None))
}

fn dropped() -> Story {
    in_limbo().then(Command::Drop("Customer cancelled".into()))
}

fn commands() -> Vec<(&'static str, Command)> {
    vec![
        ("owner", Command::SetOwner(Some("bob".into()))),
        ("send", send_all("onboarding")),
        ("accept", Command::Accept { owner: None }),
        (
            "bounce",
            Command::Bounce {
                reason: "No order form".into(),
                cause: None,
            },
        ),
        ("reclaim", Command::Reclaim { reason: None }),
        (
            "escalate",
            Command::Escalate {
                to: Some("vp-ops".into()),
                note: None,
            },
        ),
        ("note", Command::Note("a note".into())),
        ("done", Command::Done(None)),
        ("reopen", Command::Reopen(None)),
        ("drop", Command::Drop("No longer needed".into())),
        (
            "flag",
            Command::Flag {
                note: "Sent without the form".into(),
                cause: None,
            },
        ),
    ]
}

/// The state a command leads to, or its refusal word for word.
type Outcome = Result<String, String>;

#[test]
fn every_state_against_every_command() {
    const ACTIVE: &str = "active with sales";
    const LIMBO: &str = "in limbo sales → onboarding";
    let not_limbo = |state: &str, action: &str, rule: &str| {
        format!("cannot {action} #1: it is {state}; {rule}")
    };
    let accept_rule = "only an item sent across a boundary and waiting in limbo can be accepted";
    let bounce_rule = "only an item waiting in limbo can be bounced";
    let reclaim_rule = "only an item waiting in limbo can be reclaimed";
    let reopen_rule = "only a done or dropped item can be reopened";
    let send_rule = "only an item a team holds can be sent";

    // (state, command) → Ok(the state it leads to) or Err(the refusal, word for word).
    let table: Vec<(&str, Story, Vec<Outcome>)> = vec![
        (
            "active",
            active(),
            vec![
                Ok(ACTIVE.into()),
                Ok(LIMBO.into()),
                Err(not_limbo(ACTIVE, "accept", accept_rule)),
                Err(not_limbo(ACTIVE, "bounce", bounce_rule)),
                Err(not_limbo(ACTIVE, "reclaim", reclaim_rule)),
                Ok(ACTIVE.into()),
                Ok(ACTIVE.into()),
                Ok("done".into()),
                Err(not_limbo(ACTIVE, "reopen", reopen_rule)),
                Ok("dropped".into()),
                Ok(ACTIVE.into()),
            ],
        ),
        (
            "limbo",
            in_limbo(),
            vec![
                Ok(LIMBO.into()),
                Err(not_limbo(LIMBO, "send", send_rule)),
                Ok("active with onboarding".into()),
                Ok(ACTIVE.into()),
                Ok(ACTIVE.into()),
                Ok(LIMBO.into()),
                Ok(LIMBO.into()),
                Err(not_limbo(
                    LIMBO,
                    "finish",
                    "accept or reclaim it first; only an item a team holds can be done",
                )),
                Err(not_limbo(LIMBO, "reopen", reopen_rule)),
                Ok("dropped".into()),
                Ok(LIMBO.into()),
            ],
        ),
        (
            "done",
            done(),
            vec![
                Err(not_limbo("done", "assign an owner to", "reopen it first")),
                Err(not_limbo("done", "send", send_rule)),
                Err(not_limbo("done", "accept", accept_rule)),
                Err(not_limbo("done", "bounce", bounce_rule)),
                Err(not_limbo("done", "reclaim", reclaim_rule)),
                Err(not_limbo("done", "escalate", "reopen it first")),
                Ok("done".into()),
                Err(not_limbo(
                    "done",
                    "finish",
                    "there is nothing left to finish",
                )),
                Ok(ACTIVE.into()),
                Err(not_limbo("done", "drop", "it is already closed")),
                Ok("done".into()),
            ],
        ),
        (
            "dropped",
            dropped(),
            vec![
                Err(not_limbo(
                    "dropped",
                    "assign an owner to",
                    "reopen it first",
                )),
                Err(not_limbo("dropped", "send", send_rule)),
                Err(not_limbo("dropped", "accept", accept_rule)),
                Err(not_limbo("dropped", "bounce", bounce_rule)),
                Err(not_limbo("dropped", "reclaim", reclaim_rule)),
                Err(not_limbo("dropped", "escalate", "reopen it first")),
                Ok("dropped".into()),
                Err(not_limbo("dropped", "finish", "reopen it first")),
                Ok(ACTIVE.into()),
                Err(not_limbo("dropped", "drop", "it is already closed")),
                Ok("dropped".into()),
            ],
        ),
    ];
    for (state, story, expected) in table {
        assert_eq!(commands().len(), expected.len());
        for ((name, command), want) in commands().into_iter().zip(expected) {
            let result = story.try_do(command);
            if let Ok(after) = &result {
                assert_eq!(after.item.events, story.item.events + 1);
                assert_eq!(after.events.last().map(|e| e.seq), Some(after.item.events));
            }
            let got = result
                .map(|s| describe_state(&s.item))
                .map_err(|e| e.to_string());
            assert_eq!(got, want, "{name} on a {state} item");
        }
    }
}

#[test]
fn sending_needs_the_definition_of_done_or_force() {
    let story = active();
    let send = |ticks: Ticks, force: bool| Command::Send {
        to: "onboarding".into(),
        note: "  Budget approved  ".into(),
        ticks,
        force,
    };
    let refused = story
        .try_do(send(Ticks::Entries(vec![2]), false))
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        refused,
        Err(
            "definition of done for sales → onboarding not met: unticked “Order form attached”; \
             tick them with --done N or --all-done, or send anyway with --force (recorded as an \
             incomplete handoff)"
                .to_string()
        )
    );
    for bad in [0, 3] {
        let refused = story
            .try_do(send(Ticks::Entries(vec![1, bad]), true))
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(
            refused,
            Err(format!(
                "sales → onboarding has no definition-of-done entry {bad} (it has 2)"
            ))
        );
    }
    let ticked = story.then(send(Ticks::Entries(vec![2, 1]), false));
    assert!(ticked.item.incomplete_handoff.is_empty());

    let forced = active().then(send(Ticks::Entries(vec![2]), true));
    assert_eq!(forced.item.incomplete_handoff, ["Order form attached"]);
    let limbo = forced.item.limbo.clone().expect("in limbo");
    assert_eq!(limbo.note, "Budget approved", "the note is trimmed");
    assert_eq!(limbo.sender_owner.as_deref(), Some("dana"));
    assert_eq!(forced.item.owner, None, "nobody owns it in limbo");
    assert_eq!(
        forced.events.last().map(|e| e.kind.clone()),
        Some(EventKind::Sent {
            to: "onboarding".into(),
            note: "Budget approved".into(),
            unticked: vec!["Order form attached".into()],
            forced: true,
            late: false,
        })
    );
    // --force with nothing unticked is an ordinary handoff.
    let plain = active().then(send(Ticks::All, true));
    assert!(matches!(
        plain.events.last().map(|e| &e.kind),
        Some(EventKind::Sent { forced: false, .. })
    ));
    // A boundary without a checklist needs no ticks.
    let across = Story::new(2, "Handover", "onboarding", None).then(Command::Send {
        to: "support".into(),
        note: "n".into(),
        ticks: Ticks::Entries(Vec::new()),
        force: false,
    });
    assert_eq!(across.item.state, State::Limbo);
    // Blank notes and missing boundaries are refused.
    let blank = active()
        .try_do(Command::Send {
            to: "onboarding".into(),
            note: " \n ".into(),
            ticks: Ticks::All,
            force: false,
        })
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        blank,
        Err("a handoff note (what the receiving team must know) is required".to_string())
    );
    let nowhere = active()
        .try_do(send_all("support"))
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        nowhere,
        Err("there is no boundary from sales to support; items held by sales can be sent to: onboarding".to_string())
    );
    let dead_end = Story::new(3, "x", "support", None)
        .try_do(send_all("sales"))
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        dead_end,
        Err("there is no boundary from support to sales; items held by support can be sent to: none".to_string())
    );
}

#[test]
fn accept_bounce_and_reclaim_set_the_owner() {
    let cases = [
        (Command::Accept { owner: None }, "onboarding", Some("priya")),
        (
            Command::Accept {
                owner: Some("  ".into()),
            },
            "onboarding",
            Some("priya"),
        ),
        (
            Command::Accept {
                owner: Some("omar".into()),
            },
            "onboarding",
            Some("omar"),
        ),
        (
            Command::Bounce {
                reason: "No order form".into(),
                cause: None,
            },
            "sales",
            Some("dana"),
        ),
        (Command::Reclaim { reason: None }, "sales", Some("dana")),
    ];
    for (command, team, owner) in cases {
        let after = in_limbo().then(command.clone()).item;
        assert_eq!(after.team, team, "{command:?}");
        assert_eq!(after.owner.as_deref(), owner, "{command:?}");
        assert_eq!(after.state, State::Active);
        assert_eq!(after.limbo, None);
    }
    // Without a contract owner, accepting leaves the item unowned.
    let handover = Story::new(2, "Handover", "onboarding", Some("omar"))
        .then(send_all("support"))
        .then(Command::Accept { owner: None });
    assert_eq!(handover.item.owner, None);
    // A blank bounce reason is refused.
    let blank = in_limbo()
        .try_do(Command::Bounce {
            reason: " ".into(),
            cause: None,
        })
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        blank,
        Err("a reason for the bounce is required".to_string())
    );
}

#[test]
fn bounces_count_and_clear_an_incomplete_handoff() {
    let forced = Command::Send {
        to: "onboarding".into(),
        note: "n".into(),
        ticks: Ticks::Entries(vec![1]),
        force: true,
    };
    let story = active().then(forced.clone()).then(Command::Bounce {
        reason: "a".into(),
        cause: None,
    });
    assert_eq!(story.item.bounces, 1);
    assert!(story.item.incomplete_handoff.is_empty());
    let story = story.then(send_all("onboarding")).then(Command::Bounce {
        reason: "b".into(),
        cause: None,
    });
    assert_eq!(story.item.bounces, 2);
    // An accepted forced handoff keeps its unticked entries with the receiving team.
    let accepted = active().then(forced).then(Command::Accept { owner: None });
    assert_eq!(accepted.item.incomplete_handoff, ["Kick-off date agreed"]);
    // Until it is done.
    let finished = accepted.then(Command::Done(None));
    assert!(finished.item.incomplete_handoff.is_empty());
}

#[test]
fn escalation_goes_to_the_contract_contact_and_lasts_until_the_item_moves() {
    let escalate = |to: Option<&str>| Command::Escalate {
        to: to.map(Into::into),
        note: Some("Go-live is Friday".into()),
    };
    let cases = [
        (in_limbo(), None, Some("vp-ops")),
        (in_limbo(), Some("ceo"), Some("ceo")),
        (in_limbo(), Some(" "), Some("vp-ops")),
        // After acceptance, the contract of the boundary it arrived through.
        (
            in_limbo().then(Command::Accept { owner: None }),
            None,
            Some("vp-ops"),
        ),
        // A boundary whose contract names no one, with someone named.
        (
            Story::new(2, "x", "onboarding", None).then(send_all("support")),
            Some("dana"),
            Some("dana"),
        ),
    ];
    // Nobody to escalate to is refused, saying how to name someone.
    let refusals = [
        (
            Story::new(2, "x", "onboarding", None).then(send_all("support")),
            "cannot escalate #2: the contract of onboarding → support names no escalation contact (set one with `baton boundary edit onboarding support --escalate-to PERSON`); name who it goes to with --to PERSON",
        ),
        (
            active(),
            "cannot escalate #1: it has not crossed a boundary, so no contract names an escalation contact; name who it goes to with --to PERSON",
        ),
    ];
    for (story, want) in refusals {
        let got = story
            .try_do(escalate(Some(" ")))
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_string()));
    }
    for (story, to, want) in cases {
        let after = story.then(escalate(to)).item;
        let escalation = after.escalation.expect("escalated");
        assert_eq!(escalation.to.as_deref(), want, "escalate to {to:?}");
    }
    for (name, clears) in [
        ("accept", Command::Accept { owner: None }),
        (
            "bounce",
            Command::Bounce {
                reason: "r".into(),
                cause: None,
            },
        ),
        ("reclaim", Command::Reclaim { reason: None }),
        ("drop", Command::Drop("r".into())),
    ] {
        let after = in_limbo().then(escalate(None)).then(clears).item;
        assert_eq!(after.escalation, None, "{name} ends the escalation");
    }
    for (name, keeps) in [
        ("note", Command::Note("n".into())),
        ("owner", Command::SetOwner(Some("x".into()))),
        (
            "flag",
            Command::Flag {
                note: "f".into(),
                cause: None,
            },
        ),
    ] {
        let after = in_limbo().then(escalate(None)).then(keeps).item;
        assert!(after.escalation.is_some(), "{name} keeps the escalation");
    }
}

#[test]
fn histories_replay_and_impossible_ones_are_refused() {
    let story = in_limbo()
        .then(Command::Bounce {
            reason: "r".into(),
            cause: None,
        })
        .then(send_all("onboarding"))
        .then(Command::Accept { owner: None })
        .then(Command::Done(Some("Live".into())));
    assert_eq!(replay(1, &story.org, &story.events), Ok(story.item.clone()));
    let seqs: Vec<u32> = story.events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);

    let mut swapped = story.events.clone();
    swapped.swap(2, 3);
    let err = replay(1, &story.org, &swapped).map_err(|(i, e)| (i, e.to_string()));
    assert_eq!(
        err,
        Err((
            2,
            "#1: event number 4 is out of sequence (expected 3)".to_string()
        ))
    );

    let mut late = story.events.clone();
    late[3].at = t0() - Duration::minutes(1);
    let err = replay(1, &story.org, &late).map_err(|(i, e)| (i, e.to_string()));
    assert_eq!(
        err,
        Err((
            3,
            "#1: an event at 2026-03-02 08:59:00 UTC would come before the item's last event at 2026-03-02 09:02:00 UTC"
                .to_string()
        ))
    );

    let err = replay(1, &story.org, &story.events[1..]).map_err(|(i, e)| (i, e.to_string()));
    assert_eq!(
        err,
        Err((
            0,
            "#1: the history must start with `created`, not `sent`".to_string()
        ))
    );

    let mut twice = story.events[..2].to_vec();
    let mut again = story.events[0].clone();
    again.seq = 3;
    again.at = minutes(10);
    twice.push(again);
    let err = replay(1, &story.org, &twice).map_err(|(i, e)| (i, e.to_string()));
    assert_eq!(err, Err((2, "#1 is created twice".to_string())));

    let mut renumbered = story.events.clone();
    for event in &mut renumbered {
        event.seq += 4;
    }
    let err = replay(1, &story.org, &renumbered).map_err(|(i, e)| (i, e.to_string()));
    assert_eq!(
        err,
        Err((
            0,
            "#1: event number 5 is out of sequence (expected 1)".to_string()
        ))
    );

    assert_eq!(
        replay(7, &story.org, &[]).map_err(|(i, e)| (i, e.to_string())),
        Err((0, "#7 has no events".to_string()))
    );

    // A history is only possible in the organisation it happened in.
    let mut smaller = story.org.clone();
    smaller.boundaries.clear();
    let err = replay(1, &smaller, &story.events).map_err(|(i, e)| (i, e.to_string()));
    assert_eq!(
        err,
        Err((
            1,
            "there is no boundary from sales to onboarding; items held by sales can be sent to: none"
                .to_string()
        ))
    );
}

#[test]
fn creating_needs_a_title_and_a_known_team() {
    let make = |title: &str, team: &str| {
        decide(None, 1, &org(), create(title, team, None), t0(), "t")
            .map(|(_, item)| item.title)
            .map_err(|e| e.to_string())
    };
    assert_eq!(make("  Renewal  ", "sales"), Ok("Renewal".to_string()));
    assert_eq!(make(" \t", "sales"), Err("a title is required".to_string()));
    assert_eq!(
        make("Renewal", "finance"),
        Err("unknown team `finance` (teams: sales, onboarding, support)".to_string())
    );
    let unknown = decide(None, 5, &org(), Command::Note("n".into()), t0(), "t")
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        unknown,
        Err("#5: the history must start with `created`, not `noted`".to_string())
    );
    let unknown = decide(None, 5, &org(), send_all("onboarding"), t0(), "t")
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(unknown, Err("no item #5".to_string()));
}

// ---- attention -------------------------------------------------------------------

fn codes_at(items: &[Item], org: &Org, now: DateTime<Utc>) -> Vec<(i64, Vec<&'static str>)> {
    attention(items, org, now, &Utc)
        .into_iter()
        .map(|a| (a.id, a.signals.iter().map(|s| s.code.as_str()).collect()))
        .collect()
}

#[test]
fn sla_signals_at_their_thresholds() {
    // Sent at t0 + 1 minute across a 2d SLA: at risk from 36h, breached after 48h.
    let sent = minutes(1);
    let item = in_limbo().item;
    let cases = [
        (Duration::hours(36) - Duration::minutes(1), vec![]),
        (Duration::hours(36), vec!["sla-at-risk"]),
        (Duration::hours(48), vec!["sla-at-risk"]),
        (
            Duration::hours(48) + Duration::minutes(1),
            vec!["sla-breached"],
        ),
        (Duration::days(30), vec!["sla-breached"]),
    ];
    for (age, want) in cases {
        let got = codes_at(std::slice::from_ref(&item), &org(), sent + age);
        let want: Vec<(i64, Vec<&str>)> = if want.is_empty() {
            vec![]
        } else {
            vec![(1, want)]
        };
        assert_eq!(got, want, "after {}", format_duration(age));
    }
    let reasons: Vec<String> = attention(
        std::slice::from_ref(&item),
        &org(),
        sent + Duration::hours(50),
        &Utc,
    )
    .into_iter()
    .flat_map(|a| a.signals)
    .map(|s| s.reason)
    .collect();
    assert_eq!(reasons, ["in limbo 2d 2h, SLA 2d: breached by 2h"]);
    let reasons: Vec<String> = attention(&[item], &org(), sent + Duration::hours(40), &Utc)
        .into_iter()
        .flat_map(|a| a.signals)
        .map(|s| s.reason)
        .collect();
    assert_eq!(reasons, ["in limbo 1d 16h, SLA 2d: 8h left"]);
}

#[test]
fn due_dates_raise_due_soon_then_overdue() {
    let due = minutes(60 * 24 * 10);
    let mut item = active().item;
    item.due = Some(due);
    let cases = [
        (due - Duration::hours(48) - Duration::minutes(1), None),
        (due - Duration::hours(48), Some("due-soon")),
        (due, Some("due-soon")),
        (due + Duration::minutes(1), Some("overdue")),
    ];
    for (now, want) in cases {
        let got = codes_at(std::slice::from_ref(&item), &org(), now);
        let want: Vec<(i64, Vec<&str>)> = want.map(|c| (1, vec![c])).into_iter().collect();
        assert_eq!(got, want, "at {now}");
    }
    // Closed items need no attention, however late.
    let mut finished = done().item;
    finished.due = Some(due);
    assert!(attention(&[finished], &org(), due + Duration::days(3), &Utc).is_empty());
}

#[test]
fn owner_ping_pong_and_incomplete_handoff_signals() {
    let now = minutes(60);
    let unowned = Story::new(1, "Unowned", "sales", None).item;
    let limbo_with_contract_owner = Story::new(2, "Limbo owned by contract", "sales", None)
        .then(send_all("onboarding"))
        .item;
    let limbo_without = Story::new(3, "Limbo owned by nobody", "onboarding", Some("omar"))
        .then(send_all("support"))
        .item;
    let once = Story::new(4, "Bounced once", "sales", Some("dana"))
        .then(send_all("onboarding"))
        .then(Command::Bounce {
            reason: "r".into(),
            cause: None,
        })
        .item;
    let twice = Story::new(5, "Bounced twice", "sales", Some("dana"))
        .then(send_all("onboarding"))
        .then(Command::Bounce {
            reason: "r".into(),
            cause: None,
        })
        .then(send_all("onboarding"))
        .then(Command::Bounce {
            reason: "r".into(),
            cause: None,
        })
        .item;
    let forced = Story::new(6, "Forced", "sales", Some("dana"))
        .then(Command::Send {
            to: "onboarding".into(),
            note: "n".into(),
            ticks: Ticks::Entries(Vec::new()),
            force: true,
        })
        .item;
    let items = [
        unowned,
        limbo_with_contract_owner,
        limbo_without,
        once,
        twice,
        forced,
    ];
    let mut got = codes_at(&items, &org(), now);
    got.sort();
    assert_eq!(
        got,
        [
            (1, vec!["no-owner"]),
            (3, vec!["no-owner"]),
            (5, vec!["ping-pong"]),
            (6, vec!["incomplete-handoff"]),
        ]
    );
    let reasons: Vec<(i64, String)> = attention(&items, &org(), now, &Utc)
        .into_iter()
        .flat_map(|a| a.signals.into_iter().map(move |s| (a.id, s.reason)))
        .collect();
    for want in [
        (1, "held by sales and nobody owns it"),
        (
            3,
            "in limbo onboarding → support and the contract names no next owner",
        ),
        (5, "bounced 2 times"),
        (
            6,
            "handed off with 2 definition-of-done entries unticked: Order form attached; Kick-off date agreed",
        ),
    ] {
        assert!(
            reasons.contains(&(want.0, want.1.to_string())),
            "{want:?} in {reasons:?}"
        );
    }
}

#[test]
fn possible_duplicates_are_open_items_of_other_teams_with_alike_titles() {
    let now = minutes(60);
    let make = |id: i64, title: &str, team: &str| Story::new(id, title, team, Some("x")).item;
    let items = vec![
        make(1, "Renewal for ACME", "sales"),
        make(2, "ACME renewal", "onboarding"),
        // Same team: not a duplicate, whatever the title.
        make(3, "Renewal of the ACME", "sales"),
        // One word in common is not enough.
        make(4, "ACME kick-off", "support"),
        // Alike, but closed.
        {
            let mut closed = make(5, "Globex pilot", "sales");
            closed.state = State::Done;
            closed
        },
        make(6, "Globex pilot", "support"),
        // Three of five words shared: 3/5 = 0.6, just enough.
        make(7, "Hooli SSO login page redesign", "sales"),
        make(8, "Hooli SSO login", "onboarding"),
        // Two of four: 0.5, not enough.
        make(9, "Wayne billing export fix", "sales"),
        make(10, "Wayne billing", "onboarding"),
    ];
    let mut got: Vec<(i64, String)> = attention(&items, &org(), now, &Utc)
        .into_iter()
        .flat_map(|a| {
            a.signals
                .into_iter()
                .filter(|s| s.code == SignalCode::PossibleDuplicate)
                .map(move |s| (a.id, s.reason))
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                1,
                "title is like #2 “ACME renewal”, held by onboarding".to_string()
            ),
            (
                2,
                "title is like #1 “Renewal for ACME”, held by sales".to_string()
            ),
            (
                3,
                "title is like #2 “ACME renewal”, held by onboarding".to_string()
            ),
            (
                7,
                "title is like #8 “Hooli SSO login”, held by onboarding".to_string()
            ),
            (
                8,
                "title is like #7 “Hooli SSO login page redesign”, held by sales".to_string()
            ),
        ]
    );
}

#[test]
fn the_queue_is_ordered_most_urgent_first() {
    let now = minutes(60 * 24 * 7);
    let with = |id: i64, f: &dyn Fn(&mut Item)| {
        let mut item = Story::new(id, &format!("Item number {id}"), "sales", Some("x")).item;
        f(&mut item);
        item
    };
    let limbo_since = |at: DateTime<Utc>| {
        move |item: &mut Item| {
            item.state = State::Limbo;
            item.owner = None;
            item.limbo = Some(Box::new(baton::domain::Limbo {
                to: "onboarding".into(),
                sent_at: at,
                note: "n".into(),
                unticked: Vec::new(),
                sender_owner: None,
            }));
        }
    };
    let items = vec![
        with(1, &|i| i.owner = None),
        with(2, &|i| i.bounces = 3),
        with(3, &|i| i.due = Some(now + Duration::hours(2))),
        with(4, &|i| i.due = Some(now + Duration::hours(30))),
        with(5, &limbo_since(now - Duration::hours(40))),
        with(6, &|i| {
            i.escalation = Some(Box::new(baton::domain::Escalation {
                at: now - Duration::hours(1),
                to: None,
            }))
        }),
        with(7, &limbo_since(now - Duration::hours(49))),
        with(8, &limbo_since(now - Duration::hours(100))),
        with(9, &|i| i.due = Some(now - Duration::minutes(5))),
        with(10, &|i| {
            i.due = Some(now - Duration::minutes(5));
            i.owner = None;
        }),
        with(11, &|i| i.due = Some(now - Duration::days(2))),
        with(12, &|i| i.incomplete_handoff = vec!["x".into()]),
        with(13, &|i| i.owner = None),
    ];
    let order: Vec<i64> = attention(&items, &org(), now, &Utc)
        .into_iter()
        .map(|a| a.id)
        .collect();
    // Overdue (most overdue first; a tie goes to the item with more signals), SLA
    // breached (most breached first), escalated, due soon (soonest first), at risk,
    // ping-pong, no owner (by id), incomplete handoff.
    assert_eq!(order, [11, 10, 9, 8, 7, 6, 3, 4, 5, 2, 1, 13, 12]);
    // Within an item, its signals are most urgent first too.
    let ten = attention(&items, &org(), now, &Utc)
        .into_iter()
        .find(|a| a.id == 10)
        .expect("#10");
    let codes: Vec<&str> = ten.signals.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["overdue", "no-owner"]);
}

#[test]
fn signal_codes_are_stable() {
    let codes: Vec<&str> = SignalCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "overdue",
            "sla-breached",
            "escalated",
            "due-soon",
            "late-handoff",
            "sla-at-risk",
            "ping-pong",
            "no-owner",
            "incomplete-handoff",
            "possible-duplicate",
            "contract-incomplete",
        ]
    );
    for code in SignalCode::ALL {
        assert_eq!(SignalCode::parse(code.as_str()), Some(code));
        assert_eq!(
            serde_json::to_value(code).expect("json"),
            serde_json::json!(code.as_str())
        );
    }
    assert_eq!(SignalCode::parse("sla_breached"), None);
}

// ---- durations and times ------------------------------------------------------------

#[test]
fn duration_edges() {
    let ok = [
        ("1w2d3h4m", 10080 + 2880 + 180 + 4),
        ("0d4h", 240),
        ("1m", 1),
        ("\t90m\n", 90),
        ("52w", 52 * 10080),
    ];
    for (text, want) in ok {
        assert_eq!(
            parse_duration(text).map(|d| d.num_minutes()),
            Ok(want),
            "{text:?}"
        );
    }
    for text in [
        "1.5h",
        "1h30",
        "m",
        "-",
        "0w0d",
        "+2d",
        "2days",
        "1 w",
        "521w",
        "99999999w",
    ] {
        assert_eq!(
            parse_duration(text).map_err(|e| e.to_string()),
            Err(format!(
                "`{text}` is not a duration (use 90m, 4h, 2d or 1w, up to 520w)"
            )),
            "{text:?}"
        );
    }
    // Units are lowercase; an uppercase one is refused naming the units.
    for text in ["4H", "2D", "1W", "90M", "1d4H"] {
        assert_eq!(
            parse_duration(text).map_err(|e| e.to_string()),
            Err(format!(
                "`{text}` is not a duration: units are lowercase, m (minutes), h (hours), d (days) or w (weeks), as in 90m, 4h, 2d, 1w"
            )),
            "{text:?}"
        );
    }
    let formatted = [
        (Duration::seconds(59), "0m"),
        (Duration::minutes(1440 + 59), "1d"),
        (Duration::minutes(1440 + 60), "1d 1h"),
        (Duration::days(400), "400d"),
        (Duration::minutes(-1500), "1d 1h"),
    ];
    for (d, want) in formatted {
        assert_eq!(format_duration(d), want);
    }
    let compact = [
        (Duration::weeks(2), "2w"),
        (Duration::days(8), "8d"),
        (Duration::hours(25), "25h"),
        (Duration::minutes(1500), "25h"),
        (Duration::minutes(61), "61m"),
    ];
    for (d, want) in compact {
        assert_eq!(format_duration_compact(d), want);
        assert_eq!(parse_duration(want), Ok(d), "{want} reads back");
    }
}

#[test]
fn time_edges() {
    let utc = Utc;
    let ok = [
        ("2028-02-29", "2028-02-29T00:00:00Z"),
        ("2026-11-20T09:30", "2026-11-20T09:30:00Z"),
        ("2026-11-20 09:30:15", "2026-11-20T09:30:15Z"),
        ("  2026-11-20 09:30  ", "2026-11-20T09:30:00Z"),
        ("2026-11-20T09:30:00.999Z", "2026-11-20T09:30:00Z"),
        ("2026-11-20T09:30:00+05:30", "2026-11-20T04:00:00Z"),
        ("1999-12-31T23:59:59-01:00", "2000-01-01T00:59:59Z"),
    ];
    for (text, want) in ok {
        assert_eq!(
            parse_time(text, &utc).map(format_time).as_deref(),
            Ok(want),
            "{text:?}"
        );
    }
    for text in [
        "2026-02-29",
        "2026-11-20 9.30",
        "2026-11-20 24:00",
        "20261120",
        "today",
    ] {
        assert_eq!(
            parse_time(text, &utc).map_err(|e| e.to_string()),
            Err(format!(
                "`{text}` is not a time (use RFC 3339, or YYYY-MM-DD[ HH:MM] in local time)"
            )),
            "{text:?}"
        );
    }
    // A local date is read in the zone given; a due date means the end of that day.
    let tokyo = FixedOffset::east_opt(9 * 3600).expect("offset");
    assert_eq!(
        parse_time("2026-11-20", &tokyo).map(format_time).as_deref(),
        Ok("2026-11-19T15:00:00Z")
    );
    assert_eq!(
        parse_due("2026-11-20", &tokyo).map(format_time).as_deref(),
        Ok("2026-11-20T14:59:00Z")
    );
    // A due date with a time keeps it.
    assert_eq!(
        parse_due("2026-11-20 10:00", &utc)
            .map(format_time)
            .as_deref(),
        Ok("2026-11-20T10:00:00Z")
    );
    assert_eq!(
        parse_due("2026-11-20T10:00:00Z", &tokyo)
            .map(format_time)
            .as_deref(),
        Ok("2026-11-20T10:00:00Z")
    );
}

/// The codes `attention` raises for a story's item at its next moment.
fn codes(story: &Story) -> Vec<SignalCode> {
    attention(
        std::slice::from_ref(&story.item),
        &story.org,
        story.next_at(),
        &Utc,
    )
    .into_iter()
    .flat_map(|a| a.signals.into_iter().map(|s| s.code))
    .collect()
}

fn dismiss(code: SignalCode) -> Command {
    Command::Dismiss {
        code,
        note: Some("looked at it".into()),
    }
}

fn bounce() -> Command {
    Command::Bounce {
        reason: "No order form".into(),
        cause: None,
    }
}

#[test]
fn a_dismissed_signal_stays_off_until_the_facts_behind_it_change() {
    use SignalCode::*;
    // (what raises it, the code, a change that keeps it off, a change that brings it back)
    let cases: Vec<(Story, SignalCode, Command, Command)> = vec![
        (
            in_limbo()
                .then(bounce())
                .then(send_all("onboarding"))
                .then(bounce()),
            PingPong,
            // A new handoff is not a new bounce.
            send_all("onboarding"),
            bounce(),
        ),
        (
            Story::new(3, "Kick-off", "sales", None),
            NoOwner,
            Command::Note("n".into()),
            Command::SetOwner(None),
        ),
        (
            active().then(Command::Send {
                to: "onboarding".into(),
                note: "n".into(),
                ticks: Ticks::Entries(vec![1]),
                force: true,
            }),
            IncompleteHandoff,
            Command::Note("n".into()),
            Command::Reclaim { reason: None },
        ),
        (
            active().then(Command::Edit {
                title: None,
                body: None,
                due: Some(Some(minutes(24 * 60))),
                tags: None,
                link: None,
            }),
            DueSoon,
            Command::Note("n".into()),
            Command::Edit {
                title: None,
                body: None,
                due: Some(Some(minutes(30 * 60))),
                tags: None,
                link: None,
            },
        ),
    ];
    for (story, code, keeps, renews) in cases {
        assert!(codes(&story).contains(&code), "{code:?} raised");
        let dismissed = story.then(dismiss(code));
        assert!(!codes(&dismissed).contains(&code), "{code:?} dismissed");
        let kept = dismissed.clone().then(keeps);
        assert!(!codes(&kept).contains(&code), "{code:?} still off");
        let renewed = kept.then(renews);
        if code == IncompleteHandoff {
            // Reclaimed, it is back unsent: a new forced handoff is what renews it.
            let again = renewed.then(Command::Send {
                to: "onboarding".into(),
                note: "n".into(),
                ticks: Ticks::Entries(vec![1]),
                force: true,
            });
            assert!(codes(&again).contains(&code), "{code:?} back");
        } else {
            assert!(codes(&renewed).contains(&code), "{code:?} back");
        }
    }
}

#[test]
fn an_escalation_is_closed_by_dismissing_it_and_a_new_one_raises_it_again() {
    let escalated = in_limbo().then(Command::Escalate {
        to: None,
        note: None,
    });
    assert!(codes(&escalated).contains(&SignalCode::Escalated));
    let closed = escalated.then(dismiss(SignalCode::Escalated));
    assert_eq!(closed.item.escalation, None);
    assert!(!codes(&closed).contains(&SignalCode::Escalated));
    assert_eq!(
        closed.events.last().map(|e| describe(e, "sales", &Utc)),
        Some("dismissed escalated: “looked at it”".to_string())
    );
    let again = closed.then(Command::Escalate {
        to: None,
        note: None,
    });
    assert!(codes(&again).contains(&SignalCode::Escalated));
}

#[test]
fn facts_cannot_be_dismissed_and_nor_can_what_is_not_raised() {
    let overdue = active().then(Command::Edit {
        title: None,
        body: None,
        due: Some(Some(minutes(-60))),
        tags: None,
        link: None,
    });
    let breached = {
        let mut story = in_limbo();
        story.item.updated_at = minutes(3 * 24 * 60);
        story
    };
    let cases = [
        (
            overdue,
            SignalCode::Overdue,
            "cannot dismiss overdue on #1: an overdue date is a fact, not a judgement; change the due date or finish the item",
        ),
        (
            breached,
            SignalCode::SlaBreached,
            "cannot dismiss sla-breached on #1: a breach is a fact, not a judgement; accept, bounce or reclaim the item, or escalate it",
        ),
        (
            active(),
            SignalCode::ContractIncomplete,
            "cannot dismiss contract-incomplete on #1: it belongs to a boundary, not an item; complete the contract with `baton boundary edit`",
        ),
        (
            active(),
            SignalCode::PingPong,
            "#1 has no ping-pong signal to dismiss",
        ),
        (
            active(),
            SignalCode::PossibleDuplicate,
            "dismissing possible-duplicate on #1 needs the other item of the pair (--with ID)",
        ),
        (
            Story::new(3, "Kick-off", "sales", None).then(dismiss(SignalCode::NoOwner)),
            SignalCode::NoOwner,
            "#3: no-owner is already dismissed; it comes back when its facts change",
        ),
        (
            done(),
            SignalCode::NoOwner,
            "cannot dismiss a signal of #1: it is done; a closed item raises no signals",
        ),
    ];
    for (story, code, want) in cases {
        let got = story
            .try_do(dismiss(code))
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_string()), "{code:?}");
    }
    assert_eq!(
        baton::domain::attention::parse_signal("late").map_err(|e| e.to_string()),
        Err("unknown signal `late` (signals: overdue, sla-breached, escalated, due-soon, late-handoff, sla-at-risk, ping-pong, no-owner, incomplete-handoff, possible-duplicate, contract-incomplete)".to_string())
    );
}

#[test]
fn ticking_the_entries_left_ends_the_incomplete_handoff() {
    let forced = active().then(Command::Send {
        to: "onboarding".into(),
        note: "n".into(),
        ticks: Ticks::Entries(vec![]),
        force: true,
    });
    let tick = |ticks: Ticks| Command::Tick { ticks, note: None };
    let one = forced.then(tick(Ticks::Entries(vec![1])));
    assert_eq!(
        one.item.incomplete_handoff,
        vec!["Kick-off date agreed".to_string()]
    );
    assert!(codes(&one).contains(&SignalCode::IncompleteHandoff));
    assert_eq!(
        one.events.last().map(|e| describe(e, "sales", &Utc)),
        Some("ticked after the handoff: “Order form attached”".to_string())
    );
    let refusals = [
        (
            Ticks::Entries(vec![1]),
            "#1: definition-of-done entry 1 “Order form attached” is not left to tick (left: 2 “Kick-off date agreed”)",
        ),
        (
            Ticks::Entries(vec![3]),
            "sales → onboarding has no definition-of-done entry 3 (it has 2)",
        ),
    ];
    for (ticks, want) in refusals {
        let got = one
            .try_do(tick(ticks))
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_string()));
    }
    let all = one.then(tick(Ticks::All));
    assert!(all.item.incomplete_handoff.is_empty());
    assert!(!codes(&all).contains(&SignalCode::IncompleteHandoff));
    assert_eq!(
        all.try_do(tick(Ticks::All))
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err("#1 has no unticked definition-of-done entries: nothing to tick".to_string())
    );
}

#[test]
fn a_merged_duplicate_is_closed_into_its_item_and_both_histories_say_so() {
    let dup = Story::new(2, "ACME renewal", "onboarding", Some("priya"));
    let canon = active();
    let [(dup_event, dup_after), (canon_event, canon_after)] = decide_pair(
        &dup.item,
        &canon.item,
        &dup.org,
        Pair::Merge {
            note: Some("same request".into()),
        },
        minutes(5),
        "t",
    )
    .expect("merged");
    assert_eq!(dup_after.state, State::Dropped);
    assert_eq!(dup_after.merged_into, Some(1));
    assert_eq!(describe_state(&dup_after), "merged into #1");
    assert_eq!(canon_after.state, State::Active);
    assert_eq!(
        describe(&dup_event, "onboarding", &Utc),
        "merged into #1 as a duplicate: “same request”"
    );
    assert_eq!(
        describe(&canon_event, "sales", &Utc),
        "absorbed duplicate #2: “same request”"
    );
    let refused = |a: &Item, b: &Item| {
        decide_pair(a, b, &dup.org, Pair::Merge { note: None }, minutes(5), "t")
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        refused(&dup.item, &dup.item),
        Err("cannot merge #2 into itself; name the item it duplicates".to_string())
    );
    assert_eq!(
        refused(&dup.item, &done().item),
        Err("cannot merge #2 into #1: #1 is done; merge into an open item".to_string())
    );
    assert_eq!(
        refused(&dup_after, &canon.item),
        Err(
            "cannot merge #2: it is merged into #1; only an open item can be merged into another"
                .to_string()
        )
    );
}

#[test]
fn two_items_judged_not_duplicates_stop_being_paired_until_one_is_retitled() {
    let a = active();
    let b = Story::new(2, "ACME renewal", "onboarding", Some("priya"));
    let paired = |a: &Item, b: &Item| {
        attention(&[a.clone(), b.clone()], &org(), minutes(10), &Utc)
            .iter()
            .filter(|x| {
                x.signals
                    .iter()
                    .any(|s| s.code == SignalCode::PossibleDuplicate)
            })
            .count()
    };
    assert_eq!(paired(&a.item, &b.item), 2);
    let [(_, a2), (_, b2)] = decide_pair(
        &a.item,
        &b.item,
        &a.org,
        Pair::NotDuplicates { note: None },
        minutes(5),
        "t",
    )
    .expect("dismissed");
    assert_eq!(paired(&a2, &b2), 0);
    let retitled = Story {
        org: a.org.clone(),
        item: b2.clone(),
        events: Vec::new(),
    }
    .then(Command::Edit {
        title: Some("Renewal ACME".into()),
        body: None,
        due: None,
        tags: None,
        link: None,
    });
    assert_eq!(paired(&a2, &retitled.item), 2);
    let unlike = Story::new(3, "Globex pilot", "support", None);
    assert_eq!(
        decide_pair(
            &a.item,
            &unlike.item,
            &a.org,
            Pair::NotDuplicates { note: None },
            minutes(5),
            "t"
        )
        .map(|_| ())
        .map_err(|e| e.to_string()),
        Err("#1 and #3 are not possible duplicates: only open items of different teams with alike titles are".to_string())
    );
}

/// The standup summary says who answers for each item as the board does: its owner,
/// else (in limbo) the next owner the boundary's contract names, else no one.
#[test]
fn the_standup_outcome_names_who_answers_for_the_item() {
    use baton::domain::standup::outcome;
    // sales → onboarding's contract names priya; onboarding → support's names no one.
    let cases = [
        (active(), "owner dana"),
        (in_limbo(), "next owner per contract: priya"),
        (
            Story::new(2, "Go-live hand-over", "onboarding", None).then(send_all("support")),
            "no owner",
        ),
        (Story::new(3, "Unowned renewal", "sales", None), "no owner"),
    ];
    for (story, who) in cases {
        assert_eq!(
            outcome(&story.item, &story.org),
            format!("{}, {who}", describe_state(&story.item)),
            "{}",
            story.item.title
        );
    }
    assert!(
        in_limbo().item.owner.is_none(),
        "in limbo the item has no owner of its own"
    );
}
