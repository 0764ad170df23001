//! The board screen: the title line with the totals, the columns of cards (each
//! team's lane and the limbo columns between), the message or filter line, and the
//! keys line generated from the key map.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::theme::{self, Theme};
use super::{RenderRef, message_and_keys, put, strings};
use crate::domain::Item;
use crate::domain::attention::{DueStanding, due_standing, late_handoff};
use crate::domain::duration::format_duration;
use crate::domain::text::{display_safe, fit};
use crate::domain::view::{
    Responsible, contract_incomplete, contract_sla_label, crossing, limbo_time, responsible,
    sla_label,
};
use crate::tui::app::{App, CARD_ROWS, Screen};
use crate::tui::board::{Column, ColumnKind};
use crate::tui::keys::{Action, BINDINGS, Binding, Scope};

/// The board: title line, columns of cards, message line and keys.
pub(super) fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let board = &app.board;
    let t = board.totals;
    // Title line: totals that matter, then where the data lives.
    let mut title = vec![
        Span::styled(format!(" {} ", strings::APP), theme.title()),
        Span::raw(" "),
        Span::styled(
            format!("{} {} in limbo", theme::LIMBO, t.in_limbo),
            theme.limbo_header(),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("{} {} breached", theme::BREACHED, t.breached),
            if t.breached > 0 {
                theme.error()
            } else {
                theme.plain()
            },
        ),
        Span::raw(" · "),
        Span::styled(
            format!("{} {}", t.no_owner, theme::NO_OWNER),
            if t.no_owner > 0 {
                theme.warning()
            } else {
                theme.plain()
            },
        ),
        Span::raw(format!(" · {} open", t.open)),
    ];
    if !app.filter_text.is_empty() {
        title.push(Span::styled(
            format!("  filter: {}", display_safe(&app.filter_text)),
            theme.warning(),
        ));
    }
    if app.query.boundaries_only {
        title.push(Span::styled(
            format!("  {}", strings::BOUNDARIES_ONLY),
            theme.warning(),
        ));
    }
    let (left, right) = hidden_columns(app);
    if left + right > 0 {
        let total = app.board.columns.len();
        title.push(Span::styled(
            format!(
                "  {}columns {}–{} of {total}{}",
                if left > 0 { "◀ " } else { "" },
                left + 1,
                total - right,
                if right > 0 { " ▶" } else { "" }
            ),
            theme.key(),
        ));
    }
    let used: usize = title.iter().map(|s| s.content.width()).sum();
    let path = display_safe(&app.store.place());
    let room = usize::from(area.width).saturating_sub(used + 2);
    if room > 8 {
        let shown = if path.width() > room {
            let tail: String = path
                .chars()
                .rev()
                .scan(0, |w, c| {
                    *w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                    (*w < room).then_some(c)
                })
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("…{tail}")
        } else {
            path
        };
        title.push(Span::raw(" ".repeat(room - shown.width() + 1)));
        title.push(Span::styled(shown, theme.dim()));
    }
    Paragraph::new(Line::from(title)).render_ref(Rect { height: 1, ..area }, buf);

    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(3),
        ..area
    };
    if board.columns.is_empty() {
        let text = if board.org.teams.is_empty() {
            strings::EMPTY_BOARD.to_string()
        } else {
            strings::NO_COLUMNS.to_string()
        };
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .render_ref(body, buf);
    } else {
        render_columns(body, buf, app, theme, now);
    }

    // The filter line while it is typed, else the message; then the keys.
    let message_area = Rect {
        y: area.y + area.height - 2,
        height: 1,
        ..area
    };
    if let Some(input) = &app.filter_input {
        let line = Line::from(vec![
            Span::styled("/", theme.key()),
            Span::raw(display_safe(input)),
            Span::styled("▏", theme.key()),
            Span::styled(format!("   {}", strings::FILTER_HELP), theme.dim()),
        ]);
        Paragraph::new(line).render_ref(message_area, buf);
    }
    let keys = match app.screen {
        Screen::Board => board_keys(),
        Screen::Detail => strings::DETAIL_KEYS.to_string(),
        Screen::Help | Screen::Contracts | Screen::Triage | Screen::Metrics => {
            strings::SCROLL_KEYS.to_string()
        }
    };
    // While the filter is typed, it takes the message's line.
    let message = app.message.as_ref().filter(|_| app.filter_input.is_none());
    message_and_keys(area, buf, message, &keys, theme);
}

