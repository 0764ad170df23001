//! The metrics screen: time in limbo and bounce rate per boundary as bars, and SLA
//! breaches per day as a sparkline, over the last weeks.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Sparkline;

use super::theme::Theme;
use super::{RenderRef, popup, strings};
use crate::domain::metrics::{Metrics, minutes, percent, worst_first};
use crate::domain::text::{bar, display_safe, fit};
use crate::tui::app::{App, Zone};

pub fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    let Some(m) = &app.metrics else { return };
    let title = format!(
        "Flow metrics · last {} days · esc closes · baton stats for all of them",
        App::METRICS_DAYS
    );
    let inner = popup(area, buf, &title, 96, area.height);
    let width = usize::from(inner.width);
    let label_w = 26.min(width / 3);
    let bar_w = width.saturating_sub(label_w + 20).max(4);
    let boundaries = worst_first(&m.boundaries);
    let mut lines: Vec<Line> = vec![Line::styled(strings::LIMBO_CHART, theme.title())];
    let max = boundaries
        .iter()
        .filter_map(|b| b.time_in_limbo.median_minutes)
        .max()
        .unwrap_or(0) as f64;
    for b in &boundaries {
        let label = fit(&display_safe(&b.label()), label_w);
        let median = b.time_in_limbo.median_minutes.unwrap_or(0) as f64;
        let drawn = bar(median, max, bar_w);
        let pad = bar_w.saturating_sub(drawn.chars().count());
        lines.push(Line::from(vec![
            Span::raw(format!("{label} ")),
            Span::styled(drawn, theme.limbo_header()),
            Span::raw(" ".repeat(pad)),
            Span::styled(
                format!(
                    " {} / {}",
                    minutes(b.time_in_limbo.median_minutes),
                    minutes(b.time_in_limbo.p85_minutes)
                ),
                theme.dim(),
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(strings::BOUNCE_CHART, theme.title()));
    for b in &boundaries {
        let label = fit(&display_safe(&b.label()), label_w);
        let drawn = bar(b.bounce_rate.unwrap_or(0.0), 1.0, bar_w);
        let pad = bar_w.saturating_sub(drawn.chars().count());
        lines.push(Line::from(vec![
            Span::raw(format!("{label} ")),
            Span::styled(drawn, theme.error()),
            Span::raw(" ".repeat(pad)),
            Span::styled(
                format!(
                    " {} ({} of {})",
                    percent(b.bounce_rate),
                    b.bounced,
                    b.accepted + b.bounced
                ),
                theme.dim(),
            ),
        ]));
    }
    lines.push(Line::raw(""));
    let daily = breaches_by_day(m, &app.zone);
    let total: u64 = daily.iter().sum();
    // The period's days as the calendar has them: 28 days back from now touch 29.
    let most = daily.iter().max().copied().unwrap_or(0);
    let heading = match m.period.since {
        Some(since) => format!(
            "SLA breaches per day since {}: {total}, at most {most} a day",
            app.zone.day(since).format("%-d %b")
        ),
        None => format!("SLA breaches per day: {total}, at most {most} a day"),
    };
    lines.push(Line::styled(heading, theme.title()));
    let lines = super::wrap::hanging(lines, inner.width);
    let used = lines.len() as u16;
    // The sparkline's two rows come under the lines.
    let top = super::scrolled(lines, 2, inner, buf, app);
    let spark_y = inner.y + used.saturating_sub(top);
    if spark_y + 2 <= inner.y + inner.height {
        Sparkline::default()
            .data(&daily)
            .style(theme.error())
            .render_ref(
                Rect {
                    x: inner.x,
                    y: spark_y,
                    width: inner.width.min(daily.len() as u16),
                    height: 2,
                },
                buf,
            );
    }
}

/// Breaches for every day of the period (days of `zone`, as metrics count them), zeros
/// included.
fn breaches_by_day(m: &Metrics, zone: &Zone) -> Vec<u64> {
    let Some(since) = m.period.since else {
        return m
            .breaches_per_day
            .iter()
            .map(|d| d.breaches as u64)
            .collect();
    };
    let first = zone.day(since);
    let days = (zone.day(m.period.until) - first).num_days().max(0) as usize + 1;
    let mut out = vec![0u64; days];
    for d in &m.breaches_per_day {
        let i = (d.day - first).num_days();
        if let Ok(i) = usize::try_from(i)
            && let Some(slot) = out.get_mut(i)
        {
            *slot += d.breaches as u64;
        }
    }
    out
}
