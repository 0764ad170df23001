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
    lines.push(Line::raw(format!("  signals: {}", SignalCode::list())));
    lines
}

pub(super) fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    let inner = popup(area, buf, "Help · esc closes", 90, area.height);
    Paragraph::new(help_lines(theme))
        .wrap(Wrap { trim: false })
        .scroll((app.scroll, 0))
        .render_ref(inner, buf);
}