/// The board's bottom line, from the key map.
fn board_keys() -> String {
    // Help and quit first: on a narrow screen the line is cut at the right.
    let first = [Action::Help, Action::Quit];
    let main = BINDINGS.iter().filter(|b| b.main);
    let parts: Vec<String> = main
        .clone()
        .filter(|b| first.contains(&b.action))
        .chain(std::iter::once(&MOVE))
        .chain(main.filter(|b| !first.contains(&b.action)))
        .map(|b| format!("{} {}", b.label, short_help(b.help)))
        .collect();
    parts.join(" · ")
}

/// The arrows, as one entry on the bottom line.
const MOVE: Binding = Binding {
    keys: &[],
    label: "←→↑↓",
    action: Action::Up,
    help: "move",
    scope: Scope::Board,
    main: true,
};

/// The first word of a binding's help, for the bottom line.
fn short_help(help: &str) -> &str {
    help.split([':', ' ']).next().unwrap_or(help)
}

fn render_columns(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let columns = &app.board.columns;
    let mut x = area.x;
    for (i, w) in app.columns_from(app.first_column) {
        let w = w.min(area.x + area.width - x);
        let rect = Rect {
            x,
            y: area.y,
            width: w,
            height: area.height,
        };
        render_column(rect, buf, app, &columns[i], i == app.column, theme, now);
        x += w;
    }
}

/// How many columns are off screen to each side, for the title line.
fn hidden_columns(app: &App) -> (usize, usize) {
    let total = app.board.columns.len();
    let first = app.first_column.min(total.saturating_sub(1));
    let shown = app.visible_columns().min(total - first);
    (first, total - first - shown)
}

fn column_title(column: &Column, app: &App) -> String {
    match &column.kind {
        // Collapsed lanes show the short key; full ones the team's name.
        ColumnKind::Lane { team } if app.collapsed_lanes => team.clone(),
        ColumnKind::Lane { team } => app
            .board
            .org
            .team(team)
            .map_or_else(|| team.clone(), |t| t.name.clone()),
        ColumnKind::Limbo { from, to } => format!("{} {}", theme::LIMBO, crossing(from, to)),
        ColumnKind::Closed => strings::CLOSED_COLUMN.to_string(),
    }
}

