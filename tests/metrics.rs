//! Flow metrics and snapshot differences on small hand-built histories. Every expected
//! number is worked out by hand in the comments next to it, from the definitions in
//! docs/metrics.md.

use baton::domain::metrics::{
    DayCount, Flow, FlowEvent, FlowPoint, Metrics, Period, Stats, WeekCount, compute, percentile,
};
use baton::domain::snapshot::{Change, ItemRow, Moved, Snapshot, diff};
use baton::domain::{Boundary, Contract, ItemId, Org, State, Team};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// A time in November 2026, UTC: `t("02 09:00")` is Monday 2 November, 09:00.
fn t(text: &str) -> DateTime<Utc> {
    let (day, time) = text.split_once(' ').expect("DD HH:MM");
    format!("2026-11-{day}T{time}:00Z")
        .parse()
        .expect("a valid time")
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("a valid day")
}

/// One item's history: its events numbered 1, 2, 3… in order.
fn history(item: ItemId, events: Vec<(&str, Flow)>) -> Vec<FlowEvent> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, (at, flow))| FlowEvent {
            item,
            seq: u32::try_from(i + 1).expect("small"),
            at: t(at),
            flow,
            cause: None,
        })
        .collect()
}

fn created(team: &str) -> Flow {
    Flow::Created {
        team: team.to_string(),
    }
}

fn sent(to: &str) -> Flow {
    Flow::Sent {
        to: to.to_string(),
        forced: false,
        late: false,
    }
}

fn forced(to: &str) -> Flow {
    Flow::Sent {
        to: to.to_string(),
        forced: true,
        late: false,
    }
}

fn boundary(from: &str, to: &str, sla_minutes: Option<i64>) -> Boundary {
    Boundary {
        from: from.to_string(),
        to: to.to_string(),
        contract: Contract {
            sla: sla_minutes.map(baton::domain::calendar::Sla::from_minutes),
            ..Contract::default()
        },
    }
}

/// sales → ops (SLA 2h), ops → support (SLA 1d), support → sales (no SLA).
fn org() -> Org {
    let team = |key: &str| Team {
        key: key.to_string(),
        name: key.to_string(),
        lead: None,
    };
    Org {
        calendars: Vec::new(),
        contract_history: Vec::new(),
        teams: vec![team("sales"), team("ops"), team("support")],
        boundaries: vec![
            boundary("sales", "ops", Some(120)),
            boundary("ops", "support", Some(1440)),
            boundary("support", "sales", None),
        ],
    }
}

/// Stats of up to 19 values, whose 95th percentile (rank ⌈0.95 n⌉ = n) is the maximum.
fn stats(count: usize, median: i64, p85: i64, max: i64) -> Stats {
    assert!(
        count < 20,
        "the 95th percentile of 20 values or more is not the max"
    );
    Stats {
        count,
        median_minutes: Some(median),
        p85_minutes: Some(p85),
        p95_minutes: Some(max),
        max_minutes: Some(max),
    }
}

fn assert_share(actual: Option<f64>, want: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: no value"));
    assert!(
        (actual - want).abs() < 1e-9,
        "{what}: {actual} instead of {want}"
    );
}

/// Monday 2 November 00:00 to Thursday 5 November 12:00, taken as now.
fn week() -> Period {
    Period::to_now(Some(t("02 00:00")), t("05 12:00"))
}

