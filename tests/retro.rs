//! Retros through the command line, on the demo organisation at a fixed "now": stats,
//! snapshots and the Markdown, CSV and HTML exports as a user reads them.

#[macro_use]
mod common;

use serde_json::Value;

use common::NOW;
use common::cli::{Backend, Board, DbBy};

/// This file's boards hold the demo, run at [`NOW`] (Wednesday morning of the demo's
/// week) and name their database with `--db`.
impl Board {
    /// A fresh database with the sample organisation, created with `baton init --demo`.
    fn demo() -> Board {
        let board = Board::empty_at(NOW, DbBy::Flag);
        board.ok(&["init", "--demo"]);
        board
    }
}

#[test]
fn reports_on_the_demo_read_as_expected() {
    let board = Board::demo();
    insta::assert_snapshot!("stats", board.ok(&["stats"]));
    insta::assert_snapshot!("export_md", board.ok(&["export", "--format", "md"]));
    insta::assert_snapshot!("export_csv", board.ok(&["export", "--format", "csv"]));
    insta::assert_snapshot!(
        "export_csv_boundaries",
        board.ok(&["export", "--format", "csv", "--boundaries"])
    );
}

/// The cells of the Markdown table row whose first cell is `first`.
fn md_row(md: &str, first: &str) -> Vec<String> {
    md.lines()
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().is_some_and(|c| c == first))
        .unwrap_or_else(|| panic!("no row `{first}` in\n{md}"))
}

#[test]
fn stats_json_agrees_with_the_markdown_report() {
    let board = Board::demo();
    let stats = board.json(&["stats", "--json"]);
    let md = board.ok(&["export", "--format", "md"]);
    let n = |v: &Value| v.as_u64().expect("a count").to_string();
    let o = &stats["overall"];
    assert_eq!(
        md_row(&md, "handoffs sent / accepted / bounced / reclaimed")[1],
        format!(
            "{} / {} / {} / {}",
            n(&o["sent"]),
            n(&o["accepted"]),
            n(&o["bounced"]),
            n(&o["reclaimed"])
        )
    );
    assert_eq!(md_row(&md, "in limbo at the end")[1], n(&o["in_limbo_now"]));
    assert_eq!(md_row(&md, "escalations")[1], n(&o["escalations"]));
    assert_eq!(
        md_row(&md, "incomplete handoffs")[1],
        n(&o["incomplete_handoffs"])
    );
    assert_eq!(
        md_row(&md, "dropped batons flagged")[1],
        n(&o["dropped_batons"])
    );
    assert_eq!(md_row(&md, "work in progress")[1], n(&o["wip"]));
    let breach = o["breach_rate"].as_f64().expect("a rate");
    assert_eq!(
        md_row(&md, "SLA breach rate")[1],
        format!(
            "{:.0}% ({} of {})",
            breach * 100.0,
            n(&o["breached"]),
            n(&o["spells"])
        )
    );
    assert!(
        md_row(&md, "time in limbo (median / 85th pct / max)")[1]
            .ends_with(&format!("over {} spells", n(&o["time_in_limbo"]["count"])))
    );

    let boundaries = stats["boundaries"].as_array().expect("boundaries");
    assert_eq!(boundaries.len(), 9, "every boundary of the demo");
    for b in boundaries {
        let name = format!(
            "{} → {}",
            b["from"].as_str().expect("from"),
            b["to"].as_str().expect("to")
        );
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| {name} ")))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let counts: Vec<String> = ["sent", "accepted", "bounced", "reclaimed"]
            .iter()
            .map(|k| n(&b[k]))
            .collect();
        assert_eq!(cells[2..6], counts, "{name}");
        assert_eq!(
            cells[9],
            b["open_ages_minutes"]
                .as_array()
                .expect("ages")
                .len()
                .to_string(),
            "{name}: in limbo now"
        );
        let share = |v: &Value| {
            v.as_f64()
                .map_or("—".to_string(), |r| format!("{:.0}%", r * 100.0))
        };
        assert_eq!(cells[10], share(&b["breach_rate"]), "{name}: breach rate");
        assert_eq!(cells[12], share(&b["bounce_rate"]), "{name}: bounce rate");
        assert_eq!(
            cells[13..16],
            [
                n(&b["escalations"]),
                n(&b["incomplete_handoffs"]),
                n(&b["dropped_batons"])
            ],
            "{name}"
        );
    }
    for t in stats["teams"].as_array().expect("teams") {
        let team = t["team"].as_str().expect("team");
        let cells = md_row(&md, team);
        assert_eq!(cells[1], n(&t["wip"]), "{team}: WIP");
        assert_eq!(cells[3], n(&t["done"]), "{team}: done");
    }
    let weeks = stats["throughput"].as_array().expect("weeks");
    assert!(!weeks.is_empty());
    for w in weeks {
        let cells = md_row(&md, w["week"].as_str().expect("week"));
        assert_eq!(cells[1], n(&w["done"]));
    }
}

