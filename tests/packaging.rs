//! What an installed `baton` offers around itself: its version, shell completion that
//! knows the board (team keys, item ids by state), and manual pages.

#[macro_use]
mod common;

use common::cli::{Backend, Board, DbBy};

const NOW: &str = "2026-11-25T12:00:00Z";

#[test]
fn version_names_the_crate_version() {
    let board = Board::empty_at(NOW, DbBy::Env);
    assert_eq!(
        board.ok(&["--version"]),
        format!("baton {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// What the completion script asks `baton` for when the user presses TAB after
/// `words` (bash's protocol: the index of the word being completed, and the words).
fn complete(board: &Board, words: &[&str]) -> Vec<String> {
    let output = board
        .std_cmd(&[])
        .env("BATON_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

fn completion_offers_the_board_s_items_by_state_and_its_team_keys(backend: Backend) {
    let board = Board::empty_on(backend, NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "support"]);
    board.ok(&["boundary", "add", "sales", "support"]);
    board.ok(&["add", "Renewal", "--team", "sales"]);
    board.ok(&["add", "Kick-off", "--team", "sales"]);
    board.ok(&["send", "2", "--to", "support", "--note", "n", "--all-done"]);
    assert_eq!(complete(&board, &["baton", "acc"]), ["accept", "access"]);
    assert_eq!(complete(&board, &["baton", "accep"]), ["accept"]);
    // In limbo: only #2 can be accepted; #1 is the one that can be sent. (The flags
    // come after the values.)
    let accept = complete(&board, &["baton", "accept", ""]);
    assert_eq!(accept[..2], ["2", "--owner"]);
    let send = complete(&board, &["baton", "send", ""]);
    assert_eq!(send[..2], ["1", "--to"]);
    assert_eq!(
        complete(&board, &["baton", "add", "x", "--team", "s"]),
        ["sales", "support"]
    );
    // Signal codes a person may dismiss; the facts (overdue, sla-breached) are not.
    let codes = complete(&board, &["baton", "dismiss", "2", ""]);
    assert!(codes.contains(&"ping-pong".to_string()), "{codes:?}");
    assert!(codes.contains(&"escalated".to_string()), "{codes:?}");
    assert!(!codes.contains(&"overdue".to_string()), "{codes:?}");
    assert!(!codes.contains(&"sla-breached".to_string()), "{codes:?}");
    assert_eq!(
        complete(&board, &["baton", "dismiss", "2", "po"]),
        ["possible-duplicate"]
    );
    assert_eq!(
        complete(&board, &["baton", "send", "1", "--to", "su"]),
        ["support"]
    );
}

on_both_backends!(completion_offers_the_board_s_items_by_state_and_its_team_keys);

#[test]
fn every_shell_gets_a_script_that_calls_baton_back() {
    let board = Board::empty_at(NOW, DbBy::Env);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = board.ok(&["completions", shell]);
        assert!(script.contains("BATON_COMPLETE"), "{shell}: {script}");
    }
    let stderr = board.fails(&["completions", "tcsh"], 2);
    assert!(
        stderr.starts_with("error: invalid value 'tcsh'"),
        "{stderr}"
    );
    // Nothing about a database: completions work before `baton init`.
    assert!(!board.exists());
}

#[test]
fn man_writes_a_page_for_baton_and_each_command() {
    let board = Board::empty_at(NOW, DbBy::Env);
    let main = board.ok(&["man"]);
    assert!(main.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{main}");
    assert!(main.contains(".TH baton 1"), "{main}");
    let dir = board.path("man1");
    let said = board.ok(&["man", "--out", dir.to_str().expect("path")]);
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        said,
        format!(
            "wrote {} manual pages to {} (baton.1, baton-send.1, …)\n",
            pages.len(),
            dir.display()
        )
    );
    for page in [
        "baton.1",
        "baton-send.1",
        "baton-team-add.1",
        "baton-import.1",
    ] {
        assert!(pages.contains(&page.to_string()), "{page} in {pages:?}");
    }
    let send = std::fs::read_to_string(dir.join("baton-send.1")).expect("page");
    assert!(send.contains(".TH baton-send 1"), "{send}");
    assert!(send.contains("Hand an item to the next team"), "{send}");
}