/// Eight items over the week (Sunday 1 November is before the period).
fn week_histories() -> Vec<Vec<FlowEvent>> {
    vec![
        // #1 sales → ops, accepted after 60m (within the 2h SLA), done by ops on Tuesday.
        history(
            1,
            vec![
                ("02 09:00", created("sales")),
                ("02 10:00", sent("ops")),
                ("02 11:00", Flow::Accepted),
                ("03 11:00", Flow::Done),
            ],
        ),
        // #2 forced across, bounced after 240m (SLA ran out Monday 14:00), sent again,
        // accepted after 60m, escalated while ops holds it: an escalation for ops.
        history(
            2,
            vec![
                ("02 09:00", created("sales")),
                ("02 12:00", forced("ops")),
                ("02 16:00", Flow::Bounced),
                ("03 09:00", sent("ops")),
                ("03 10:00", Flow::Accepted),
                ("03 12:00", Flow::Escalated),
            ],
        ),
        // #3 ops → support on Monday 09:00, escalated in limbo, never accepted: open at
        // the end, 75h = 4500m old; its 1d SLA ran out Tuesday 09:00.
        history(
            3,
            vec![
                ("02 08:00", created("ops")),
                ("02 09:00", sent("support")),
                ("02 20:00", Flow::Escalated),
            ],
        ),
        // #4 support → sales, reclaimed after 30m, a dropped baton flagged (on the
        // boundary it last crossed), then dropped while support holds it.
        history(
            4,
            vec![
                ("02 10:00", created("support")),
                ("02 11:00", sent("sales")),
                ("02 11:30", Flow::Reclaimed),
                ("02 12:00", Flow::Flagged),
                ("03 09:00", Flow::Dropped),
            ],
        ),
        // #5 sent on Sunday (not counted), escalated on Sunday (not counted), accepted
        // Monday 01:00 after 720m (counted whole, breached; its SLA ran out on Sunday),
        // done by ops on Wednesday.
        history(
            5,
            vec![
                ("01 12:00", created("sales")),
                ("01 13:00", sent("ops")),
                ("01 14:00", Flow::Escalated),
                ("02 01:00", Flow::Accepted),
                ("04 10:00", Flow::Done),
            ],
        ),
        // #6 a send taken back by undo: as if it never happened.
        history(
            6,
            vec![
                ("02 09:00", created("sales")),
                ("04 09:00", sent("ops")),
                ("04 09:05", Flow::Undone { seq: 2 }),
            ],
        ),
        // #7 sent Thursday 11:00, accepted after the period ends: in limbo at the end,
        // 60m old, within the SLA.
        history(
            7,
            vec![
                ("04 08:00", created("sales")),
                ("05 11:00", sent("ops")),
                ("05 13:00", Flow::Accepted),
            ],
        ),
        // #8 never crossed: its dropped baton counts for its team.
        history(
            8,
            vec![
                ("03 08:00", created("support")),
                ("03 09:00", Flow::Flagged),
            ],
        ),
    ]
}

fn week_metrics() -> Metrics {
    compute(&week_histories(), &org(), week(), &Utc)
}

#[test]
fn boundary_counts_spells_rates_escalations_and_batons() {
    let m = week_metrics();
    let names: Vec<(&str, &str)> = m
        .boundaries
        .iter()
        .map(|b| (b.from.as_str(), b.to.as_str()))
        .collect();
    assert_eq!(
        names,
        [("sales", "ops"), ("ops", "support"), ("support", "sales")],
        "the org's order"
    );
    let (a, b, c) = (&m.boundaries[0], &m.boundaries[1], &m.boundaries[2]);

    // sales → ops: sent #1, #2 twice, #7 (#5's Sunday send is before the period, #6's
    // was undone); accepted #1, #2, #5; bounced #2.
    assert_eq!(a.sla_minutes, Some(120));
    assert_eq!(
        (a.sent, a.accepted, a.bounced, a.reclaimed),
        (4, 3, 1, 0),
        "sales → ops counts"
    );
    assert_eq!(a.incomplete_handoffs, 1, "#2's forced send");
    // Ended spells 60, 240, 60, 720 → sorted 60 60 240 720: median is rank 2 (60),
    // 85th pct rank ⌈3.4⌉ = 4 (720).
    assert_eq!(a.time_in_limbo, stats(4, 60, 720, 720));
    assert_eq!(a.open_ages_minutes, [60], "#7, sent an hour before the end");
    // Judged in the week: #1's 60m and #2's second 60m, within 2h, and #2's first
    // 240m, whose SLA ran out in the week. #5's 720m spell breached on Sunday, when its
    // SLA ran out (that week's breach); #7's 2h are not up at the end.
    assert_eq!((a.breached, a.spells), (1, 3));
    assert_share(a.breach_rate, 1.0 / 3.0, "sales → ops breach rate");
    assert_share(a.bounce_rate, 0.25, "1 bounced ÷ (3 accepted + 1 bounced)");
    assert_eq!(a.escalations, 0, "#5's escalation was on Sunday");
    assert_eq!(a.dropped_batons, 0);

    // ops → support: #3 only, still open at 4500m, past its 1d SLA.
    assert_eq!((b.sent, b.accepted, b.bounced, b.reclaimed), (1, 0, 0, 0));
    assert_eq!(b.time_in_limbo, Stats::default(), "no spell ended");
    assert_eq!(b.open_ages_minutes, [4500]);
    assert_eq!((b.breached, b.spells), (1, 1));
    assert_share(b.breach_rate, 1.0, "ops → support breach rate");
    assert_eq!(b.bounce_rate, None, "nothing accepted or bounced");
    assert_eq!(b.escalations, 1, "#3 escalated in limbo");

    // support → sales: #4 reclaimed after 30m; no SLA, so no breach rate.
    assert_eq!((c.sent, c.accepted, c.bounced, c.reclaimed), (1, 0, 0, 1));
    assert_eq!(c.time_in_limbo, stats(1, 30, 30, 30));
    assert!(c.open_ages_minutes.is_empty());
    assert_eq!((c.breached, c.spells), (0, 0), "no SLA to judge a spell by");
    assert_eq!(c.breach_rate, None, "no SLA, no breach rate");
    assert_eq!(c.bounce_rate, None);
    assert_eq!(c.dropped_batons, 1, "#4's flag, on the boundary it crossed");
}