#[test]
fn a_snapshot_is_saved_listed_shown_and_compared_with_now() {
    let board = Board::demo();
    assert_eq!(
        board.ok(&["snapshot", "ls"]),
        "no snapshots yet; save one with `baton snapshot save --label NAME`\n"
    );
    let live = board.ok(&["export", "--format", "md"]);
    assert_eq!(
        board.ok(&["snapshot", "save", "--label", "retro 47"]),
        "saved snapshot 1 “retro 47”: 40 items, 11 in limbo, 2 breached\n"
    );
    insta::assert_snapshot!("snapshot_ls", board.ok(&["snapshot", "ls"]));
    let shown = board.ok(&["snapshot", "show", "retro 47"]);
    assert_eq!(
        shown,
        format!(
            "snapshot “retro 47”, taken 2026-11-25 09:00\n{}",
            board.ok(&["stats"])
        )
    );
    assert_eq!(board.ok(&["snapshot", "show", "1"]), shown, "by number");

    // A label names one snapshot: a label given twice is refused, a default one numbered.
    assert_eq!(
        board.error(&["snapshot", "save", "--label", "retro 47"]),
        "error: snapshot 1 is already labelled “retro 47”; choose another label"
    );
    assert_eq!(
        board.error(&["snapshot", "save", "--label", "#3"]),
        "error: “#3” cannot label a snapshot: snapshots are named by number too; add a word"
    );
    for (n, label) in [(2, "snapshot 2026-11-25"), (3, "snapshot 2026-11-25 (2)")] {
        assert!(
            board
                .ok(&["snapshot", "save"])
                .starts_with(&format!("saved snapshot {n} “{label}”: ")),
        );
    }
    assert!(
        board
            .ok(&["snapshot", "show", "snapshot 2026-11-25 (2)"])
            .starts_with("snapshot “snapshot 2026-11-25 (2)”")
    );

    // The report from the snapshot is the live one, under the snapshot's name.
    let saved = board.ok(&["export", "--format", "md", "--snapshot", "retro 47"]);
    assert_eq!(
        saved.replacen("# Handoff retro: retro 47", "", 1),
        live.replacen("# Handoff retro: board at 2026-11-25 09:00", "", 1)
    );

    // Nothing changed yet.
    let unchanged = board.ok(&["snapshot", "diff", "retro 47"]);
    assert!(unchanged.contains("\nleft limbo (0)\n"), "{unchanged}");
    assert!(
        unchanged.ends_with("\nmetrics that changed (0)\n"),
        "{unchanged}"
    );

    // Support accepts #28 from engineering.
    board.ok(&["accept", "28", "--owner", "Lena Park"]);
    let diff = board.ok(&["snapshot", "diff", "retro 47"]);
    insta::assert_snapshot!("snapshot_diff_after_accept", diff);
    let diff = board.json(&["snapshot", "diff", "retro 47", "--json"]);
    let left: Vec<(i64, &str, &str)> = diff["left_limbo"]
        .as_array()
        .expect("left_limbo")
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().expect("id"),
                m["before"].as_str().expect("before"),
                m["after"].as_str().expect("after"),
            )
        })
        .collect();
    assert_eq!(left, [(28, "engineering → support", "support")]);
    assert_eq!(diff["crossed"][0]["id"], 28);
    assert_eq!(diff["entered_limbo"], Value::Array(vec![]));
}

