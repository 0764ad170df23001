//! Wrapping with a hanging indent: a long line of a pane goes on under where its text
//! starts, not at the pane's left edge, so a wrapped field, reason or decision still
//! reads as one.

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `lines` broken at spaces to `width` columns. The rest of a line that does not fit is
/// indented by its hang: the width of its first span when it has more than one and that
/// one ends in a space (a label, "state     " or "  #24    "), else its leading spaces;
/// never more than half the width. A word wider than a line is cut where the line ends.
pub fn hanging(lines: Vec<Line<'_>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(owned(line));
            continue;
        }
        let hang = hang_of(&line).min(width / 2);
        let mut wrapped = Wrapped {
            lines: Vec::new(),
            spans: Vec::new(),
            used: 0,
            fresh: true,
            hang,
            width,
            style: line.style,
        };
        for span in &line.spans {
            for chunk in chunks(&span.content) {
                wrapped.push(chunk, span.style);
            }
        }
        wrapped.end_line();
        out.extend(wrapped.lines);
    }
    out
}

fn owned(line: Line<'_>) -> Line<'static> {
    Line {
        spans: line
            .spans
            .into_iter()
            .map(|s| Span::styled(s.content.into_owned(), s.style))
            .collect(),
        style: line.style,
        alignment: line.alignment,
    }
}

/// Where a line's wrapped rest starts (see [`hanging`]).
fn hang_of(line: &Line<'_>) -> usize {
    match line.spans.first() {
        Some(first) if line.spans.len() > 1 && first.content.ends_with(' ') => first.width(),
        _ => {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            text.len() - text.trim_start_matches(' ').len()
        }
    }
}

/// `text` as words, each with the spaces after it (leading spaces are a chunk of their
/// own).
fn chunks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_spaces = text.starts_with(' ');
    for (i, c) in text.char_indices() {
        let space = c == ' ';
        if !space && in_spaces && i > start {
            out.push(&text[start..i]);
            start = i;
        }
        in_spaces = space;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

struct Wrapped {
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    /// Columns taken on the line being made, its hang included.
    used: usize,
    /// Whether the line being made has nothing but spaces yet.
    fresh: bool,
    hang: usize,
    width: usize,
    style: ratatui::style::Style,
}

impl Wrapped {
    fn push(&mut self, chunk: &str, style: ratatui::style::Style) {
        let word = chunk.trim_end_matches(' ');
        // A word that fits on a line of its own goes to the next; a longer one is cut
        // from here.
        let fits_a_line = word.width() <= self.width - self.hang;
        if !self.fresh && self.used + word.width() > self.width && fits_a_line {
            self.next_line();
        }
        // A line made by wrapping starts at its hang, not with the spaces before a word.
        let mut rest = if self.fresh && !self.lines.is_empty() {
            chunk.trim_start_matches(' ')
        } else {
            chunk
        };
        // A word wider than the room left is cut where the line ends.
        while self.used + rest.trim_end_matches(' ').width() > self.width {
            let room = self.width.saturating_sub(self.used);
            let mut taken = 0;
            let mut cut = 0;
            for (i, c) in rest.char_indices() {
                let w = c.width().unwrap_or(0);
                if taken + w > room {
                    break;
                }
                taken += w;
                cut = i + c.len_utf8();
            }
            if cut == 0 {
                if self.used > self.hang {
                    // Nothing more fits on this line: the next one.
                    self.next_line();
                    rest = rest.trim_start_matches(' ');
                    continue;
                }
                // Not one character fits after the hang: one goes anyway.
                cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
            }
            self.spans
                .push(Span::styled(rest[..cut].to_string(), style));
            rest = rest[cut..].trim_start_matches(' ');
            self.next_line();
            if rest.is_empty() {
                return;
            }
        }
        if rest.trim().is_empty() {
            // Spaces alone (a line's leading ones) take no more than the line has.
            rest = &rest[..rest.len().min(self.width.saturating_sub(self.used))];
        }
        if rest.is_empty() {
            return;
        }
        self.used += rest.width();
        self.fresh &= rest.trim().is_empty();
        self.spans.push(Span::styled(rest.to_string(), style));
    }

    /// Ends the line being made and starts the next at the hang.
    fn next_line(&mut self) {
        self.end_line();
        self.spans.push(Span::raw(" ".repeat(self.hang)));
        self.used = self.hang;
    }

    fn end_line(&mut self) {
        // Spaces at the end of a wrapped line are not drawn.
        if let Some(last) = self.spans.last_mut() {
            let trimmed = last.content.trim_end_matches(' ').to_string();
            last.content = trimmed.into();
        }
        let spans = std::mem::take(&mut self.spans);
        self.lines.push(Line::from(spans).style(self.style));
        self.used = 0;
        self.fresh = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn a_labelled_line_wraps_under_its_value() {
        let line = Line::from(vec![
            Span::raw("state     "),
            Span::raw("in limbo sales → solutions for 4d 17h (2d 7h of 2d working time used) ✖"),
        ]);
        assert_eq!(
            text(&hanging(vec![line], 40)),
            [
                "state     in limbo sales → solutions for",
                "          4d 17h (2d 7h of 2d working",
                "          time used) ✖",
            ]
        );
    }

    #[test]
    fn a_line_of_one_span_wraps_under_its_leading_spaces_and_short_lines_stay() {
        let lines = vec![
            Line::raw("  Contoso want 400 more seats across two subsidiaries"),
            Line::raw("short"),
        ];
        assert_eq!(
            text(&hanging(lines, 24)),
            [
                "  Contoso want 400 more",
                "  seats across two",
                "  subsidiaries",
                "short"
            ]
        );
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_and_every_line_fits() {
        let line = Line::from(vec![Span::raw("  #24    "), Span::raw("x".repeat(30))]);
        let wrapped = hanging(vec![line], 20);
        assert_eq!(
            text(&wrapped),
            [
                "  #24    xxxxxxxxxxx",
                "         xxxxxxxxxxx",
                "         xxxxxxxx"
            ]
        );
        for width in 1..30u16 {
            let line = Line::from(vec![
                Span::raw("  sla-breached       "),
                Span::raw("in limbo 4d 17h: 2d 7h of 2d wörking tïme used, breached by 7h 30m"),
            ]);
            for l in hanging(vec![line], width) {
                assert!(l.width() <= usize::from(width).max(1), "{width}: {l:?}");
            }
        }
    }

    #[test]
    fn styles_stay_with_their_words() {
        let line = Line::from(vec![
            Span::raw("         "),
            Span::styled("bounced back", ratatui::style::Style::new().bold()),
            Span::raw(" → active with onboarding, owner Leo Fischer"),
        ]);
        let wrapped = hanging(vec![line], 40);
        assert_eq!(
            text(&wrapped),
            [
                "         bounced back → active with",
                "         onboarding, owner Leo Fischer"
            ]
        );
        assert!(
            wrapped[0].spans[1]
                .style
                .add_modifier
                .contains(ratatui::style::Modifier::BOLD)
        );
    }
}
