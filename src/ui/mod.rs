//! Drawing, as functions of the board's state: nothing here changes anything.

mod metrics;
pub mod strings;
pub mod theme;
mod triage;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::attention::{DueStanding, due_standing, lacks_owner, sla_standing};
use crate::domain::duration::format_duration;
use crate::domain::history::narrate;
use crate::domain::rules::describe_state;
use crate::domain::text::{display_safe, display_safe_multiline, fit};
use crate::domain::{Boundary, Item, State};
use crate::tui::app::{App, CARD_ROWS, Screen};
use crate::tui::board::{Column, ColumnKind};
use crate::tui::form::{Field, Form};
use crate::tui::keys::{Action, BINDINGS, Scope};
use theme::Theme;

/// The smallest screen the board is drawn on; below it, a note says so.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    render(area, frame.buffer_mut(), app, theme);
}

/// Renders the whole screen into `buf`.
pub fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "{} ({}×{}); it needs {MIN_WIDTH}×{MIN_HEIGHT}. q quits.",
            strings::TOO_SMALL,
            area.width,
            area.height
        );
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .render_ref(area, buf);
        return;
    }
    let now = app.now();
    let in_triage = app.screen == Screen::Triage
        || (app.screen == Screen::Help && app.return_to == Screen::Triage);
    match (&app.triage, in_triage) {
        (Some(triage), true) => triage::render(area, buf, app, triage, theme, now),
        _ => render_board(area, buf, app, theme, now),
    }
    match app.screen {
        Screen::Board | Screen::Triage => {}
        Screen::Detail => render_detail(area, buf, app, theme, now),
        Screen::Help => render_help(area, buf, app, theme),
        Screen::Contracts => render_contracts(area, buf, app, theme),
        Screen::Metrics => metrics::render(area, buf, app, theme),
    }
    if let Some(form) = &app.form {
        render_form(area, buf, form, theme);
    }
}

/// `render_ref` without the trait import noise at every call.
pub(crate) trait RenderRef {
    fn render_ref(self, area: Rect, buf: &mut Buffer);
}

impl<W: ratatui::widgets::Widget> RenderRef for W {
    fn render_ref(self, area: Rect, buf: &mut Buffer) {
        self.render(area, buf);
    }
}

pub(crate) fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) {
    if width == 0 {
        return;
    }
    buf.set_stringn(
        x,
        y,
        fit(text, usize::from(width)),
        usize::from(width),
        style,
    );
}

