//! The help screen, generated from the key map so it cannot drift from the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::{self, Theme};
use super::{popup, strings};
use crate::domain::attention::SignalCode;
use crate::tui::app::App;
use crate::tui::keys::{BINDINGS, Scope};

/// The help screen's lines, generated from the key map.
/// What each mark means: the SLA standings, then one per signal, from the card's mark
/// table (so a new signal is explained here as soon as it has a mark), a few a line.
fn marks_lines() -> Vec<String> {
    let mut parts = vec![
        format!("{} within SLA", theme::WITHIN),
        format!("{} at risk", theme::AT_RISK),
        format!("{} breached", theme::BREACHED),
        format!("{} no SLA", theme::NO_SLA),
    ];
    let mut shorts = Vec::new();
    for code in crate::domain::attention::SignalCode::ALL {
        if let Some((full, short, _)) = theme::signal_mark(code) {
            parts.push(if full == code.as_str() {
                full.to_string()
            } else {
                format!("{full} {}", code.as_str())
            });
            if short != full {
                shorts.push(short);
            }
        }
    }
    parts.push(format!(
        "{} NAME {}",
        theme::NEXT_OWNER,
        strings::HELP_NEXT_OWNER
    ));
    parts.push(format!(
        "{} {}",
        strings::HELP_SHORT_MARKS,
        shorts.join(" ")
    ));
    let mut lines = vec![String::from("Marks:")];
    for part in parts {
        let last = lines
            .last_mut()
            .filter(|l| l.chars().count() + part.len() < 96);
        match last {
            Some(line) if line.ends_with(':') => line.push_str(&format!(" {part}")),
            Some(line) => line.push_str(&format!(" · {part}")),
            None => lines.push(format!("       {part}")),
        }
    }
    lines
}

pub fn help_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(strings::HELP_INTRO[0], theme.plain()),
        Line::raw(strings::HELP_INTRO[1]),
    ];
    // "Marks: " as a span of its own: where the legend wraps, it goes on under the marks.
    lines.extend(
        marks_lines()
            .into_iter()
            .map(|line| match line.strip_prefix("Marks: ") {
                Some(rest) => Line::from(vec![Span::raw("Marks: "), Span::raw(rest.to_string())]),
                None => Line::raw(line),
            }),
    );
    lines.push(Line::raw(""));
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
    super::scrolled(help_lines(theme), 0, inner, buf, app);
}
