//! Drawing, as functions of the board's state: nothing here changes anything.
//! One file a screen, as in `tui/`: the board, the detail pane, forms, help, the
//! contracts, triage and metrics; colours and marks in `theme`, words in `strings`.

mod board;
mod contracts;
mod detail;
mod form;
mod help;
mod metrics;
pub mod strings;
pub mod theme;
mod triage;
pub(crate) mod wrap;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::text::{display_safe, fit};
use crate::tui::app::{App, Message, Screen};
use theme::Theme;

/// The smallest screen the board is drawn on; below it, a note says so.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// The largest screen the board is drawn on: a terminal reporting more (10000×10000)
/// gets this much, top left, rather than buffers of gigabytes.
pub const MAX_WIDTH: u16 = 1000;
pub const MAX_HEIGHT: u16 = 500;

/// A terminal size cut to what the board draws ([`MAX_WIDTH`] × [`MAX_HEIGHT`]).
pub fn drawable((width, height): (u16, u16)) -> (u16, u16) {
    (width.min(MAX_WIDTH), height.min(MAX_HEIGHT))
}

/// Draws `lines` in `area`, wrapped with a hanging indent ([`wrap::hanging`]) and
/// scrolled to `app.scroll` but never past the last line, and records how far they
/// scroll for the keys ([`App::scroll_end`]). `after` is how many lines the pane draws
/// below them. Gives the first line shown.
pub(crate) fn scrolled(
    lines: Vec<ratatui::text::Line<'_>>,
    after: u16,
    area: Rect,
    buf: &mut Buffer,
    app: &App,
) -> u16 {
    let lines = wrap::hanging(lines, area.width);
    let count = lines.len().saturating_add(usize::from(after));
    let end = u16::try_from(count.saturating_sub(usize::from(area.height))).unwrap_or(u16::MAX);
    app.scroll_end.set(end);
    let top = app.scroll.min(end);
    Paragraph::new(lines).scroll((top, 0)).render_ref(area, buf);
    // Lines below what shows: said at the pane's bottom right, with the key to them.
    if top < end && area.height > 0 {
        let more = strings::MORE_BELOW;
        let width = u16::try_from(more.chars().count()).unwrap_or(u16::MAX);
        if area.width > width {
            buf.set_string(
                area.x + area.width - width,
                area.y + area.height - 1,
                more,
                ratatui::style::Style::default(),
            );
        }
    }
    top
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    render(area, frame.buffer_mut(), app, theme);
}

/// Renders the whole screen into `buf`.
pub fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let leave = if app.form_typed() {
            strings::TOO_SMALL_FORM
        } else {
            "q quits."
        };
        let text = format!(
            "{} ({}×{}); it needs {MIN_WIDTH}×{MIN_HEIGHT}. {leave}",
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
        _ => board::render(area, buf, app, theme, now),
    }
    match app.screen {
        Screen::Board | Screen::Triage => {}
        Screen::Detail => detail::render(area, buf, app, theme, now),
        Screen::Help => help::render(area, buf, app, theme),
        Screen::Contracts => contracts::render(area, buf, app, theme),
        Screen::Metrics => metrics::render(area, buf, app, theme),
    }
    if let Some(form) = &app.form {
        form::render(area, buf, form, theme);
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

/// The screen's two bottom lines: what the last action did (or why it was refused),
/// then the keys.
pub(crate) fn message_and_keys(
    area: Rect,
    buf: &mut Buffer,
    message: Option<&Message>,
    keys: &str,
    theme: &Theme,
) {
    let bottom = area.y + area.height;
    if let Some(message) = message {
        let style = if message.error {
            theme.error()
        } else {
            theme.ok()
        };
        let text = display_safe(&message.text);
        put(buf, area.x, bottom - 2, &text, area.width, style);
    }
    put(buf, area.x, bottom - 1, keys, area.width, theme.dim());
}

/// A centred box taking most of the screen, cleared, with a title.
/// How wide a popup of `width_pct` of `area` is, borders included.
pub(crate) fn popup_width(area: Rect, width_pct: u16) -> u16 {
    // In u32: a terminal over 728 columns would overflow u16 here.
    u16::try_from(u32::from(area.width) * u32::from(width_pct) / 100)
        .unwrap_or(area.width)
        .max(MIN_WIDTH.min(area.width))
}

pub(crate) fn popup(
    area: Rect,
    buf: &mut Buffer,
    title: &str,
    width_pct: u16,
    height: u16,
) -> Rect {
    let width = popup_width(area, width_pct);
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