fn render_board(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, now: DateTime<Utc>) {
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
        title.push(Span::styled("  boundaries only", theme.warning()));
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
            "No columns match this view; B or esc shows everything.".to_string()
        };
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .render_ref(body, buf);
    } else {
        render_columns(body, buf, app, theme, now);
    }

    // Message or filter line, then the keys line.
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
    } else if let Some(message) = &app.message {
        let style = if message.error {
            theme.error()
        } else {
            theme.ok()
        };
        put(
            buf,
            message_area.x,
            message_area.y,
            &display_safe(&message.text),
            message_area.width,
            style,
        );
    }
    let keys_area = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    let keys = match app.screen {
        Screen::Board => board_keys(),
        Screen::Detail => strings::DETAIL_KEYS.to_string(),
        Screen::Help | Screen::Contracts | Screen::Triage | Screen::Metrics => {
            strings::SCROLL_KEYS.to_string()
        }
    };
    put(
        buf,
        keys_area.x,
        keys_area.y,
        &keys,
        keys_area.width,
        theme.dim(),
    );
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
const MOVE: crate::tui::keys::Binding = crate::tui::keys::Binding {
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
        ColumnKind::Limbo { from, to } => format!("{} {from} → {to}", theme::LIMBO),
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
            let sla = app
                .board
                .org
                .boundary(from, to)
                .and_then(|b| b.contract.sla())
                .map_or("no SLA".to_string(), |d| {
                    format!("SLA {}", format_duration(d))
                });
            let incomplete = app
                .board
                .org
                .boundary(from, to)
                .is_some_and(|b| !b.contract.is_complete());
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
                text.push_str(" · contract incomplete");
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
    if let Some((standing, age)) = sla_standing(item, &app.board.org, now) {
        let (style, symbol) = theme.sla(standing);
        let sla = item
            .boundary()
            .and_then(|(f, t)| app.board.org.boundary(f, t))
            .and_then(|b| b.contract.sla())
            .map_or(String::new(), |s| format!("/{}", format_duration(s)));
        spans.push(Span::styled(
            format!("{symbol} {}{sla} ", format_duration(age)),
            if selected { base } else { style },
        ));
    }
    let owner = match (&item.owner, item.boundary()) {
        (Some(o), _) => Some(display_safe(o)),
        (None, Some((f, t))) => app
            .board
            .org
            .boundary(f, t)
            .and_then(|b| b.contract.owner.as_ref())
            .map(|o| format!("→{}", display_safe(o))),
        (None, None) => None,
    };
    if let Some(o) = owner {
        spans.push(Span::styled(format!("{o} "), base));
    }
    // The same rule as the `no-owner` signal.
    if item.state.is_open() && lacks_owner(item.owner.is_some(), item.boundary(), &app.board.org) {
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

/// A centred box taking most of the screen, cleared, with a title.
pub(crate) fn popup(
    area: Rect,
    buf: &mut Buffer,
    title: &str,
    width_pct: u16,
    height: u16,
) -> Rect {
    // In u32: a terminal over 728 columns would overflow u16 here.
    let width = u16::try_from(u32::from(area.width) * u32::from(width_pct) / 100)
        .unwrap_or(area.width)
        .max(MIN_WIDTH.min(area.width));
    // Leave the message line and the keys line below: what an action in the detail
    // pane did (or why it was refused) is said on the message line.
    let height = height.min(area.height.saturating_sub(3)).max(3);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    Clear.render_ref(rect, buf);
    let block = Block::bordered().title(format!(" {title} "));
    let inner = block.inner(rect);
    block.render_ref(rect, buf);
    inner
}

pub(crate) fn local(app: &App, t: DateTime<Utc>) -> String {
    app.zone.show(t)
}

pub(crate) fn contract_lines<'a>(b: &Boundary, theme: &Theme) -> Vec<Line<'a>> {
    let c = &b.contract;
    let field = |name: &str, value: Option<String>| -> Line<'a> {
        match value {
            Some(v) => Line::from(vec![
                Span::styled(format!("  {name:<12}"), theme.dim()),
                Span::raw(display_safe(&v)),
            ]),
            None => Line::from(vec![
                Span::styled(format!("  {name:<12}"), theme.dim()),
                Span::styled("— missing", theme.warning()),
            ]),
        }
    };
    let mut lines = vec![field("trigger", c.trigger.clone())];
    if c.definition_of_done.is_empty() {
        lines.push(field("done when", None));
    } else {
        lines.push(Line::styled("  done when", theme.dim()));
        for (i, entry) in c.definition_of_done.iter().enumerate() {
            lines.push(Line::raw(format!("    {}. {}", i + 1, display_safe(entry))));
        }
    }
    lines.push(field("outcome", c.outcome.clone()));
    lines.push(field("next owner", c.owner.clone()));
    lines.push(field("SLA", c.sla().map(format_duration)));
    lines.push(field("escalate to", c.escalate_to.clone()));
    lines
}

fn render_detail(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme, now: DateTime<Utc>) {
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
    let state = match (sla_standing(item, org, now), item.boundary()) {
        (Some((standing, age)), Some((from, to))) => {
            let (style, symbol) = theme.sla(standing);
            let sla = org
                .boundary(from, to)
                .and_then(|b| b.contract.sla())
                .map_or("no SLA".to_string(), |s| {
                    format!("SLA {}", format_duration(s))
                });
            Line::from(vec![
                label("state"),
                Span::raw(format!(
                    "in limbo {} → {} for ",
                    display_safe(from),
                    display_safe(to)
                )),
                Span::styled(format!("{} ({sla}) {symbol}", format_duration(age)), style),
            ])
        }
        _ => Line::from(vec![
            label("state"),
            Span::raw(display_safe(&describe_state(item))),
        ]),
    };
    lines.push(state);
    let owner = match (&item.owner, item.boundary()) {
        (Some(o), _) => Span::raw(display_safe(o)),
        (None, Some((f, t))) => match org.boundary(f, t).and_then(|b| b.contract.owner.as_ref()) {
            Some(next) => Span::raw(format!(
                "— (next owner per contract: {})",
                display_safe(next)
            )),
            None => Span::styled("— no owner, and the contract names none", theme.warning()),
        },
        (None, None) if item.state.is_open() => Span::styled("— no owner", theme.warning()),
        (None, None) => Span::raw("—"),
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
    if let Some(body) = &item.body {
        lines.push(Line::raw(""));
        for l in display_safe_multiline(body).lines() {
            lines.push(Line::raw(l.to_string()));
        }
    }
    lines.extend(reasons_and_note(
        "Needs attention",
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
        if !b.contract.is_complete() {
            heading.push(Span::styled(
                format!("  incomplete: missing {}", b.contract.missing().join(", ")),
                theme.warning(),
            ));
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
                "nowhere: no boundary leads out of this team".to_string()
            } else {
                out.join(", ")
            }),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("History", theme.title()));
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
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.scroll, 0))
        .render_ref(inner, buf);
}