#[test]
fn overall_adds_up_boundaries_and_teams() {
    let o = week_metrics().overall;
    assert_eq!(
        (o.sent, o.accepted, o.bounced, o.reclaimed),
        (6, 3, 1, 1),
        "4 + 1 + 1 sent"
    );
    // All ended spells: 30 60 60 240 720 → median rank 3 (60), 85th pct rank ⌈4.25⌉ = 5.
    assert_eq!(o.time_in_limbo, stats(5, 60, 720, 720));
    assert_eq!(o.in_limbo_now, 2, "#3 and #7");
    // Only boundaries with an SLA: (1 + 1) of (3 + 1).
    assert_eq!((o.breached, o.spells), (2, 4));
    assert_share(o.breach_rate, 0.5, "overall breach rate");
    assert_share(o.bounce_rate, 0.25, "overall bounce rate");
    assert_eq!(o.escalations, 2, "#3 on its boundary, #2 for ops");
    assert_eq!(o.incomplete_handoffs, 1);
    assert_eq!(o.dropped_batons, 2, "#4 on its boundary, #8 for support");
    assert_eq!(o.done, 2);
    assert_eq!(o.cycle_time, stats(2, 1560, 4200, 4200));
    assert_eq!(o.wip, 3, "#6 sales, #2 ops, #8 support");
    // Held 7380 + 7920 + 4470; waited 30 + 480 + 4500 (see the teams test).
    assert_share(
        o.flow_efficiency,
        19770.0 / 24780.0,
        "overall flow efficiency",
    );
}

#[test]
fn teams_have_wip_cycle_time_and_flow_efficiency() {
    let m = week_metrics();
    let teams: Vec<&str> = m.teams.iter().map(|t| t.team.as_str()).collect();
    assert_eq!(teams, ["sales", "ops", "support"]);
    let (sales, ops, support) = (&m.teams[0], &m.teams[1], &m.teams[2]);

    // sales holds #6 since Monday 09:00: 75h = 4500m at Thursday 12:00.
    assert_eq!(sales.wip, 1);
    assert_eq!(sales.wip_age, stats(1, 4500, 4500, 4500));
    assert_eq!(sales.done, 0);
    assert_eq!(sales.cycle_time, Stats::default());
    // Held: #1 60, #2 180 + 1020 (back after the bounce until re-sent), #5 0 (Sunday,
    // clipped), #6 4500, #7 1620 (Wed 08:00 → Thu 11:00) = 7380. Waited for sales: #4's
    // 30m in limbo.
    assert_share(sales.flow_efficiency, 7380.0 / 7410.0, "sales");
    assert_eq!((sales.escalations, sales.dropped_batons), (0, 0));

    // ops holds #2 since Tuesday 10:00: 50h = 3000m.
    assert_eq!(ops.wip, 1);
    assert_eq!(ops.wip_age, stats(1, 3000, 3000, 3000));
    // Done: #1 Mon 09:00 → Tue 11:00 = 1560m, #5 Sun 12:00 → Wed 10:00 = 4200m, counted
    // whole although #5 was created before the period.
    assert_eq!(ops.done, 2);
    assert_eq!(ops.cycle_time, stats(2, 1560, 4200, 4200));
    // Held: #1 1440, #2 3000, #3 60, #5 3420 = 7920. Waited: #1 60, #2 240 + 60, #5 60
    // (clipped from 720 to the part after Monday 00:00), #7 60 (open) = 480.
    assert_share(ops.flow_efficiency, 7920.0 / 8400.0, "ops");
    assert_eq!((ops.escalations, ops.dropped_batons), (1, 0));

    // support holds #8 since Tuesday 08:00: 52h = 3120m.
    assert_eq!(support.wip, 1);
    assert_eq!(support.wip_age, stats(1, 3120, 3120, 3120));
    assert_eq!(support.done, 0);
    // Held: #4 60 + 1290 (reclaimed until dropped), #8 3120 = 4470. Waited: #3 4500.
    assert_share(support.flow_efficiency, 4470.0 / 8970.0, "support");
    assert_eq!((support.escalations, support.dropped_batons), (0, 1));
}