fn render_column(
    area: Rect,
    buf: &mut Buffer,
    app: &App,
    column: &Column,
    selected: bool,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    // A one-cell gutter on the right separates columns.
    let inner = area.width.saturating_sub(1);
    for y in area.y..area.y + area.height {
        put(buf, area.x + inner, y, "│", 1, theme.dim());
    }
    let header_style = match (&column.kind, selected) {
        (_, true) => theme.selected_header(),
        (ColumnKind::Limbo { .. }, false) => theme.limbo_header(),
        _ => theme.lane_header(),
    };
    put(
        buf,
        area.x,
        area.y,
        &display_safe(&column_title(column, app)),
        inner,
        header_style,
    );
    let counts = match &column.kind {
        ColumnKind::Limbo { from, to } => {
            let org = &app.board.org;
            let sla = org
                .boundary(from, to)
                .map_or_else(|| sla_label(None), |b| contract_sla_label(&b.contract));
            let incomplete = contract_incomplete(org, from, to);
            let mut text = format!("{} waiting · {sla}", column.count);
            if column.breached > 0 {
                text = format!(
                    "{} waiting · {} {} · {sla}",
                    column.count,
                    theme::BREACHED,
                    column.breached
                );
            }
            if incomplete {
                text.push_str(&format!(" · {}", strings::CONTRACT_INCOMPLETE));
            }
            text
        }
        _ => plural(column.count, "item"),
    };
    let count_style = if column.breached > 0 {
        theme.error()
    } else {
        theme.dim()
    };
    put(buf, area.x, area.y + 1, &counts, inner, count_style);

    let cards_area_top = area.y + 2;
    let rows = usize::from(area.height.saturating_sub(2) / CARD_ROWS);
    if column.count == 0 {
        put(
            buf,
            area.x,
            cards_area_top,
            strings::EMPTY_COLUMN,
            inner,
            theme.dim(),
        );
        return;
    }
    let selected_row = app.rows.get(&column.kind).copied().unwrap_or(0);
    // Keep the selected card on screen: the window's top is the loaded window's start,
    // moved down when the selection is below what fits.
    let top = column
        .window_start
        .max(selected_row.saturating_sub(rows.saturating_sub(1)));
    for (slot, row) in (top..column.count).take(rows).enumerate() {
        let Some(item) = column.card(row) else {
            break;
        };
        let y = cards_area_top + slot as u16 * CARD_ROWS;
        let is_selected = selected && row == selected_row;
        render_card(
            Rect {
                x: area.x,
                y,
                width: inner,
                height: CARD_ROWS,
            },
            buf,
            app,
            item,
            is_selected,
            theme,
            now,
        );
    }
    if column.count > rows {
        // Say which part of a long column is on screen, at the header's right end.
        let range = format!(
            " {}–{}/{}",
            top + 1,
            (top + rows).min(column.count),
            column.count
        );
        let w = range.width() as u16;
        if w < inner {
            put(buf, area.x + inner - w, area.y + 1, &range, w, theme.key());
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn render_card(
    area: Rect,
    buf: &mut Buffer,
    app: &App,
    item: &Item,
    selected: bool,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let width = usize::from(area.width);
    let id = format!("#{} ", item.id);
    let title = display_safe(&item.title);
    let base = if selected {
        theme.selected()
    } else {
        theme.plain()
    };
    let line1 = Line::from(vec![
        Span::styled(id.clone(), if selected { base } else { theme.dim() }),
        Span::styled(fit(&title, width.saturating_sub(id.width())), base),
    ]);
    Paragraph::new(line1).render_ref(Rect { height: 1, ..area }, buf);

    let mut spans: Vec<Span> = vec![Span::styled("  ", base)];
    if let Some(time) = limbo_time(item, &app.board.org, now) {
        let (style, symbol) = theme.sla(time.standing);
        let sla = time.sla_text().map_or(String::new(), |s| format!("/{s}"));
        spans.push(Span::styled(
            format!("{symbol} {}{sla} ", time.counted(time.used)),
            if selected { base } else { style },
        ));
    }
    let who = responsible(item, &app.board.org);
    let owner = match who {
        Responsible::Owner(name) => Some(display_safe(name)),
        Responsible::NextOwner(name) => Some(format!("→{}", display_safe(name))),
        Responsible::Nobody => None,
    };
    if let Some(o) = owner {
        spans.push(Span::styled(format!("{o} "), base));
    }
    // The same rule as the `no-owner` signal.
    if item.state.is_open() && who == Responsible::Nobody {
        spans.push(Span::styled(
            format!("{} ", theme::NO_OWNER),
            if selected { base } else { theme.warning() },
        ));
    }
    let mark = |text: &str, style: Style| {
        Span::styled(format!("{text} "), if selected { base } else { style })
    };
    if item.escalation.is_some() {
        spans.push(mark(theme::ESCALATED, theme.error()));
    }
    if !item.incomplete_handoff.is_empty() {
        spans.push(mark(theme::INCOMPLETE, theme.warning()));
    }
    if app.board.duplicate_of(item.id).is_some() {
        spans.push(mark(theme::DUPLICATE, theme.warning()));
    }
    if late_handoff(item, &app.board.org, &Utc).is_some() {
        spans.push(mark(theme::LATE, theme.warning()));
    }
    if let Some(due) = item.due.filter(|_| item.state.is_open()) {
        match due_standing(due, now) {
            Some(DueStanding::Overdue) => spans.push(mark("overdue", theme.error())),
            Some(DueStanding::Soon) => spans.push(mark(
                &format!("due {}", format_duration(due.signed_duration_since(now))),
                theme.warning(),
            )),
            None => {}
        }
    }
    if !item.state.is_open() {
        spans.push(mark(item.state.as_str(), theme.dim()));
    }
    // Cut the second line to the card's width, span by span.
    let mut used = 0;
    let mut fitted = Vec::new();
    for span in spans {
        let w = span.content.width();
        if used + w > width {
            let rest = width.saturating_sub(used);
            if rest > 0 {
                fitted.push(Span::styled(fit(&span.content, rest), span.style));
            }
            used = width;
            break;
        }
        used += w;
        fitted.push(span);
    }
    if selected && used < width {
        fitted.push(Span::styled(" ".repeat(width - used), base));
    }
    Paragraph::new(Line::from(fitted)).render_ref(
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
        buf,
    );
}