#[test]
fn bad_retro_input_is_refused_by_name() {
    let board = Board::demo();
    assert_eq!(
        board.error(&["stats", "--since", "2026-11-20", "--until", "2026-11-10"]),
        "error: --since must come before --until (or now)"
    );
    assert_eq!(
        board.error(&["export", "--format", "md", "--since", "2026-11-26"]),
        "error: --since must come before --until (or now)"
    );
    assert_eq!(
        board.error(&["snapshot", "show", "retro 99"]),
        "error: no snapshot `retro 99`; `baton snapshot ls` lists them"
    );
    assert_eq!(
        board.error(&["snapshot", "diff", "7"]),
        "error: no snapshot `7`; `baton snapshot ls` lists them"
    );
    assert_eq!(
        board.error(&["export", "--format", "md", "--snapshot", "nope"]),
        "error: no snapshot `nope`; `baton snapshot ls` lists them"
    );
    // Flags that do not go together are usage errors: exit 2.
    assert_eq!(
        board
            .fails(&["export", "--format", "md", "--boundaries"], 2)
            .trim_end(),
        "error: --boundaries goes with --format csv"
    );
    board.ok(&["snapshot", "save", "--label", "X"]);
    assert_eq!(
        board
            .fails(&["export", "--format", "json", "--snapshot", "X"], 2)
            .trim_end(),
        "error: --format json exports the whole board with every history; --since, --until and --snapshot go with md, csv and html"
    );
    assert!(
        board
            .error(&["stats", "--since", "last tuesday"])
            .starts_with("error: --since: ")
    );
    let stderr = board.fails(
        &[
            "export",
            "--format",
            "md",
            "--snapshot",
            "X",
            "--since",
            "2026-11-01",
        ],
        2,
    );
    assert!(
        stderr.starts_with(
            "error: the argument '--snapshot <SNAPSHOT>' cannot be used with '--since <TIME>'"
        ),
        "{stderr}"
    );
}

/// Elements named `name` whose class list has `class`, under `node`.
fn with_class<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &str,
    class: &str,
) -> Vec<roxmltree::Node<'a, 'i>> {
    node.descendants()
        .filter(|n| {
            n.has_tag_name(name)
                && n.attribute("class")
                    .is_some_and(|c| c.split_whitespace().any(|w| w == class))
        })
        .collect()
}

fn parse(html: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("not well-formed: {e}\n{html}"))
}

#[test]
fn the_html_report_is_well_formed_self_contained_and_charts_the_demo() {
    let board = Board::demo();
    let html = board.ok(&["export", "--format", "html"]);
    let doc = parse(&html);
    let root = doc.root_element();
    assert!(root.has_tag_name("html"));
    for node in root.descendants().filter(|n| n.is_element()) {
        assert!(
            !node.has_tag_name("script") && !node.has_tag_name("link") && !node.has_tag_name("img"),
            "nothing to fetch or run: <{}>",
            node.tag_name().name()
        );
        for attr in node.attributes() {
            let fetched = matches!(attr.name(), "src" | "href")
                && (attr.value().starts_with("http://") || attr.value().starts_with("https://"));
            assert!(!fetched, "{}=\"{}\" fetches", attr.name(), attr.value());
        }
    }
    assert!(!html.contains("<script"));

    let stats = board.json(&["stats", "--json"]);
    let boundaries = stats["boundaries"].as_array().expect("boundaries");
    let limbo = with_class(root, "svg", "limbo");
    assert_eq!(limbo.len(), 1, "one time-in-limbo chart");
    let bars = with_class(limbo[0], "rect", "bar");
    assert_eq!(bars.len(), 9, "one bar per boundary of the demo");
    let mut named: Vec<&str> = bars
        .iter()
        .map(|b| b.attribute("data-boundary").expect("data-boundary"))
        .collect();
    named.sort_unstable();
    let mut want: Vec<String> = boundaries
        .iter()
        .map(|b| {
            format!(
                "{} → {}",
                b["from"].as_str().expect("from"),
                b["to"].as_str().expect("to")
            )
        })
        .collect();
    want.sort_unstable();
    assert_eq!(named, want);

    let ages = with_class(root, "svg", "ages");
    assert_eq!(ages.len(), 1, "one ages chart");
    let rects: Vec<_> = ages[0]
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .collect();
    assert_eq!(rects.len(), 11, "one bar per item in limbo");
    let breached = rects
        .iter()
        .filter(|r| r.attribute("class") == Some("breached"))
        .count();
    assert_eq!(breached, 2, "#10 and #24 are past their SLA");

    let flow = with_class(root, "svg", "flow");
    assert_eq!(flow.len(), 1, "one cumulative flow chart");
    let layers: Vec<&str> = flow[0]
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .map(|n| n.attribute("class").expect("class"))
        .collect();
    assert_eq!(layers, ["dropped", "done", "limbo", "active"]);
}