#[test]
fn cumulative_flow_throughput_and_breaches_per_day() {
    let m = week_metrics();
    let point = |d: u32, active: usize, limbo: usize, done: usize, dropped: usize| FlowPoint {
        day: day(d),
        active,
        limbo,
        done,
        dropped,
    };
    assert_eq!(
        m.cumulative_flow,
        [
            // Monday night: #1 #2 #4 #5 #6 active, #3 in limbo.
            point(2, 5, 1, 0, 0),
            // Tuesday: #1 done, #4 dropped, #8 created.
            point(3, 4, 1, 1, 1),
            // Wednesday: #5 done, #7 created.
            point(4, 4, 1, 2, 1),
            // Thursday at noon: #7 in limbo; its acceptance at 13:00 is after the end.
            point(5, 3, 2, 2, 1),
        ]
    );
    assert_eq!(
        m.throughput,
        [WeekCount {
            week: day(2),
            done: 2
        }]
    );
    // #2's SLA ran out Monday 14:00, #3's Tuesday 09:00; #5's on Sunday, before the period.
    assert_eq!(
        m.breaches_per_day,
        [
            DayCount {
                day: day(2),
                breaches: 1
            },
            DayCount {
                day: day(3),
                breaches: 1
            },
        ]
    );
}

#[test]
fn throughput_is_per_iso_week_starting_monday() {
    let done = |item: ItemId, at: &'static str| {
        history(item, vec![("01 08:00", created("ops")), (at, Flow::Done)])
    };
    let histories = vec![
        done(1, "01 09:00"), // Sunday: the week of Monday 26 October
        done(2, "02 00:00"), // Monday at midnight: the week of the 2nd
        done(3, "08 23:59"), // Sunday night: still the week of the 2nd
        done(4, "09 10:00"), // the week of the 9th
    ];
    let m = compute(
        &histories,
        &org(),
        Period::ending(None, t("12 00:00")),
        &Utc,
    );
    let oct26 = NaiveDate::from_ymd_opt(2026, 10, 26).expect("day");
    assert_eq!(
        m.throughput,
        [
            WeekCount {
                week: oct26,
                done: 1
            },
            WeekCount {
                week: day(2),
                done: 2
            },
            WeekCount {
                week: day(9),
                done: 1
            },
        ]
    );
    // Created Sunday 08:00: cycle times 60m, 16h = 960m, 7d 15h 59m = 11039m, 8d 2h =
    // 11640m; median rank 2, 85th pct rank ⌈3.4⌉ = 4.
    assert_eq!(m.overall.cycle_time, stats(4, 960, 11640, 11640));
}

#[test]
fn percentiles_are_nearest_rank() {
    let values: Vec<i64> = (1..=20).collect();
    assert_eq!(
        percentile(&values, 85),
        Some(17),
        "17 of 20 = 85% at or below"
    );
    assert_eq!(percentile(&values, 50), Some(10));
    assert_eq!(percentile(&values, 95), Some(19), "rank ⌈19⌉ = 19");
    assert_eq!(Stats::of(values.clone()).p95_minutes, Some(19));
    assert_eq!(percentile(&[5, 9, 40], 85), Some(40), "rank ⌈2.55⌉ = 3");
    assert_eq!(percentile(&[7], 85), Some(7));
    assert_eq!(percentile(&[], 85), None);
    assert_eq!(Stats::of(vec![40, 5, 9]), stats(3, 9, 40, 40));
}