/// An item's attention signals under `heading`, then its handoff note when in limbo:
/// what the detail pane and triage both show.
pub(crate) fn reasons_and_note<'a>(
    heading: &'a str,
    signals: &[crate::domain::attention::Signal],
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
        lines.push(Line::styled("Handoff note", theme.title()));
        for l in display_safe_multiline(&limbo.note).lines() {
            lines.push(Line::raw(format!("  {l}")));
        }
    }
    lines
}

/// The help screen's lines, generated from the key map.
pub fn help_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(
            "Baton shows each team's lane and, before it, a ⇢ limbo column for every boundary into it:",
            theme.plain(),
        ),
        Line::raw(
            "items sent and not yet accepted wait there, with their age against the contract's SLA.",
        ),
        Line::raw(format!(
            "Marks: {} within SLA · {} at risk · {} breached · {} no SLA · {} escalated · {} incomplete handoff · {} possible duplicate",
            theme::WITHIN,
            theme::AT_RISK,
            theme::BREACHED,
            theme::NO_SLA,
            theme::ESCALATED,
            theme::INCOMPLETE,
            theme::DUPLICATE
        )),
        Line::raw(""),
    ];
    for (scope, heading) in [
        (Scope::Everywhere, "Everywhere"),
        (Scope::Board, "On the board"),
        (
            Scope::Item,
            "On the selected item (board, detail or triage)",
        ),
        (Scope::Triage, "In standup triage (t)"),
    ] {
        lines.push(Line::styled(heading, theme.title()));
        let bindings: Vec<_> = BINDINGS
            .iter()
            .filter(|b| b.scope == scope && !b.label.is_empty())
            .collect();
        for b in bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<14}", b.label), theme.key()),
                Span::raw(b.help),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled("In forms", theme.title()));
    lines.push(Line::raw(format!("  {}", strings::FORM_KEYS)));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Filter (/)", theme.title()));
    lines.push(Line::raw(format!("  {}", strings::FILTER_HELP)));
    lines.push(Line::raw(format!(
        "  signals: {}",
        crate::domain::attention::SignalCode::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )));
    lines
}

fn render_help(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    let inner = popup(area, buf, "Help · esc closes", 90, area.height);
    Paragraph::new(help_lines(theme))
        .wrap(Wrap { trim: false })
        .scroll((app.scroll, 0))
        .render_ref(inner, buf);
}

fn render_contracts(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    let inner = popup(area, buf, "Handoff contracts · esc closes", 90, area.height);
    let mut lines = Vec::new();
    if app.board.org.boundaries.is_empty() {
        lines.push(Line::raw(
            "No boundaries yet: add one with baton boundary add FROM TO.",
        ));
    }
    for b in &app.board.org.boundaries {
        let missing = b.contract.missing();
        let mut heading = vec![Span::styled(display_safe(&b.label()), theme.limbo_header())];
        if missing.is_empty() {
            heading.push(Span::styled("  complete", theme.ok()));
        } else {
            heading.push(Span::styled(
                format!("  ✖ incomplete: missing {}", missing.join(", ")),
                theme.error(),
            ));
        }
        lines.push(Line::from(heading));
        lines.extend(contract_lines(b, theme));
        lines.push(Line::raw(""));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.scroll, 0))
        .render_ref(inner, buf);
}