#[test]
fn hostile_text_in_the_html_report_stays_text() {
    let board = Board::demo();
    let title = "<script>alert('x')</script> Smith & Sons \"Q4\"";
    let added = board.json(&["add", title, "--team", "sales", "--json"]);
    let id = added["id"].as_i64().expect("id").to_string();
    board.ok(&[
        "send",
        &id,
        "--to",
        "solutions",
        "--note",
        "Over to you",
        "--all-done",
    ]);
    board.ok(&["snapshot", "save", "--label", "</title><b>Q4 & more</b>"]);
    for args in [
        vec!["export", "--format", "html"],
        vec!["export", "--format", "html", "--snapshot", "1"],
    ] {
        let html = board.ok(&args);
        assert!(!html.contains("<script"), "{args:?}");
        assert!(!html.contains("<b>"), "{args:?}");
        assert!(html.contains(
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Smith &amp; Sons &quot;Q4&quot;"
        ));
        let doc = parse(&html);
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(
            texts.contains(&title),
            "{args:?}: the title reads back as typed"
        );
        assert!(
            doc.descendants()
                .all(|n| !n.has_tag_name("script") && !n.has_tag_name("b")),
            "{args:?}"
        );
    }
    let html = board.ok(&["export", "--format", "html", "--snapshot", "1"]);
    let doc = parse(&html);
    let heading = doc
        .descendants()
        .find(|n| n.has_tag_name("h1"))
        .and_then(|n| n.text())
        .expect("a heading");
    assert_eq!(heading, "Handoff retro: </title><b>Q4 & more</b>");
}

#[test]
fn the_html_report_has_the_charts_facilitators_use_and_fits_1280_pixels() {
    let board = Board::demo();
    let html = board.ok(&["export", "--format", "html"]);
    let doc = parse(&html);
    let root = doc.root_element();
    let stats = board.json(&["stats", "--json"]);
    let items = board.json(&["ls", "--json", "--all"]);
    let items = items.as_array().expect("items");
    let count_state = |states: &[&str]| {
        items
            .iter()
            .filter(|i| states.contains(&i["state"].as_str().unwrap_or("")))
            .count()
    };
    let chart = |class: &str| {
        let found = with_class(root, "svg", class);
        assert_eq!(found.len(), 1, "one {class} chart");
        found[0]
    };
    let circles = |svg: roxmltree::Node, class: &str| {
        svg.descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("class") == Some(class))
            .count()
    };
    // Every chart with axes names them, and has a legend.
    for class in ["scatter", "aging", "run", "breaches", "flow"] {
        let svg = chart(class);
        let titles = with_class(svg, "text", "axis-title").len();
        assert!(titles >= 1, "{class}: axis titles");
        assert!(
            !with_class(svg, "text", "legend").is_empty(),
            "{class}: a legend"
        );
    }
    // One dot per item done in the period (all history: every done item), with the
    // three percentile lines.
    let scatter = chart("scatter");
    assert_eq!(circles(scatter, "dot"), count_state(&["done"]));
    for line in ["p50", "p85line", "p95"] {
        assert_eq!(with_class(scatter, "line", line).len(), 1, "{line}");
    }
    // One dot per item in progress.
    let aging = chart("aging");
    assert_eq!(
        circles(aging, "within") + circles(aging, "breached"),
        count_state(&["active", "limbo"])
    );
    // One point per day of the period, zeros included.
    assert_eq!(
        circles(chart("run"), "dot"),
        stats["daily_throughput"].as_array().expect("days").len()
    );
    // The CFD's legend names the limbo band.
    let legend: Vec<&str> = with_class(chart("flow"), "text", "legend")
        .iter()
        .filter_map(|n| n.text())
        .collect();
    assert!(legend.contains(&"in limbo"), "{legend:?}");
    assert_eq!(with_class(root, "svg", "causes").len(), 1);
    // The forecast: 50, 85 and 95%.
    assert!(html.contains("<h2>Forecast</h2>"));
    for c in ["50%", "85%", "95%"] {
        assert!(html.contains(&format!("<td class=\"n\">{c}</td>")), "{c}");
    }
    // Fits 1280 pixels: charts at most 800 wide, tables at most nine columns.
    for svg in root.descendants().filter(|n| n.has_tag_name("svg")) {
        let width: f64 = svg
            .attribute("width")
            .expect("width")
            .parse()
            .expect("a number");
        assert!(width <= 800.0, "{width}");
    }
    for table in root.descendants().filter(|n| n.has_tag_name("table")) {
        let columns = table
            .descendants()
            .find(|n| n.has_tag_name("tr"))
            .map(|tr| tr.children().filter(|c| c.is_element()).count())
            .unwrap_or(0);
        assert!(columns <= 9, "{columns} columns");
    }
}

