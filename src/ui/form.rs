//! A form over the screen: its fields, the rules' refusal when there is one, and the
//! keys it takes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::{RenderRef, popup, popup_width, strings};
use crate::domain::text::{display_safe, fit};
use crate::tui::form::{Field, Form};
use unicode_width::UnicodeWidthStr;

/// The open form, in a box over the screen.
pub(super) fn render(area: Rect, buf: &mut Buffer, form: &Form, theme: &Theme) {
    const WIDTH_PCT: u16 = 70;
    // The width inside the borders, where a choice's options are laid out.
    let width = usize::from(popup_width(area, WIDTH_PCT).saturating_sub(2));
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
        if !form.shows(i) {
            continue;
        }
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
                // Typing adds to a filled-in value: how to start afresh.
                if focused && !value.is_empty() {
                    spans.push(Span::styled(
                        format!(" {}", strings::FORM_CLEAR),
                        theme.dim(),
                    ));
                }
                if value.is_empty() && !hint.is_empty() {
                    spans.push(Span::styled(format!(" {hint}"), theme.dim()));
                }
                lines.push(Line::from(spans));
                let people = if focused {
                    form.suggestions()
                } else {
                    Vec::new()
                };
                if !people.is_empty() {
                    let names: Vec<String> = people.iter().map(|p| display_safe(p)).collect();
                    lines.push(Line::from(vec![
                        Span::styled(format!("    {} ", strings::FORM_COMPLETES), theme.key()),
                        Span::raw(names.join(" · ")),
                    ]));
                }
            }
            Field::Choice {
                label,
                options,
                selected,
            } => {
                // Options that do not fit go on the next rows, under the first option.
                let head = format!("{}{label}: ", if focused { "▸ " } else { "  " });
                let indent = head.width();
                let mut row = vec![Span::styled(head, label_style)];
                let mut used = indent;
                for (j, option) in options.iter().enumerate() {
                    let style = if j == *selected {
                        theme.selected()
                    } else {
                        theme.plain()
                    };
                    let option = format!(" {} ", display_safe(option));
                    let wide = option.width() + 1;
                    if used > indent && used + wide > width {
                        lines.push(Line::from(std::mem::take(&mut row)));
                        row.push(Span::raw(" ".repeat(indent)));
                        used = indent;
                    }
                    row.push(Span::styled(option, style));
                    row.push(Span::raw(" "));
                    used += wide;
                }
                if focused && used + strings::FORM_CHOOSE.width() <= width {
                    row.push(Span::styled(strings::FORM_CHOOSE, theme.dim()));
                }
                lines.push(Line::from(row));
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
                        format!("    {}", strings::NO_CHECKLIST),
                        theme.warning(),
                    ));
                }
                for (j, entry) in entries.iter().enumerate() {
                    // A tick form's entries keep their number in the contract's list,
                    // as `baton tick --done N` and the contract number them.
                    let number = match form.tick_numbers.get(j) {
                        Some(&n) if n > 0 => n,
                        _ => j + 1,
                    };
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
                        format!("    {mark} {number}. {}", display_safe(entry)),
                        style,
                    ));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    if let Some(late) = &form.late {
        lines.push(Line::styled(display_safe(late), theme.warning()));
    }
    if let Some(error) = &form.error {
        let style = if form.confirm_incomplete.is_some() || form.confirm_escalate {
            theme.warning()
        } else {
            theme.error()
        };
        lines.push(Line::styled(display_safe(error), style));
    }
    lines.push(Line::styled(form_keys(form), theme.dim()));
    let height = lines.len() as u16 + 4;
    let inner = popup(area, buf, form.title(), WIDTH_PCT, height);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render_ref(inner, buf);
}

/// The keys a form takes, naming only what its fields use.
fn form_keys(form: &Form) -> String {
    // An escalation waiting for its `y`: only the keys that answer it.
    if form.confirm_escalate {
        return strings::CONFIRM_KEYS.to_string();
    }
    let mut keys = vec![strings::FORM_SUBMIT, strings::FORM_CANCEL];
    if form.fields.len() > 1 {
        keys.push(strings::FORM_NEXT_FIELD);
    }
    if form
        .fields
        .iter()
        .any(|f| matches!(f, Field::Choice { .. }))
    {
        keys.push(strings::FORM_CHOOSE);
    }
    if form
        .fields
        .iter()
        .any(|f| matches!(f, Field::Checklist { .. }))
    {
        keys.push(strings::FORM_TICK);
    }
    keys.join(" · ")
}
