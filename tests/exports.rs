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