#[test]
fn the_lists_of_items_in_trouble_agree_with_the_counts() {
    let board = Board::demo();
    let stats = board.json(&["stats", "--json"]);
    let md = board.ok(&["export", "--format", "md"]);
    let html = board.ok(&["export", "--format", "html"]);
    let o = &stats["overall"];
    for (heading, key) in [
        ("Breached the SLA", "breached"),
        ("Bounced", "bounced"),
        ("Escalated", "escalations"),
        ("Sent incomplete (forced)", "incomplete_handoffs"),
        ("Dropped batons flagged", "dropped_batons"),
    ] {
        let n = o[key].as_u64().expect("a count");
        assert!(
            md.contains(&format!("\n### {heading} ({n})\n")),
            "{heading}: {n}\n{md}"
        );
        assert!(
            html.contains(&format!("<h3>{heading} ({n})</h3>")),
            "{heading}"
        );
    }
    // With the reasons as recorded.
    assert!(md.contains(
        "| #16 Wingtip Toys — SOW for EU data residency | solutions → onboarding | 2026-11-19 11:00 | The order form says one EU region and the SOW says two. Please get them to agree before kick-off. | missing-context |"
    ));
}

/// The report's list of breaches follows the one SLA rule: the SLA in force when the
/// item was sent, counted in working time. sales → solutions has an SLA of one working
/// day (Mon–Fri 09:00–17:00) when both items are sent, and a week after; #1 waits from
/// Friday 16:00 to Monday 10:00 (2h of working time: within, though 2d 18h by the wall
/// clock), #2 from Friday 10:00 to Tuesday 10:00 (16h of working time, 2d: breached,
/// though 4d by the wall clock is within today's week), dated when its working day ran
/// out, Monday 10:00.
fn breaches_are_listed_by_the_sla_in_force_in_working_time(backend: Backend) {
    let board = Board::office_hours_on(backend, "2026-11-25T12:00:00Z", &[]);
    board.office_boundary(&[]);
    for (title, sent, accepted) in [
        (
            "Waited a weekend",
            "2026-11-20T16:00:00Z",
            "2026-11-23T10:00:00Z",
        ),
        (
            "Waited two working days",
            "2026-11-20T10:00:00Z",
            "2026-11-24T10:00:00Z",
        ),
    ] {
        let added = board.json(&[
            "add",
            title,
            "--team",
            "sales",
            "--at",
            "2026-11-20T09:00:00Z",
            "--json",
        ]);
        let id = added["id"].to_string();
        board.ok(&[
            "send",
            &id,
            "--to",
            "solutions",
            "--note",
            "ready",
            "--at",
            sent,
        ]);
        board.ok(&["accept", &id, "--at", accepted]);
    }
    board.ok(&["boundary", "edit", "sales", "solutions", "--sla", "1w"]);
    let stats = board.json(&["stats", "--json"]);
    assert_eq!(stats["overall"]["breached"], 1, "{stats}");
    let md = board.ok(&["export", "--format", "md"]);
    let list = md
        .split("### Breached the SLA")
        .nth(1)
        .and_then(|rest| rest.split("\n### ").next())
        .expect("the list of breaches");
    assert_eq!(
        list,
        " (1)\n\n| item | where | when | why | cause |\n| --- | --- | --- | --- | --- |\n\
         | #2 Waited two working days | sales → solutions | 2026-11-23 10:00 | waited 2d working time against the SLA of 1d |  |\n",
        "{md}"
    );
    let html = board.ok(&["export", "--format", "html"]);
    assert!(html.contains("<h3>Breached the SLA (1)</h3>"), "{html}");
    assert!(
        html.contains("waited 2d working time against the SLA of 1d"),
        "{html}"
    );
}

