//! Pure functions from the board to documents people and tools read.

mod charts;
pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod standup;

use crate::domain::metrics::{Metrics, minutes, percent};

/// The headline numbers of a report, named, in the order reports show them.
pub fn overall_rows(m: &Metrics) -> Vec<(&'static str, String)> {
    let o = &m.overall;
    vec![
        (
            "handoffs sent / accepted / bounced / reclaimed",
            format!(
                "{} / {} / {} / {}",
                o.sent, o.accepted, o.bounced, o.reclaimed
            ),
        ),
        (
            "time in limbo (median / 85th pct / max)",
            format!(
                "{} / {} / {} over {} spells",
                minutes(o.time_in_limbo.median_minutes),
                minutes(o.time_in_limbo.p85_minutes),
                minutes(o.time_in_limbo.max_minutes),
                o.time_in_limbo.count
            ),
        ),
        ("in limbo at the end", o.in_limbo_now.to_string()),
        (
            "SLA breach rate",
            format!(
                "{} ({} of {})",
                percent(o.breach_rate),
                o.breached,
                o.spells
            ),
        ),
        ("bounce rate", percent(o.bounce_rate)),
        ("escalations", o.escalations.to_string()),
        ("incomplete handoffs", o.incomplete_handoffs.to_string()),
        ("late handoffs", m.late_handoffs().to_string()),
        ("dropped batons flagged", o.dropped_batons.to_string()),
        (
            "done / cycle time (median / 85th pct / max)",
            format!(
                "{} / {} / {} / {}",
                o.done,
                minutes(o.cycle_time.median_minutes),
                minutes(o.cycle_time.p85_minutes),
                minutes(o.cycle_time.max_minutes)
            ),
        ),
        ("flow efficiency", percent(o.flow_efficiency)),
        ("work in progress", o.wip.to_string()),
    ]
}
