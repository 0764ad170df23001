//! Exported files are safe to open: a CSV cell never starts a spreadsheet formula or
//! carries terminal control bytes, and a file written with `--out` gets the mode any
//! new file would (the umask decides), or keeps the mode of the file it replaces.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::cli::{Board, DbBy};
use common::{BIN, NOW};

fn board() -> Board {
    let board = Board::empty_at(NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["add", "=HYPERLINK(\"http://x\",\"y\")", "--team", "sales"]);
    board.ok(&[
        "add",
        "\u{1b}[31mred\u{7}",
        "--team",
        "sales",
        "--owner",
        "@maya",
    ]);
    board.ok(&["add", "--team", "sales", "--", "-2+3"]);
    board
}

#[test]
fn csv_cells_never_start_a_formula_or_carry_control_bytes() {
    let board = board();
    let csv = board.ok(&["export", "--format", "csv"]);
    assert!(!csv.bytes().any(|b| b < 0x20 && b != b'\n'), "{csv:?}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows[0][1], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(rows[1][1], " [31mred ");
    assert_eq!(rows[1][5], "'@maya");
    assert_eq!(rows[2][1], "'-2+3");
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn out_files_follow_the_umask_and_keep_an_existing_mode() {
    let board = board();
    let out = board.path("retro.md");
    let status = Command::new("sh")
        .arg("-c")
        .arg("umask 027 && exec \"$0\" export --format md --out \"$1\"")
        .arg(BIN)
        .arg(&out)
        .env("BATON_DB", &board.db)
        .env("BATON_NOW", NOW)
        .status()
        .expect("runs");
    assert!(status.success());
    assert_eq!(mode(&out), 0o640);

    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    board.ok(&[
        "export",
        "--format",
        "csv",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(mode(&out), 0o644, "an existing file keeps its mode");
    assert!(
        std::fs::read_to_string(&out)
            .expect("read")
            .starts_with("id,title")
    );
}

#[test]
fn markdown_keeps_hostile_text_as_text() {
    let board = board();
    board.ok(&["add", "<script>alert(1)</script>", "--team", "sales"]);
    board.ok(&["add", "<img src=x onerror=alert(1)>", "--team", "sales"]);
    board.ok(&[
        "add",
        "[click](javascript:alert(1)) **now**",
        "--team",
        "sales",
    ]);
    board.ok(&["team", "add", "ops"]);
    board.ok(&["boundary", "add", "sales", "ops"]);
    for id in ["4", "5", "6"] {
        board.ok(&["send", id, "--to", "ops", "--note", "n"]);
    }
    let md = board.ok(&["export", "--format", "md"]);
    for raw in ["<script", "<img", "](javascript:", "javascript:", "**now**"] {
        assert!(!md.contains(raw), "{raw} in\n{md}");
    }
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
    assert!(md.contains("\\[click\\](javascript&#58;alert(1)) \\*\\*now\\*\\*"));
}

#[test]
fn a_report_that_cannot_be_written_is_an_error() {
    let board = board();
    for format in [&["csv"][..], &["csv", "--boundaries"], &["md"], &["html"]] {
        let mut args = vec!["export", "--format"];
        args.extend(format);
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let output = board.std_cmd(&args).stdout(full).output().expect("runs");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).starts_with("error: "),
            "{args:?}"
        );
    }
}

#[test]
fn an_out_file_in_a_missing_folder_is_named_as_the_user_gave_it() {
    let board = board();
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no such folder").join("retro.md");
    let output = board
        .std_cmd(&["export", "--format", "md", "--out"])
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        said.trim_end(),
        format!(
            "error: cannot write {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
}

#[test]
fn a_new_out_file_is_0644_under_umask_022() {
    let board = board();
    let out = board.path("items.csv");
    let status = Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" export --format csv --out \"$1\"")
        .arg(BIN)
        .arg(&out)
        .env("BATON_DB", &board.db)
        .env("BATON_NOW", NOW)
        .status()
        .expect("runs");
    assert!(status.success());
    assert_eq!(mode(&out), 0o644);
}

/// sales → ops: #1 created 11-02 09:00, sent 11-03 10:00, bounced, sent again 11-04,
/// accepted 11-04 12:00 by ops, done 11-05; #2 created 11-05 in ops with a link, a
/// flagged dropped baton; #3 a title that starts a formula after a tab (trimmed).
fn flow_board() -> Board {
    let board = Board::empty_at(NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "ops"]);
    board.ok(&["boundary", "add", "sales", "ops"]);
    for (args, at) in [
        (&["add", "Acme", "--team", "sales"][..], "2026-11-02 09:00"),
        (
            &["send", "1", "--to", "ops", "--note", "=1+1"],
            "2026-11-03 10:00",
        ),
        (
            &["bounce", "1", "--reason", "@ops: no spec"],
            "2026-11-03 11:00",
        ),
        (
            &["send", "1", "--to", "ops", "--note", "spec now"],
            "2026-11-04 10:00",
        ),
        (&["accept", "1", "--owner", "bo"], "2026-11-04 12:00"),
        (&["done", "1"], "2026-11-05 09:00"),
        (
            &[
                "add",
                "Beta",
                "--team",
                "ops",
                "--link",
                "https://x.example/2",
            ],
            "2026-11-05 10:00",
        ),
        (
            &["flag", "2", "--note", "lost the thread"],
            "2026-11-05 11:00",
        ),
        (
            &["add", "\t=cmd|' /C calc'!A0", "--team", "ops"],
            "2026-11-05 12:00",
        ),
    ] {
        let mut args = args.to_vec();
        args.extend(["--at", at]);
        board.ok(&args);
    }
    board
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_items_csv_gains_the_dates_each_item_entered_each_column() {
    let rows = csv_rows(&flow_board().ok(&["export", "--format", "csv"]));
    assert_eq!(
        rows[0][11..],
        [
            "link",
            "entered sales",
            "entered sales → ops",
            "entered ops",
            "entered done"
        ]
    );
    // #1 entered limbo first at its first send; ops at the acceptance.
    assert_eq!(
        rows[1][12..],
        [
            "2026-11-02T09:00:00Z",
            "2026-11-03T10:00:00Z",
            "2026-11-04T12:00:00Z",
            "2026-11-05T09:00:00Z"
        ]
    );
    assert_eq!(
        rows[2][11..],
        ["https://x.example/2", "", "", "2026-11-05T10:00:00Z", ""]
    );
    // The title was trimmed of its tab; the formula is neutralised all the same.
    assert_eq!(rows[3][1], "'=cmd|' /C calc'!A0");
}

#[test]
fn the_stages_layout_is_what_flow_analytics_tools_import() {
    let text = flow_board().ok(&["export", "--format", "csv", "--layout", "stages"]);
    assert_eq!(
        csv_rows(&text),
        [
            ["ID", "Link", "Name", "sales", "sales → ops", "ops", "Done"],
            [
                "1",
                "",
                "Acme",
                "2026-11-02",
                "2026-11-03",
                "2026-11-04",
                "2026-11-05"
            ],
            ["2", "https://x.example/2", "Beta", "", "", "2026-11-05", ""],
            ["3", "", "'=cmd|' /C calc'!A0", "", "", "2026-11-05", ""],
        ]
    );
}

#[test]
fn the_events_csv_has_one_safe_row_per_event() {
    let board = flow_board();
    let text = board.ok(&["export", "--format", "csv", "--events"]);
    let rows = csv_rows(&text);
    assert_eq!(
        rows[0],
        [
            "item", "seq", "time", "actor", "type", "from", "to", "owner", "note", "reason",
            "cause"
        ]
    );
    let row = |cells: [&str; 11]| cells.map(str::to_string).to_vec();
    assert_eq!(
        rows[1..7],
        [
            row([
                "1",
                "1",
                "2026-11-02T09:00:00Z",
                "tester",
                "created",
                "",
                "sales",
                "",
                "",
                "",
                ""
            ]),
            row([
                "1",
                "2",
                "2026-11-03T10:00:00Z",
                "tester",
                "sent",
                "sales",
                "ops",
                "",
                "'=1+1",
                "",
                ""
            ]),
            row([
                "1",
                "3",
                "2026-11-03T11:00:00Z",
                "tester",
                "bounced",
                "sales",
                "ops",
                "",
                "",
                "'@ops: no spec",
                ""
            ]),
            row([
                "1",
                "4",
                "2026-11-04T10:00:00Z",
                "tester",
                "sent",
                "sales",
                "ops",
                "",
                "spec now",
                "",
                ""
            ]),
            row([
                "1",
                "5",
                "2026-11-04T12:00:00Z",
                "tester",
                "accepted",
                "sales",
                "ops",
                "bo",
                "",
                "",
                ""
            ]),
            row([
                "1",
                "6",
                "2026-11-05T09:00:00Z",
                "tester",
                "done",
                "ops",
                "",
                "",
                "",
                "",
                ""
            ]),
        ]
    );
    assert_eq!(rows.len(), 1 + 6 + 2 + 1);
    // Within a period: [since, until).
    let day = csv_rows(&board.ok(&[
        "export",
        "--format",
        "csv",
        "--events",
        "--since",
        "2026-11-04",
        "--until",
        "2026-11-05 09:00",
    ]));
    let seqs: Vec<(&str, &str)> = day[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(seqs, [("1", "sent"), ("1", "accepted")]);
    assert!(
        board
            .fails(&["export", "--format", "md", "--events"], 2)
            .starts_with("error: --layout and --events go with --format csv")
    );
}