/// More items dropped than the list shows: the heading counts them all.
fn every_dropped_item_is_counted_though_the_list_is_capped(backend: Backend) {
    let board = Board::empty_on(backend, NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    let n = baton::domain::snapshot::LIST_LIMIT + 3;
    for i in 1..=n {
        let at = format!("2026-11-{:02}T{:02}:00:00Z", 2 + i / 20, i % 20);
        let added = board.json(&[
            "add",
            &format!("Lead {i}"),
            "--team",
            "sales",
            "--at",
            &at,
            "--json",
        ]);
        let id = added["id"].to_string();
        board.ok(&["drop", &id, "--reason", "no budget", "--at", &at]);
    }
    let stats = board.json(&["stats", "--json"]);
    assert_eq!(stats["overall"]["dropped"], n, "{stats}");
    let md = board.ok(&["export", "--format", "md"]);
    assert!(md.contains(&format!("\n### Dropped items ({n})\n")), "{md}");
    assert!(
        md.contains(&format!(
            "The {} most recent; `baton export --format csv --events` lists every one.",
            baton::domain::snapshot::LIST_LIMIT
        )),
        "{md}"
    );
    // The oldest three are left out of the list, the newest kept.
    assert!(!md.contains("| #3 Lead 3 |"), "{md}");
    assert!(md.contains("| #4 Lead 4 |"), "{md}");
    assert!(md.contains(&format!("| #{n} Lead {n} |")), "{md}");
    let html = board.ok(&["export", "--format", "html"]);
    assert!(
        html.contains(&format!("<h3>Dropped items ({n})</h3>")),
        "{html}"
    );
}

/// A window that starts after an item was created still names each crossing's teams:
/// where the item was is read from its whole history, only the rows are the window's.
fn the_events_csv_of_a_window_names_the_teams_of_each_crossing(backend: Backend) {
    let board = Board::empty_on(backend, NOW, DbBy::Env);
    board.ok(&["init"]);
    for team in ["sales", "solutions"] {
        board.ok(&["team", "add", team]);
    }
    board.ok(&["boundary", "add", "sales", "solutions", "--sla", "2d"]);
    board.ok(&[
        "add",
        "Renewal",
        "--team",
        "sales",
        "--at",
        "2026-11-02T09:00:00Z",
    ]);
    board.ok(&[
        "send",
        "1",
        "--to",
        "solutions",
        "--note",
        "ready",
        "--at",
        "2026-11-10T09:00:00Z",
    ]);
    board.ok(&["accept", "1", "--at", "2026-11-11T09:00:00Z"]);
    let csv = board.ok(&[
        "export",
        "--format",
        "csv",
        "--events",
        "--since",
        "2026-11-09",
        "--until",
        "2026-11-20",
    ]);
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let crossing: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[4], r[5], r[6])).collect();
    assert_eq!(
        crossing,
        [
            ("sent", "sales", "solutions"),
            ("accepted", "sales", "solutions")
        ],
        "{csv}"
    );
}

on_both_backends!(
    breaches_are_listed_by_the_sla_in_force_in_working_time,
    every_dropped_item_is_counted_though_the_list_is_capped,
    the_events_csv_of_a_window_names_the_teams_of_each_crossing
);