#[test]
fn an_undone_accept_leaves_the_item_in_limbo() {
    let histories = vec![history(
        1,
        vec![
            ("02 09:00", created("sales")),
            ("02 10:00", sent("ops")),
            ("02 11:00", Flow::Accepted),
            ("02 11:05", Flow::Undone { seq: 3 }),
        ],
    )];
    let m = compute(
        &histories,
        &org(),
        Period::to_now(None, t("02 13:00")),
        &Utc,
    );
    let b = &m.boundaries[0];
    assert_eq!((b.sent, b.accepted), (1, 0));
    assert_eq!(b.time_in_limbo, Stats::default());
    assert_eq!(b.open_ages_minutes, [180], "in limbo since 10:00");
    assert_eq!((b.breached, b.spells), (1, 1), "past 2h");
    assert_eq!(m.overall.wip, 0);
}

#[test]
fn an_undo_after_the_period_does_not_reach_back_into_it() {
    // At 12:00 the item was in limbo; the send was taken back only at 14:00.
    let histories = vec![history(
        1,
        vec![
            ("02 09:00", created("sales")),
            ("02 10:00", sent("ops")),
            ("02 14:00", Flow::Undone { seq: 2 }),
        ],
    )];
    let m = compute(
        &histories,
        &org(),
        Period::ending(None, t("02 12:00")),
        &Utc,
    );
    let b = &m.boundaries[0];
    assert_eq!(b.sent, 1);
    assert_eq!(b.open_ages_minutes, [120]);
    assert_eq!(m.overall.wip, 0);
    assert_eq!(m.cumulative_flow.last().map(|p| p.limbo), Some(1));
}

#[test]
fn counts_only_take_events_inside_the_period() {
    // Sent Monday, accepted Tuesday, done Wednesday; a period of Tuesday alone counts
    // the acceptance and its whole spell, not the send or the done.
    let histories = vec![history(
        1,
        vec![
            ("02 09:00", created("sales")),
            ("02 22:00", sent("ops")),
            ("03 02:00", Flow::Accepted),
            ("04 09:00", Flow::Done),
        ],
    )];
    let m = compute(
        &histories,
        &org(),
        Period::ending(Some(t("03 00:00")), t("03 23:59")),
        &Utc,
    );
    let b = &m.boundaries[0];
    assert_eq!((b.sent, b.accepted), (0, 1));
    assert_eq!(b.time_in_limbo, stats(1, 240, 240, 240));
    assert_eq!((b.breached, b.spells), (1, 1));
    assert_eq!(m.overall.done, 0, "done after the end");
    assert_eq!(m.teams[1].wip, 1, "ops holds it at the end");
    assert_eq!(
        m.teams[1].wip_age,
        stats(1, 1319, 1319, 1319),
        "02:00 → 23:59"
    );
    // ops: held 02:00 → 23:59 = 1319m; waited 00:00 → 02:00 = 120m (clipped).
    assert_share(m.teams[1].flow_efficiency, 1319.0 / 1439.0, "ops");
    assert_eq!(
        m.teams[0].flow_efficiency, None,
        "sales held nothing on Tuesday"
    );
}

fn row(id: ItemId, team: &str, state: State, to: Option<&str>, breached: bool) -> ItemRow {
    ItemRow {
        id,
        title: format!("item {id}"),
        team: team.to_string(),
        state,
        owner: None,
        to: to.map(str::to_string),
        sent_at: to.map(|_| t("02 09:00")),
        breached,
        limbo_minutes: 0,
        bounces: 0,
        escalations: 0,
        link: None,
        merged_into: None,
        since: None,
        done_at: None,
        cycle_minutes: None,
    }
}

fn snapshot(label: &str, items: Vec<ItemRow>, metrics: Metrics) -> Snapshot {
    Snapshot {
        label: label.to_string(),
        taken_at: metrics.period.until,
        items,
        metrics,
        incidents: vec![],
        standup: None,
    }
}

fn moved(id: ItemId, before: &str, after: &str) -> Moved {
    Moved {
        id,
        title: format!("item {id}"),
        before: before.to_string(),
        after: after.to_string(),
    }
}

