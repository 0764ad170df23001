//! The contracts screen: every boundary's handoff contract, incomplete ones marked;
//! and a contract's lines as the detail pane and triage show them too.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{popup, strings};
use crate::domain::Boundary;
use crate::domain::text::display_safe;
use crate::domain::view::{MISSING, TermValue, incomplete_note, terms};
use crate::tui::app::App;

/// Every boundary's contract, incomplete ones marked.
pub(super) fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    let inner = popup(area, buf, strings::CONTRACTS_TITLE, 90, area.height);
    let mut lines = Vec::new();
    if app.board.org.boundaries.is_empty() {
        lines.push(Line::raw(strings::NO_BOUNDARIES));
    }
    for b in &app.board.org.boundaries {
        let mut heading = vec![Span::styled(display_safe(&b.label()), theme.limbo_header())];
        match incomplete_note(&b.contract) {
            None => heading.push(Span::styled(
                format!("  {}", strings::CONTRACT_COMPLETE),
                theme.ok(),
            )),
            Some(note) => heading.push(Span::styled(format!("  ✖ {note}"), theme.error())),
        }
        lines.push(Line::from(heading));
        lines.extend(contract_lines(b, theme));
        lines.push(Line::raw(""));
    }
    super::scrolled(lines, 0, inner, buf, app);
}

/// The contract's terms, one a line, a missing one marked.
pub(crate) fn contract_lines<'a>(b: &Boundary, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for term in terms(&b.contract) {
        let label = Span::styled(format!("  {:<12}", term.label), theme.dim());
        match term.value {
            Some(TermValue::Checklist(entries)) => {
                lines.push(Line::styled(format!("  {}", term.label), theme.dim()));
                for (i, entry) in entries.iter().enumerate() {
                    lines.push(Line::raw(format!("    {}. {}", i + 1, display_safe(entry))));
                }
            }
            Some(TermValue::Text(value)) => {
                lines.push(Line::from(vec![label, Span::raw(display_safe(&value))]));
            }
            None => lines.push(Line::from(vec![
                label,
                Span::styled(MISSING, theme.warning()),
            ])),
        }
    }
    lines
}
