//! The detail pane: one item's place, owner, reasons for attention, handoff note,
//! contract and whole history.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::contracts::contract_lines;
use super::theme::{self, Theme};
use super::{local, popup, strings};
use crate::domain::attention::Signal;
use crate::domain::duration::format_duration;
use crate::domain::history::narrate;
use crate::domain::text::{display_safe, display_safe_multiline, fit};
use crate::domain::view::{Place, incomplete_note, limbo_time, owner_line, sla_label};
use crate::domain::{Item, State};
use crate::tui::app::App;

/// The selected item's pane: where it is, who has it, its contract and history.
pub(super) fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let Some(detail) = &app.detail else { return };
    let item = &detail.item;
    let org = &app.board.org;
    let inner = popup(
        area,
        buf,
        &format!("#{} {}", item.id, display_safe(&item.title)),
        90,
        area.height,
    );
    let mut lines: Vec<Line> = Vec::new();
    let label = |name: &str| Span::styled(format!("{name:<10}"), theme.dim());
    let place = Place::of(item);
    let state = match (limbo_time(item, org, now), place) {
        (Some(time), Place::Limbo { .. }) => {
            let (style, symbol) = theme.sla(time.standing);
            Line::from(vec![
                label("state"),
                Span::raw(format!("{} for ", display_safe(&place.describe()))),
                Span::styled(
                    format!(
                        "{} ({}) {symbol}",
                        format_duration(time.age),
                        match (time.working_day, time.sla) {
                            (Some(_), Some(sla)) => format!(
                                "{} of {} working time used",
                                time.counted(time.used),
                                time.counted(sla)
                            ),
                            _ => sla_label(time.sla),
                        }
                    ),
                    style,
                ),
            ])
        }
        _ => Line::from(vec![
            label("state"),
            Span::raw(display_safe(&place.describe_in_full())),
        ]),
    };
    lines.push(state);
    let (owner, problem) = owner_line(item, org);
    let owner = if problem {
        Span::styled(display_safe(&owner), theme.warning())
    } else {
        Span::raw(display_safe(&owner))
    };
    lines.push(Line::from(vec![label("owner"), owner]));
    if let Some(due) = item.due {
        lines.push(Line::from(vec![label("due"), Span::raw(local(app, due))]));
    }
    if !item.tags.is_empty() {
        lines.push(Line::from(vec![
            label("tags"),
            Span::raw(display_safe(&item.tags.join(", "))),
        ]));
    }
    if let Some(link) = &item.link {
        lines.push(Line::from(vec![
            label("link"),
            Span::raw(display_safe(link)),
        ]));
    }
    if let Some(body) = &item.body {
        lines.push(Line::raw(""));
        for l in display_safe_multiline(body).lines() {
            lines.push(Line::raw(l.to_string()));
        }
    }
    lines.extend(reasons_and_note(
        strings::NEEDS_ATTENTION,
        &detail.signals,
        item,
        theme,
    ));
    if let Some(limbo) = &item.limbo
        && !limbo.unticked.is_empty()
    {
        lines.push(Line::styled(
            format!(
                "  {} sent with unticked: {}",
                theme::INCOMPLETE,
                display_safe(&limbo.unticked.join("; "))
            ),
            theme.warning(),
        ));
    }
    let boundary = item.boundary().and_then(|(f, t)| org.boundary(f, t));
    if let Some(b) = boundary {
        lines.push(Line::raw(""));
        let mut heading = vec![Span::styled(
            format!("Contract {}", display_safe(&b.label())),
            theme.title(),
        )];
        if let Some(note) = incomplete_note(&b.contract) {
            heading.push(Span::styled(format!("  {note}"), theme.warning()));
        }
        lines.push(Line::from(heading));
        lines.extend(contract_lines(b, theme));
    } else if item.state == State::Active {
        let out: Vec<String> = org
            .boundaries_from(&item.team)
            .map(|b| display_safe(&b.to))
            .collect();
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            label("can go to"),
            Span::raw(if out.is_empty() {
                strings::NOWHERE_TO_GO.to_string()
            } else {
                out.join(", ")
            }),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(strings::HISTORY, theme.title()));
    for (event, text) in narrate(&detail.events, &app.zone) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}  ", local(app, event.at)), theme.dim()),
            Span::styled(
                format!("{:<12} ", fit(&display_safe(&event.actor), 12)),
                theme.dim(),
            ),
            Span::raw(display_safe(&text)),
        ]));
    }
    super::scrolled(lines, 0, inner, buf, app);
}

/// An item's attention signals under `heading`, then its handoff note when in limbo:
/// what the detail pane and triage both show.
pub(crate) fn reasons_and_note<'a>(
    heading: &'a str,
    signals: &[Signal],
    item: &Item,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if !signals.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(heading, theme.title()));
        for s in signals {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<19}", s.code.as_str()), theme.error()),
                Span::raw(display_safe(&s.reason)),
            ]));
        }
    }
    if let Some(limbo) = &item.limbo {
        lines.push(Line::raw(""));
        lines.push(Line::styled(strings::HANDOFF_NOTE, theme.title()));
        for l in display_safe_multiline(&limbo.note).lines() {
            lines.push(Line::raw(format!("  {l}")));
        }
    }
    lines
}