fn render_form(area: Rect, buf: &mut Buffer, form: &Form, theme: &Theme) {
    let mut lines: Vec<Line> = vec![
        Line::styled(
            fit(&display_safe(&form.subject), 200)
                .trim_end()
                .to_string(),
            theme.dim(),
        ),
        Line::raw(""),
    ];
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused { theme.key() } else { theme.dim() };
        match field {
            Field::Text {
                label,
                value,
                required,
                hint,
            } => {
                let mut spans = vec![
                    Span::styled(
                        format!(
                            "{}{label}{}: ",
                            if focused { "▸ " } else { "  " },
                            if *required { "*" } else { "" }
                        ),
                        label_style,
                    ),
                    Span::raw(display_safe(value)),
                ];
                if focused {
                    spans.push(Span::styled("▏", theme.key()));
                }
                if value.is_empty() && !hint.is_empty() {
                    spans.push(Span::styled(format!(" {hint}"), theme.dim()));
                }
                lines.push(Line::from(spans));
            }
            Field::Choice {
                label,
                options,
                selected,
            } => {
                let mut spans = vec![Span::styled(
                    format!("{}{label}: ", if focused { "▸ " } else { "  " }),
                    label_style,
                )];
                for (j, option) in options.iter().enumerate() {
                    let style = if j == *selected {
                        theme.selected()
                    } else {
                        theme.plain()
                    };
                    spans.push(Span::styled(format!(" {} ", display_safe(option)), style));
                    spans.push(Span::raw(" "));
                }
                if focused {
                    spans.push(Span::styled("←→ choose", theme.dim()));
                }
                lines.push(Line::from(spans));
            }
            Field::Checklist {
                label,
                entries,
                ticked,
                cursor,
            } => {
                lines.push(Line::styled(
                    format!("{}{label}:", if focused { "▸ " } else { "  " }),
                    label_style,
                ));
                if entries.is_empty() {
                    lines.push(Line::styled(
                        "    (the contract has no definition of done)",
                        theme.warning(),
                    ));
                }
                for (j, entry) in entries.iter().enumerate() {
                    let mark = if ticked.get(j).copied().unwrap_or(false) {
                        "[x]"
                    } else {
                        "[ ]"
                    };
                    let style = if focused && j == *cursor {
                        theme.selected()
                    } else {
                        theme.plain()
                    };
                    lines.push(Line::styled(
                        format!("    {mark} {}. {}", j + 1, display_safe(entry)),
                        style,
                    ));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    if let Some(error) = &form.error {
        let style = if form.confirm_incomplete.is_some() {
            theme.warning()
        } else {
            theme.error()
        };
        lines.push(Line::styled(display_safe(error), style));
    }
    lines.push(Line::styled(form_keys(form), theme.dim()));
    let height = lines.len() as u16 + 4;
    let inner = popup(area, buf, form.title(), 70, height);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render_ref(inner, buf);
}

/// The keys a form takes, naming only what its fields use.
fn form_keys(form: &Form) -> String {
    let mut keys = vec!["enter submit", "esc cancel"];
    if form.fields.len() > 1 {
        keys.push("tab next field");
    }
    if form
        .fields
        .iter()
        .any(|f| matches!(f, Field::Choice { .. }))
    {
        keys.push("←→ choose");
    }
    if form
        .fields
        .iter()
        .any(|f| matches!(f, Field::Checklist { .. }))
    {
        keys.push("space tick · a tick all");
    }
    keys.join(" · ")
}

/// The screen as plain text, one line per row, trailing spaces trimmed: what
/// `baton board --print` writes. Wide characters take their two columns.
pub fn buffer_to_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.y..area.y + area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in area.x..area.x + area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buf[(x, y)].symbol();
            line.push_str(symbol);
            skip = symbol.width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