#[test]
fn diff_lists_crossings_limbo_breaches_and_changed_numbers() {
    let empty = |until: &str| compute(&[], &org(), Period::ending(None, t(until)), &Utc);
    let before_metrics = empty("02 12:00");
    let mut after_metrics = empty("03 12:00");
    after_metrics.overall.sent = 2;
    after_metrics.overall.accepted = 1;
    after_metrics.boundaries[0].bounce_rate = Some(0.5);
    after_metrics.teams[2].wip = 3;
    let a = snapshot(
        "before",
        vec![
            row(1, "sales", State::Limbo, Some("ops"), false), // → accepted by ops
            row(2, "sales", State::Active, None, false),       // → sent to ops
            row(3, "ops", State::Limbo, Some("support"), false), // → breached, same place
            row(4, "support", State::Active, None, false),     // unchanged
            row(5, "ops", State::Limbo, Some("support"), true), // → bounced back to ops
        ],
        before_metrics,
    );
    let b = snapshot(
        "after",
        vec![
            row(1, "ops", State::Active, None, false),
            row(2, "sales", State::Limbo, Some("ops"), false),
            row(3, "ops", State::Limbo, Some("support"), true),
            row(4, "support", State::Active, None, false),
            row(5, "ops", State::Active, None, false),
            row(6, "support", State::Active, None, false), // new
        ],
        after_metrics,
    );
    let d = diff(&a, &b);
    assert_eq!((d.before.as_str(), d.after.as_str()), ("before", "after"));
    assert_eq!(
        d.crossed,
        [moved(1, "sales → ops", "ops"), moved(6, "new", "support")]
    );
    assert_eq!(d.entered_limbo, [moved(2, "sales", "sales → ops")]);
    assert_eq!(
        d.left_limbo,
        [
            moved(1, "sales → ops", "ops"),
            moved(5, "ops → support", "ops")
        ]
    );
    assert_eq!(
        d.newly_breached,
        [moved(3, "ops → support", "ops → support")]
    );
    let change = |metric: &str, before: Option<f64>, after: Option<f64>| Change {
        metric: metric.to_string(),
        before,
        after,
    };
    assert_eq!(
        d.metrics,
        [
            change("overall.sent", Some(0.0), Some(2.0)),
            change("overall.accepted", Some(0.0), Some(1.0)),
            change("sales→ops.bounce_rate", None, Some(0.5)),
            change("support.wip", Some(0.0), Some(3.0)),
        ]
    );
    assert!(diff(&a, &a).metrics.is_empty(), "a snapshot equals itself");
}

#[test]
fn diff_sees_an_item_resent_across_another_boundary_as_entering_limbo_again() {
    let m = || compute(&[], &org(), Period::ending(None, t("02 12:00")), &Utc);
    let a = snapshot(
        "a",
        vec![row(1, "ops", State::Limbo, Some("support"), true)],
        m(),
    );
    let b = snapshot(
        "b",
        vec![row(1, "ops", State::Limbo, Some("sales"), true)],
        m(),
    );
    let d = diff(&a, &b);
    assert_eq!(d.entered_limbo, [moved(1, "ops → support", "ops → sales")]);
    assert!(d.crossed.is_empty() && d.left_limbo.is_empty());
    assert!(d.newly_breached.is_empty(), "it was breached before too");
}

#[test]
fn a_saved_snapshot_reads_back_with_the_same_numbers() {
    // Shares such as 7380 ÷ 7410 must survive JSON exactly, or every diff against a
    // saved snapshot lists metrics that did not change.
    let m = week_metrics();
    let a = snapshot(
        "saved",
        vec![row(1, "sales", State::Active, None, false)],
        m,
    );
    let text = serde_json::to_string(&a).expect("serialises");
    let back: Snapshot = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, a);
    let d = diff(&back, &a);
    assert!(d.metrics.is_empty(), "{:?}", d.metrics);
}

