//! The help screen, generated from the key map so it cannot drift from the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::{self, Theme};
use super::{RenderRef, popup, strings};
use crate::domain::attention::SignalCode;
use crate::tui::app::App;
use crate::tui::keys::{BINDINGS, Scope};

/// The help screen's lines, generated from the key map.
pub fn help_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(strings::HELP_INTRO[0], theme.plain()),
        Line::raw(strings::HELP_INTRO[1]),
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
        (Scope::Everywhere, strings::HELP_EVERYWHERE),
        (Scope::Board, strings::HELP_BOARD),
        (Scope::Item, strings::HELP_ITEM),
        (Scope::Triage, strings::HELP_TRIAGE),
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
    lines.push(Line::styled(strings::HELP_FORMS, theme.title()));
    lines.push(Line::raw(format!("  {}", strings::FORM_KEYS.join(" · "))));
    lines.push(Line::raw(""));
    lines.push(Line::styled(strings::HELP_FILTER, theme.title()));
    lines.push(Line::raw(format!("  {}", strings::FILTER_HELP)));
    lines.push(Line::raw(format!("  signals: {}", SignalCode::list())));
    lines
}

pub(super) fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    let inner = popup(area, buf, strings::HELP_TITLE, 90, area.height);
    Paragraph::new(help_lines(theme))
        .wrap(Wrap { trim: false })
        .scroll((app.scroll, 0))
        .render_ref(inner, buf);
}
