//! The standup triage screen: one item at a time, its reasons, its contract, its note
//! and latest events; then the summary of what was decided.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::contracts::contract_lines;
use super::detail::reasons_and_note;
use super::theme::Theme;
use super::{RenderRef, local, message_and_keys, strings};
use crate::domain::attention::can_be_dismissed;
use crate::domain::duration::format_duration;
use crate::domain::history::narrate;
use crate::domain::rules::{Move, describe_state, permits};
use crate::domain::standup::SKIPPED;
use crate::domain::standup::by_team;
use crate::domain::text::display_safe;
use crate::domain::view::{Responsible, limbo_time, responsible};
use crate::tui::app::App;
use crate::tui::triage::{Current, Triage};

pub fn render(
    area: Rect,
    buf: &mut Buffer,
    app: &App,
    triage: &Triage,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let (at, total) = triage.progress();
    let clock = |d: chrono::Duration| {
        let s = d.num_seconds().max(0);
        format!("{}:{:02}", s / 60, s % 60)
    };
    let standup = chrono::Duration::minutes(crate::tui::triage::STANDUP_MINUTES);
    let decided = triage
        .decisions
        .iter()
        .filter(|d| d.decision != SKIPPED)
        .count();
    let heading = if triage.finished {
        format!(
            " Standup triage · over: {} walked, {} not reached · took {}",
            triage.visited.len(),
            triage.not_reached().len(),
            clock(triage.elapsed(now))
        )
    } else {
        let team = triage
            .team_turn()
            .map(|(t, at, of)| format!(" · {} {at}/{of}", display_safe(t)))
            .unwrap_or_default();
        format!(
            " Standup triage {at}/{total}{team} · item {}/{} · total {}/{}",
            clock(triage.item_elapsed(now)),
            clock(triage.timebox),
            clock(triage.elapsed(now)),
            clock(standup)
        )
    };
    let tally = format!(" · {decided} decided");
    // At 80 columns the whole heading does not fit: the clocks matter more than the
    // words "Standup triage" (the screen is plainly triage).
    let heading = if heading.chars().count() + tally.chars().count() > usize::from(area.width) {
        heading.replacen(" Standup triage", " Triage", 1)
    } else {
        heading
    };
    let title = Line::from(vec![
        Span::styled(heading, theme.title()),
        Span::styled(tally, theme.dim()),
    ]);
    Paragraph::new(title).render_ref(Rect { height: 1, ..area }, buf);
    // The clock's verdict, under the heading, without a keypress.
    if !triage.finished {
        let up = if triage.total_time_up(now) {
            Some(strings::TOTAL_TIME_UP)
        } else if triage.item_time_up(now) {
            Some(strings::ITEM_TIME_UP)
        } else {
            None
        };
        if let Some(text) = up {
            Paragraph::new(Line::styled(format!(" {text}"), theme.error())).render_ref(
                Rect {
                    y: area.y + 1,
                    height: 1,
                    ..area
                },
                buf,
            );
        }
    }
    let body = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(5),
        ..area
    };
    let (keys, more) = match (&triage.current, triage.finished) {
        (Some(current), false) => {
            render_item(body, buf, app, current, theme, now);
            (decision_keys(current), Some(strings::TRIAGE_MORE_KEYS))
        }
        _ => {
            render_summary(body, buf, app, triage, theme);
            (strings::SUMMARY_KEYS.to_string(), None)
        }
    };
    // Decisions on the line above the message, the rest on the last line.
    let bottom = area.y + area.height;
    match more {
        Some(more) => {
            Paragraph::new(Line::styled(keys, theme.dim())).render_ref(
                Rect {
                    y: bottom.saturating_sub(3),
                    height: 1,
                    ..area
                },
                buf,
            );
            message_and_keys(area, buf, app.message.as_ref(), more, theme);
        }
        None => message_and_keys(area, buf, app.message.as_ref(), &keys, theme),
    }
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
        // Two columns side by side, which do not scroll.
        app.scroll_end.set(0);
        let half = area.width / 2;
        Paragraph::new(super::wrap::hanging(left, half - 1)).render_ref(
            Rect {
                width: half - 1,
                ..area
            },
            buf,
        );
        let width = area.width - half - 1;
        Paragraph::new(super::wrap::hanging(right, width)).render_ref(
            Rect {
                x: area.x + half + 1,
                width,
                ..area
            },
            buf,
        );
    } else {
        // One column: ↑↓ scroll it when it does not fit.
        left.push(Line::raw(""));
        left.extend(right);
        super::scrolled(left, 0, area, buf, app);
    }
}

fn render_summary(area: Rect, buf: &mut Buffer, app: &App, triage: &Triage, theme: &Theme) {
    let mut lines = vec![Line::styled(strings::DECIDED, theme.title())];
    if triage.decisions.is_empty() {
        lines.push(Line::raw(strings::NOTHING_WALKED));
    }
    // Every decision in full: the reason, note, contact, target or date as recorded;
    // under each team's name when the walk went team by team.
    for (team, decisions) in by_team(&triage.decisions) {
        if let Some(team) = team {
            lines.push(Line::styled(
                format!(" {}", display_safe(team)),
                theme.title(),
            ));
        }
        for d in decisions {
            lines.push(Line::from(vec![
                Span::styled(format!("  #{:<5} ", d.id), theme.key()),
                Span::raw(display_safe(&d.title)),
            ]));
            lines.push(Line::from(vec![
                Span::raw("         "),
                Span::styled(display_safe(&d.decision), theme.key()),
                Span::styled(format!(" → {}", display_safe(&d.outcome)), theme.dim()),
            ]));
        }
    }
    let not_reached = triage.not_reached();
    if !not_reached.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{} ({})", strings::NOT_REACHED, not_reached.len()),
            theme.title(),
        ));
        for (id, title) in &not_reached {
            lines.push(Line::raw(format!("  #{id:<5} {}", display_safe(title))));
        }
    }
    super::scrolled(lines, 0, area, buf, app);
}

/// The decision keys that apply to the item: one the rules would refuse (accept on an
/// item a team holds, tick with nothing left to tick, dismiss with only facts) is not
/// offered, in the order of [`strings::TRIAGE_KEYS`].
fn decision_keys(current: &Current) -> String {
    let item = &current.item;
    let applies = |key: &str| match key {
        "a" => permits(item, Move::Accept).is_ok(),
        "b" => permits(item, Move::Bounce).is_ok(),
        "M" => permits(item, Move::Merge).is_ok(),
        "X" => current.signals.iter().any(|s| can_be_dismissed(s.code)),
        "T" => permits(item, Move::Tick).is_ok() && !item.incomplete_handoff.is_empty(),
        "E" => permits(item, Move::Escalate).is_ok(),
        "o" => permits(item, Move::Owner).is_ok(),
        _ => true,
    };
    strings::TRIAGE_KEYS
        .split(" · ")
        .filter(|entry| entry.split(' ').next().is_some_and(applies))
        .collect::<Vec<_>>()
        .join(" · ")
}