#[test]
fn throughput_lists_every_day_and_week_of_the_period_zeros_included() {
    // Done Tuesday 3rd and Tuesday 17th; nothing in the week of the 9th.
    let done = |item: ItemId, at: &'static str| {
        history(item, vec![("02 08:00", created("ops")), (at, Flow::Done)])
    };
    let m = compute(
        &[done(1, "03 10:00"), done(2, "17 10:00")],
        &org(),
        // Wednesday 4th 00:00 up to Wednesday 18th 00:00: the 18th itself is outside.
        Period::ending(Some(t("04 00:00")), t("18 00:00")),
        &Utc,
    );
    let week = |d: u32, done: usize| WeekCount { week: day(d), done };
    // The week of the 2nd is in the period from Wednesday 4th; #1 was done before.
    assert_eq!(m.throughput, [week(2, 0), week(9, 0), week(16, 1)]);
    let days: Vec<(u32, usize)> = m
        .daily_throughput
        .iter()
        .map(|d| (d.day.day0() + 1, d.done))
        .collect();
    assert_eq!(
        days,
        (4..=17)
            .map(|d| (d, usize::from(d == 17)))
            .collect::<Vec<_>>(),
        "every day from the 4th to the 17th"
    );
}

/// sales → ops (SLA 2h): sent Monday 10:00, accepted Tuesday 10:00 (24h, breached; the
/// SLA ran out Monday 12:00); a second item accepted exactly at Tuesday 00:00.
fn edge_histories() -> Vec<Vec<FlowEvent>> {
    vec![
        history(
            1,
            vec![
                ("02 09:00", created("sales")),
                ("02 10:00", sent("ops")),
                ("03 10:00", Flow::Accepted),
            ],
        ),
        history(
            2,
            vec![
                ("02 09:00", created("sales")),
                ("02 23:00", sent("ops")),
                ("03 00:00", Flow::Accepted),
            ],
        ),
    ]
}

#[test]
fn a_spell_is_judged_once_where_its_sla_ran_out_or_where_it_ended_within_it() {
    let monday = Period::ending(Some(t("02 00:00")), t("03 00:00"));
    let tuesday = Period::ending(Some(t("03 00:00")), t("04 00:00"));
    let both = Period::ending(Some(t("02 00:00")), t("04 00:00"));
    let run = |p: Period| compute(&edge_histories(), &org(), p, &Utc);
    let (mon, tue, all) = (run(monday), run(tuesday), run(both));
    let b = |m: &Metrics| {
        let b = &m.boundaries[0];
        (b.sent, b.accepted, b.spells, b.breached)
    };
    // Monday: both sent; #1's SLA ran out at 12:00, so Monday judges it, breached,
    // though it is accepted on Tuesday; #2's acceptance at Tuesday 00:00, within its
    // SLA, is the next period's.
    assert_eq!(b(&mon), (2, 0, 1, 1));
    assert_eq!(
        mon.boundaries[0].open_ages_minutes,
        [840, 60],
        "in limbo at the end"
    );
    // Tuesday: both accepted, #1 after 1440m, #2 after 60m; only #2 is judged here.
    assert_eq!(b(&tue), (0, 2, 1, 0));
    assert_eq!(tue.boundaries[0].time_in_limbo, stats(2, 60, 1440, 1440));
    assert!(tue.boundaries[0].open_ages_minutes.is_empty());
    // Monday + Tuesday = both days.
    assert_eq!(b(&all), (2, 2, 2, 1));
    // The breaches per day count the same breach on the same day.
    let breaches = |m: &Metrics| -> Vec<(NaiveDate, usize)> {
        m.breaches_per_day
            .iter()
            .map(|d| (d.day, d.breaches))
            .collect()
    };
    assert_eq!(breaches(&mon), [(day(2), 1)]);
    assert!(breaches(&tue).is_empty());
    assert_eq!(breaches(&all), [(day(2), 1)]);
}

#[test]
fn a_past_period_reads_the_same_whenever_it_is_asked_for() {
    // Monday to 23:30, asked for then (both in limbo), on Tuesday 09:00 (#1 still in
    // limbo) and on Wednesday (both accepted): the same breach, the same spells.
    let monday = |now: &str| {
        let period = match now {
            "02 23:30" => Period::to_now(Some(t("02 00:00")), t(now)),
            _ => Period::ending(Some(t("02 00:00")), t("02 23:30")),
        };
        let m = compute(&edge_histories(), &org(), period, &Utc);
        let b = &m.boundaries[0];
        (b.spells, b.breached, m.overall.breach_rate)
    };
    assert_eq!(monday("02 23:30"), (1, 1, Some(1.0)));
    assert_eq!(monday("03 09:00"), monday("02 23:30"));
    assert_eq!(monday("04 00:00"), monday("02 23:30"));
}

