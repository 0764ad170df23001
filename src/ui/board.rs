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
use crate::domain::attention::SignalCode;
use crate::domain::duration::format_duration;
use crate::domain::text::{display_safe, fit};
use crate::domain::view::{
    Responsible, contract_incomplete, contract_sla_label, crossing, limbo_time, responsible,
    signal_codes, sla_label,
};
use crate::tui::app::{App, OverviewLine, Screen};
use crate::tui::board::{Column, ColumnKind};
use crate::tui::keys::{Action, BINDINGS, Binding, Scope};

/// The board: title line, columns of cards, message line and keys.
pub(super) fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let board = &app.board;
    let t = board.totals;
    // Title line: totals that matter, then where the data lives. Each part has a short
    // form; where the long ones do not fit, the least needed are shortened first, so
    // the filter and which columns are shown are never cut.
    struct Part {
        long: String,
        short: String,
        style: Style,
        /// Parts of a group are shortened together; groups in this order.
        group: u8,
    }
    const POSITION: u8 = 0;
    const BOUNDARIES: u8 = 1;
    const COUNTS: u8 = 2;
    const HIDDEN: u8 = 3;
    const FILTER: u8 = 4;
    let part = |long: String, short: String, style: Style, group: u8| Part {
        long,
        short,
        style,
        group,
    };
    let warn_if = |n: usize, style: Style| if n > 0 { style } else { theme.plain() };
    let mut parts = vec![
        part(
            format!("{} {} in limbo", theme::LIMBO, t.in_limbo),
            format!("{}{}", theme::LIMBO, t.in_limbo),
            theme.limbo_header(),
            COUNTS,
        ),
        part(
            format!(" · {} {} breached", theme::BREACHED, t.breached),
            format!(" · {}{}", theme::BREACHED, t.breached),
            warn_if(t.breached, theme.error()),
            COUNTS,
        ),
        part(
            format!(" · {} {}", t.no_owner, theme::NO_OWNER),
            format!(" · ∅{}", t.no_owner),
            warn_if(t.no_owner, theme.warning()),
            COUNTS,
        ),
        part(
            format!(" · {} open", t.open),
            format!(" · {} open", t.open),
            theme.plain(),
            COUNTS,
        ),
    ];
    if board.hidden > 0 {
        parts.push(part(
            format!(" · {} {}", board.hidden, strings::COLUMNS_HIDDEN),
            format!(" · {} hidden", board.hidden),
            theme.warning(),
            HIDDEN,
        ));
    }
    if !app.filter_text.is_empty() {
        let filter = format!("  filter: {}", display_safe(&app.filter_text));
        parts.push(part(filter.clone(), filter, theme.warning(), FILTER));
    }
    if app.query.boundaries_only {
        parts.push(part(
            format!("  {}", strings::BOUNDARIES_ONLY),
            format!("  {}", strings::BOUNDARIES_ONLY_SHORT),
            theme.warning(),
            BOUNDARIES,
        ));
    }
    let (left, right) = hidden_columns(app);
    if left + right > 0 {
        let total = app.board.columns.len();
        let (shown, before, after) = (
            format!("{}–{}", left + 1, total - right),
            if left > 0 { "◀ " } else { "" },
            if right > 0 { " ▶" } else { "" },
        );
        // Where the words do not fit, the arrows still say which way the rest are.
        parts.push(part(
            format!("  {before}columns {shown} of {total}{after}"),
            format!("  {before}{shown}/{total}{after}"),
            theme.key(),
            POSITION,
        ));
    }
    let app_name = format!(" {} ", strings::APP);
    let fixed = app_name.width() + 1;
    let width = |shortened: u8| -> usize {
        let text = |p: &Part| {
            if p.group < shortened {
                p.short.width()
            } else {
                p.long.width()
            }
        };
        fixed + parts.iter().map(text).sum::<usize>()
    };
    // The groups before `shortened` take their short forms: as few as make it fit.
    let shortened = (0..=FILTER + 1)
        .find(|&g| width(g) <= usize::from(area.width))
        .unwrap_or(FILTER + 1);
    let mut texts: Vec<(String, Style, u8)> = parts
        .into_iter()
        .map(|p| {
            let text = if p.group < shortened { p.short } else { p.long };
            (text, p.style, p.group)
        })
        .collect();
    // Still too wide in short forms: the hidden columns' count goes, then the open and
    // no-owner counts, so the filter and the columns shown stay whole.
    let wide = |texts: &[(String, Style, u8)]| {
        fixed + texts.iter().map(|(t, ..)| t.width()).sum::<usize>() > usize::from(area.width)
    };
    for drop in [HIDDEN, COUNTS, COUNTS] {
        if !wide(&texts) {
            break;
        }
        if let Some(at) = texts.iter().rposition(|(_, _, g)| *g == drop) {
            // Of the counts, never the first two (in limbo, breached).
            if drop != COUNTS || texts.iter().filter(|(_, _, g)| *g == COUNTS).count() > 2 {
                texts.remove(at);
            }
        }
    }
    let mut title = vec![Span::styled(app_name, theme.title()), Span::raw(" ")];
    for (text, style, _) in texts {
        title.push(Span::styled(text, style));
    }
    let used: usize = title.iter().map(|s| s.content.width()).sum();
    let path = if app.throwaway {
        strings::THROWAWAY_PLACE.to_string()
    } else {
        display_safe(&app.store.place())
    };
    let room = usize::from(area.width).saturating_sub(used + 2);
    // Where the data lives, its end when cut; the throwaway words whole or not at all.
    if room > 8 && (!app.throwaway || path.width() <= room) {
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
    put_line(buf, Rect { height: 1, ..area }, Line::from(title));

    let overview = app.overview_rows().min(area.height.saturating_sub(4));
    if overview > 0 {
        render_overview(
            Rect {
                y: area.y + 1,
                height: overview,
                ..area
            },
            buf,
            app,
            theme,
            now,
        );
    }
    let body = Rect {
        y: area.y + 1 + overview,
        height: area.height.saturating_sub(3 + overview),
        ..area
    };
    if board.columns.is_empty() {
        let text = if board.org.teams.is_empty() {
            strings::EMPTY_BOARD
        } else if !app.filter_text.is_empty() {
            strings::NO_MATCH
        } else if app.query.boundaries_only && board.org.boundaries.is_empty() {
            strings::NO_BOUNDARIES
        } else if app.query.boundaries_only {
            strings::NO_BOUNDARY_COLUMNS
        } else {
            strings::NO_COLUMNS
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
    // With nothing to say, the line shows the selected card's full title (cards cut
    // long ones), plain: not the green of a change that went through.
    if message.is_none()
        && app.filter_input.is_none()
        && app.screen == Screen::Board
        && let Some(item) = app.selected()
    {
        let text = format!("#{} {}", item.id, display_safe(&item.title));
        put(
            buf,
            area.x,
            message_area.y,
            &text,
            area.width,
            theme.plain(),
        );
    }
}

/// One line of spans in the first row of `area`, cut at its width: what a one-line
/// `Paragraph` draws, without its line composer (the board draws some 150 of these a
/// frame).
fn put_line(buf: &mut Buffer, area: Rect, line: Line) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    buf.set_line(area.x, area.y, &line, area.width);
}

/// The board's bottom line, from the key map.
fn board_keys() -> String {
    // Help, quit, filter and triage first (a standup needs the last two at once): on
    // a narrow screen the line is cut at the right.
    let first = [Action::Help, Action::Quit, Action::Filter, Action::Triage];
    let main = || BINDINGS.iter().filter(|b| b.main);
    let parts: Vec<String> = first
        .iter()
        .filter_map(|action| main().find(|b| b.action == *action))
        .chain(std::iter::once(&MOVE))
        .chain(main().filter(|b| !first.contains(&b.action)))
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
            // The full words when they fit, else the short ones: the breaches and an
            // incomplete contract are never the part cut off.
            let words = |waiting: &str, contract: &str| {
                let mut parts = vec![format!("{}{waiting}", column.count)];
                if column.breached > 0 {
                    parts.push(format!("{} {}", theme::BREACHED, column.breached));
                }
                parts.push(sla.clone());
                if incomplete {
                    parts.push(contract.to_string());
                }
                parts.join(" · ")
            };
            let full = words(" waiting", strings::CONTRACT_INCOMPLETE);
            if full.width() <= usize::from(inner) {
                full
            } else {
                words("", strings::CONTRACT_INCOMPLETE_SHORT)
            }
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
    let card_rows = app.card_rows();
    let rows = usize::from(area.height.saturating_sub(2) / card_rows);
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
    // Keep the selected card on screen (the mouse finds cards by the same rule).
    let index = app
        .board
        .columns
        .iter()
        .position(|c| c.kind == column.kind)
        .unwrap_or(0);
    let top = app.first_card_shown(index);
    let selected_row = app.rows.get(&column.kind).copied().unwrap_or(0);
    for (slot, row) in (top..column.count).take(rows).enumerate() {
        let Some(item) = column.card(row) else {
            break;
        };
        let y = cards_area_top + slot as u16 * card_rows;
        let is_selected = selected && row == selected_row;
        render_card(
            Rect {
                x: area.x,
                y,
                width: inner,
                height: card_rows,
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

/// One mark on a card: never cut; its short form when the full ones do not fit.
struct Mark {
    full: String,
    short: String,
    style: Style,
}

/// A card's marks, most urgent first: its clock against the SLA in limbo, then one per
/// signal it raises (the rules of [`signal_codes`], drawn by [`theme::signal_mark`]).
fn card_marks(app: &App, item: &Item, theme: &Theme, now: DateTime<Utc>) -> Vec<Mark> {
    let org = &app.board.org;
    let mut marks = Vec::new();
    if let Some(time) = limbo_time(item, org, now) {
        let (style, symbol) = theme.sla(time.standing);
        // With a calendar, the working time used of the SLA in working days.
        let age = time.counted(time.used);
        let sla = time.sla_text().map_or(String::new(), |s| format!("/{s}"));
        marks.push(Mark {
            full: format!("{symbol} {age}{sla}"),
            short: format!("{symbol}{}", first_unit(&age)),
            style,
        });
    }
    let duplicate = app.board.duplicate_of(item.id).is_some();
    for code in signal_codes(item, org, now, duplicate, &app.zone) {
        let Some((full, short, tone)) = theme::signal_mark(code) else {
            continue;
        };
        let (full, short) = match (code, item.due) {
            (SignalCode::DueSoon, Some(due)) => {
                let left = format_duration(due.signed_duration_since(now));
                (
                    format!("{full} {left}"),
                    format!("{short} {}", first_unit(&left)),
                )
            }
            (SignalCode::Overdue, Some(due)) => {
                let past = format_duration(now.signed_duration_since(due));
                (format!("{full} {}", first_unit(&past)), short.to_string())
            }
            _ => (full.to_string(), short.to_string()),
        };
        marks.push(Mark {
            full,
            short,
            style: theme.tone(tone),
        });
    }
    if !item.state.is_open() {
        let state = item.state.as_str().to_string();
        marks.push(Mark {
            full: state.clone(),
            short: state,
            style: theme.dim(),
        });
    }
    marks
}

/// `4d 17h` → `4d`.
fn first_unit(duration: &str) -> &str {
    duration.split(' ').next().unwrap_or(duration)
}

/// The fewest characters of a title a card keeps beside marks moved up to its line.
const MIN_TITLE: usize = 6;

/// Where a card's marks go, from their widths: as many as fit on the second line
/// (`room2` wide), the rest at the end of the first (`room1` wide at most). Returns
/// whether the short forms are used and how many marks stay on the second line.
/// Marks are separated by one space.
pub(crate) fn place_marks(
    full: &[usize],
    short: &[usize],
    room2: usize,
    room1: usize,
) -> (bool, usize) {
    let joined = |w: &[usize]| w.iter().sum::<usize>() + w.len().saturating_sub(1);
    let split = |widths: &[usize]| {
        let mut n = 0;
        while n < widths.len() && joined(&widths[..=n]) <= room2 {
            n += 1;
        }
        n
    };
    for (is_short, widths) in [(false, full), (true, short)] {
        let n = split(widths);
        let rest = joined(&widths[n..]);
        if rest == 0 || rest < room1 {
            return (is_short, n);
        }
    }
    (true, split(short))
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
    let styled = |style: Style| if selected { base } else { style };
    let marks = card_marks(app, item, theme, now);
    let full: Vec<usize> = marks.iter().map(|m| m.full.width()).collect();
    let short: Vec<usize> = marks.iter().map(|m| m.short.width()).collect();
    let indent = 2;
    let room1 = width.saturating_sub(id.width() + MIN_TITLE);
    let (use_short, on_line2) = place_marks(&full, &short, width.saturating_sub(indent), room1);
    let text = |m: &Mark| {
        if use_short {
            m.short.clone()
        } else {
            m.full.clone()
        }
    };

    // Line 1: id, the title in what the marks leave, marks that did not fit below.
    let up: Vec<&Mark> = marks[on_line2..].iter().collect();
    let up_width: usize = up.iter().map(|m| text(m).width() + 1).sum();
    let title_room = width.saturating_sub(id.width() + up_width);
    // A tall card gives the title a second line, under where it starts.
    let tall = area.height >= 3;
    let (first, rest) = if tall {
        split_at_word(&title, title_room)
    } else {
        (fit(&title, title_room), String::new())
    };
    let mut line1 = vec![
        Span::styled(id.clone(), styled(theme.dim())),
        Span::styled(first, base),
    ];
    let used1: usize = line1.iter().map(|s| s.content.width()).sum();
    line1.push(Span::styled(
        " ".repeat(width.saturating_sub(used1 + up_width)),
        base,
    ));
    for m in &up {
        line1.push(Span::styled(format!(" {}", text(m)), styled(m.style)));
    }
    put_line(buf, Rect { height: 1, ..area }, Line::from(line1));
    // A title that fits on one line has its marks under it, and a blank line after.
    let marks_y = if tall && !rest.is_empty() {
        let shown = fit(&rest, width.saturating_sub(id.width()));
        let pad = width.saturating_sub(id.width() + shown.width());
        let line2 = Line::from(vec![
            Span::styled(" ".repeat(id.width()), base),
            Span::styled(shown, base),
            Span::styled(" ".repeat(pad), base),
        ]);
        put_line(
            buf,
            Rect {
                y: area.y + 1,
                height: 1,
                ..area
            },
            line2,
        );
        area.y + 2
    } else {
        area.y + 1
    };

    // Line 2: the marks, then who is responsible in what is left.
    let mut spans: Vec<Span> = vec![Span::styled(" ".repeat(indent), base)];
    let mut used = indent;
    for (n, m) in marks[..on_line2].iter().enumerate() {
        let t = if n == 0 {
            text(m)
        } else {
            format!(" {}", text(m))
        };
        used += t.width();
        spans.push(Span::styled(t, styled(m.style)));
    }
    // Who, with the least of it worth showing: four columns of a name.
    let who = match responsible(item, &app.board.org) {
        Responsible::Owner(name) => Some((display_safe(name), 4)),
        Responsible::NextOwner(name) => Some((
            format!("{} {}", theme::NEXT_OWNER, display_safe(name)),
            theme::NEXT_OWNER.width() + 5,
        )),
        Responsible::Nobody => None,
    };
    if let Some((who, least)) = who {
        let gap = usize::from(used > indent);
        let room = width.saturating_sub(used + gap);
        if room >= least {
            let shown = fit(&who, room);
            used += gap + shown.width();
            spans.push(Span::styled(format!("{}{shown}", " ".repeat(gap)), base));
        }
    }
    if selected && used < width {
        spans.push(Span::styled(" ".repeat(width - used), base));
    }
    put_line(
        buf,
        Rect {
            y: marks_y,
            height: 1,
            ..area
        },
        Line::from(spans),
    );
}

/// The overview: one line a boundary with items in limbo, worst first, each with its
/// count, breaches and the item that has waited longest (its marks, then its title);
/// after the breached boundaries, a line for each of the worst items held in the lanes
/// (overdue, escalated). See [`App::overview_lines`].
fn render_overview(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let columns = &app.board.columns;
    let lines = app.overview_lines();
    let names: Vec<String> = lines
        .iter()
        .map(|line| match line {
            OverviewLine::Limbo(i) => match &columns[*i].kind {
                ColumnKind::Limbo { from, to } => {
                    format!("{} {}", theme::LIMBO, display_safe(&crossing(from, to)))
                }
                _ => String::new(),
            },
            OverviewLine::Held(at) => app
                .board
                .held
                .get(*at)
                .map(|item| format!("{} {}", theme::HELD, display_safe(&item.team)))
                .unwrap_or_default(),
            OverviewLine::More(_) => String::new(),
        })
        .collect();
    let name_width = names
        .iter()
        .map(|n| n.width())
        .max()
        .unwrap_or(0)
        .min(usize::from(area.width) / 3);
    let width = usize::from(area.width);
    // On a narrow screen the counts lose their words and the marks take their short
    // forms, so that no mark is cut.
    let compact = width < 64;
    for (slot, (line, name)) in lines
        .iter()
        .zip(&names)
        .take(usize::from(area.height))
        .enumerate()
    {
        let y = area.y + slot as u16;
        let row = Rect {
            y,
            height: 1,
            ..area
        };
        let name = fit(name, name_width);
        let pad = " ".repeat(name_width.saturating_sub(name.width()));
        let (column, head, count, breached, style) = match line {
            OverviewLine::More(more) => {
                let text = format!(
                    "  {} {more} {}",
                    theme::LIMBO,
                    if app.query.boundaries_only {
                        strings::OVERVIEW_MORE_ON_BOARD
                    } else {
                        strings::OVERVIEW_MORE
                    }
                );
                put(buf, area.x, y, &text, area.width, theme.dim());
                continue;
            }
            OverviewLine::Limbo(i) => {
                let column = &columns[*i];
                let count = if compact {
                    format!("{:>2}", column.count)
                } else {
                    format!("{:>3} waiting", column.count)
                };
                let breached = match (column.breached, compact) {
                    (0, true) => "    ".to_string(),
                    (0, false) => "      ".to_string(),
                    (n, true) => format!(" {}{n:<2}", theme::BREACHED),
                    (n, false) => format!(" {} {n:<3}", theme::BREACHED),
                };
                (
                    Some(*i),
                    column.head.as_ref(),
                    count,
                    breached,
                    theme.limbo_header(),
                )
            }
            OverviewLine::Held(at) => {
                let held = app.board.held.get(*at);
                let column = held.and_then(|item| {
                    columns.iter().position(
                        |c| matches!(&c.kind, ColumnKind::Lane { team } if *team == item.team),
                    )
                });
                let count = if compact {
                    " ".repeat(2)
                } else {
                    format!("{:<11}", strings::OVERVIEW_HELD)
                };
                let blank = if compact { 4 } else { 6 };
                (column, held, count, " ".repeat(blank), theme.title())
            }
        };
        let pointer = if column == Some(app.column) {
            "▸"
        } else {
            " "
        };
        let mut spans = vec![
            Span::styled(pointer, theme.key()),
            Span::styled(format!("{name}{pad} "), style),
            Span::raw(count),
            Span::styled(breached, theme.error()),
        ];
        if let Some(head) = head {
            spans.push(Span::styled(format!(" #{} ", head.id), theme.dim()));
            for mark in card_marks(app, head, theme, now) {
                let text = if compact { mark.short } else { mark.full };
                spans.push(Span::styled(format!("{text} "), mark.style));
            }
            let used: usize = spans.iter().map(|s| s.content.width()).sum();
            spans.push(Span::raw(fit(
                &display_safe(&head.title),
                width.saturating_sub(used),
            )));
        }
        put_line(buf, row, Line::from(spans));
    }
}

/// `text` cut into what fits in `room` columns, at a word's end where one is, and the
/// rest (the whole when it fits: no rest).
fn split_at_word(text: &str, room: usize) -> (String, String) {
    if text.width() <= room {
        return (text.to_string(), String::new());
    }
    let mut width = 0;
    let mut cut = 0;
    let mut last_space = None;
    for (at, c) in text.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width + w > room {
            break;
        }
        width += w;
        cut = at + c.len_utf8();
        if c == ' ' {
            last_space = Some(at);
        }
    }
    let end = last_space.filter(|&at| at > 0).unwrap_or(cut);
    (
        text[..end].trim_end().to_string(),
        text[end..].trim_start().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::{place_marks, split_at_word};

    #[test]
    fn a_tall_cards_title_breaks_after_a_word() {
        let split = split_at_word;
        assert_eq!(
            split("Contoso — 400-seat expansion", 22),
            ("Contoso — 400-seat".into(), "expansion".into())
        );
        // It fits: no rest.
        assert_eq!(
            split("Quiet item", 22),
            ("Quiet item".into(), String::new())
        );
        // One long word is cut where the room ends.
        assert_eq!(
            split("Supercalifragilistic", 8),
            ("Supercal".into(), "ifragilistic".into())
        );
        // Wide characters count two columns.
        assert_eq!(
            split("日本語 テキスト", 7),
            ("日本語".into(), "テキスト".into())
        );
        assert_eq!(split("", 5), (String::new(), String::new()));
    }

    #[test]
    fn marks_fill_the_second_line_then_move_up_then_shorten() {
        // (full widths, short widths, room on line 2, room for marks on line 1) →
        // (short forms?, marks kept on line 2)
        type Case<'a> = (&'a [usize], &'a [usize], usize, usize, (bool, usize));
        let cases: [Case; 6] = [
            // No marks.
            (&[], &[], 24, 10, (false, 0)),
            // 11 + 1 + 4 = 16 fit in 24.
            (&[11, 4], &[4, 1], 24, 10, (false, 2)),
            // 11 + 1 + 4 + 1 + 8 = 25 > 24: "no owner" (8) moves up, 8 < 10.
            (&[11, 4, 8], &[4, 1, 4], 24, 10, (false, 2)),
            // Up goes 4 + 1 + 8 = 13, not < 10: short forms, 4+1+1+1+4 = 11 fit below.
            (&[11, 12, 4, 8], &[4, 5, 1, 4], 16, 10, (true, 3)),
            // Short forms that still overflow: as many as fit below (the rest is cut at
            // the edge; only on cards narrower than any column).
            (&[11, 12], &[4, 5], 3, 2, (true, 0)),
            // One mark exactly the room.
            (&[24], &[4], 24, 0, (false, 1)),
        ];
        for (full, short, room2, room1, expected) in cases {
            assert_eq!(
                place_marks(full, short, room2, room1),
                expected,
                "{full:?} {room2} {room1}"
            );
        }
    }
}
