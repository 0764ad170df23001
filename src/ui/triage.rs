//! The standup triage screen: one item at a time, its reasons, its contract, its note
//! and latest events; then the summary of what was decided.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::contracts::contract_lines;
use super::detail::reasons_and_note;
use super::theme::Theme;
use super::{RenderRef, local, message_and_keys, strings};
use crate::domain::duration::format_duration;
use crate::domain::history::narrate;
use crate::domain::rules::describe_state;
use crate::domain::text::{display_safe, fit};
use crate::domain::view::{Responsible, limbo_time, responsible};
use crate::tui::app::App;
use crate::tui::triage::Triage;

pub fn render(
    area: Rect,
    buf: &mut Buffer,
    app: &App,
    triage: &Triage,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let (at, total) = triage.progress();
    let elapsed = format_duration(triage.elapsed(now).max(chrono::Duration::zero()));
    let heading = if triage.finished {
        let walked = triage.visited.len();
        format!(
            " Standup triage · over: {walked} walked, {} not reached · took {elapsed}",
            total - walked
        )
    } else {
        format!(" Standup triage · {at} / {total} · elapsed {elapsed}")
    };
    let title = Line::from(vec![
        Span::styled(heading, theme.title()),
        Span::styled(
            format!(
                "   {} decided",
                triage
                    .decisions
                    .iter()
                    .filter(|d| d.decision != "skipped")
                    .count()
            ),
            theme.dim(),
        ),
    ]);
    Paragraph::new(title).render_ref(Rect { height: 1, ..area }, buf);
    let body = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(4),
        ..area
    };
    let keys = match (&triage.current, triage.finished) {
        (Some(current), false) => {
            render_item(body, buf, app, current, theme, now);
            strings::TRIAGE_KEYS
        }
        _ => {
            render_summary(body, buf, triage, theme);
            strings::SUMMARY_KEYS
        }
    };
    message_and_keys(area, buf, app.message.as_ref(), keys, theme);
}

fn render_item(
    area: Rect,
    buf: &mut Buffer,
    app: &App,
    current: &crate::tui::triage::Current,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let item = &current.item;
    let org = &app.board.org;
    let mut left: Vec<Line> = vec![Line::styled(
        format!("#{} {}", item.id, display_safe(&item.title)),
        theme.title(),
    )];
    let mut state = vec![Span::raw(display_safe(&describe_state(item)))];
    if let Some(time) = limbo_time(item, org, now) {
        let (style, symbol) = theme.sla(time.standing);
        state.push(Span::styled(
            format!(" for {} {symbol}", format_duration(time.age)),
            style,
        ));
    }
    left.push(Line::from(state));
    let owner = match responsible(item, org) {
        Responsible::Owner(name) => format!("owner {}", display_safe(name)),
        other => display_safe(&other.describe()),
    };
    left.push(Line::raw(owner));
    if let Some(due) = item.due {
        left.push(Line::raw(format!("due {}", local(app, due))));
    }
    left.extend(reasons_and_note(
        strings::WHY_ATTENTION,
        &current.signals,
        item,
        theme,
    ));
    let mut right: Vec<Line> = Vec::new();
    let boundary = item
        .governing_boundary()
        .and_then(|(from, to)| org.boundary(from, to));
    if let Some(b) = boundary {
        right.push(Line::styled(
            format!("Contract {}", display_safe(&b.label())),
            theme.title(),
        ));
        right.extend(contract_lines(b, theme));
        right.push(Line::raw(""));
    }
    right.push(Line::styled(strings::LATEST_EVENTS, theme.title()));
    let story = narrate(&current.events, &app.zone);
    let recent = &story[story
        .len()
        .saturating_sub(crate::tui::triage::RECENT_EVENTS)..];
    for (event, text) in recent {
        right.push(Line::from(vec![
            Span::styled(format!("  {} ", local(app, event.at)), theme.dim()),
            Span::raw(display_safe(text)),
        ]));
    }
    if area.width >= 110 {
        let half = area.width / 2;
        Paragraph::new(left).wrap(Wrap { trim: false }).render_ref(
            Rect {
                width: half - 1,
                ..area
            },
            buf,
        );
        Paragraph::new(right).wrap(Wrap { trim: false }).render_ref(
            Rect {
                x: area.x + half + 1,
                width: area.width - half - 1,
                ..area
            },
            buf,
        );
    } else {
        left.push(Line::raw(""));
        left.extend(right);
        Paragraph::new(left)
            .wrap(Wrap { trim: false })
            .render_ref(area, buf);
    }
}

fn render_summary(area: Rect, buf: &mut Buffer, triage: &Triage, theme: &Theme) {
    let mut lines = vec![Line::styled(strings::DECIDED, theme.title())];
    if triage.decisions.is_empty() {
        lines.push(Line::raw(strings::NOTHING_WALKED));
    }
    let width = usize::from(area.width);
    for d in &triage.decisions {
        let head = format!("  #{:<5} {:<22} ", d.id, fit(&d.decision, 22));
        let rest = width.saturating_sub(head.chars().count());
        lines.push(Line::from(vec![
            Span::styled(head, theme.key()),
            Span::raw(fit(
                &display_safe(&format!("{} — {}", d.outcome, d.title)),
                rest,
            )),
        ]));
    }
    Paragraph::new(lines).render_ref(area, buf);
}