#[test]
fn an_open_spell_is_judged_when_its_sla_runs_out() {
    // Now is Tuesday 09:00: #1 is still in limbo, 23h old, past its 2h SLA since
    // Monday 12:00 (Monday's breach); #2 was accepted within its SLA on Tuesday.
    let m = compute(
        &edge_histories(),
        &org(),
        Period::to_now(Some(t("03 00:00")), t("03 09:00")),
        &Utc,
    );
    let b = &m.boundaries[0];
    assert_eq!((b.accepted, b.spells, b.breached), (1, 1, 0));
    assert_eq!(b.open_ages_minutes, [1380]);
    // From Monday, the open spell's breach is in the period.
    let m = compute(
        &edge_histories(),
        &org(),
        Period::to_now(Some(t("02 00:00")), t("03 09:00")),
        &Utc,
    );
    let b = &m.boundaries[0];
    assert_eq!((b.accepted, b.spells, b.breached), (1, 2, 1));
    // An event at now itself is known: a period ending now contains now.
    let at_now = compute(
        &edge_histories(),
        &org(),
        Period::to_now(Some(t("02 00:00")), t("03 00:00")),
        &Utc,
    );
    assert_eq!(at_now.boundaries[0].accepted, 1, "#2 accepted at now");
}

#[test]
fn diff_lists_every_number_that_changed_and_none_that_did_not() {
    let a = snapshot("a", vec![], week_metrics());
    let mut after = week_metrics();
    after.overall.reclaimed += 1;
    after.overall.time_in_limbo.p85_minutes = Some(800);
    after.overall.time_in_limbo.max_minutes = Some(900);
    after.overall.cycle_time.p95_minutes = Some(5000);
    after.overall.breach_rate = after.overall.breach_rate.map(|r| r + 0.001);
    after.boundaries[0].accepted += 1;
    after.boundaries[1].escalations += 1;
    after.teams[1].wip_age.max_minutes = Some(3100);
    after.overall.dropped = after.overall.dropped.map(|d| d + 2);
    // Set to the value it had: not a change.
    after.teams[0].done = a.metrics.teams[0].done;
    let b = snapshot("b", vec![], after);
    let changes = diff(&a, &b).metrics;
    let names: Vec<&str> = changes.iter().map(|c| c.metric.as_str()).collect();
    assert_eq!(
        names,
        [
            "overall.reclaimed",
            "overall.dropped",
            "overall.time_in_limbo.p85_minutes",
            "overall.time_in_limbo.max_minutes",
            "overall.cycle_time.p95_minutes",
            "overall.breach_rate",
            "sales→ops.accepted",
            "ops→support.escalations",
            "ops.wip_age.max_minutes",
        ]
    );
    assert!(diff(&b, &b).metrics.is_empty());
    // A snapshot saved before dropped items were counted: unknown there, not a change.
    let mut older = a.clone();
    older.metrics.overall.dropped = None;
    let names: Vec<String> = diff(&older, &b)
        .metrics
        .into_iter()
        .map(|c| c.metric)
        .collect();
    assert!(!names.iter().any(|n| n == "overall.dropped"), "{names:?}");
    assert_eq!(names.len(), 8, "{names:?}");
}

#[test]
fn a_changed_number_is_shown_precisely_enough_to_see_the_change() {
    use baton::cli::output::change_shown;
    let shown = |m: &str, a: f64, b: f64| change_shown(m, Some(a), Some(b));
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(shown("overall.breach_rate", 0.5, 0.75), pair("50%", "75%"));
    // 63.1% and 63.4% both round to 63%: one decimal tells them apart.
    assert_eq!(
        shown("overall.breach_rate", 0.631, 0.634),
        pair("63.1%", "63.4%")
    );
    assert_eq!(
        shown("ops.time_in_limbo.max_minutes", 60.0, 1500.0),
        pair("1h", "1d 1h")
    );
    // 1d 1h 5m and 1d 1h 7m both read "1d 1h": then to the minute.
    assert_eq!(
        shown("ops.time_in_limbo.max_minutes", 1505.0, 1507.0),
        pair("1d 1h 5m", "1d 1h 7m")
    );
    assert_eq!(
        change_shown("overall.sent", None, Some(2.0)),
        pair("—", "2")
    );
}
