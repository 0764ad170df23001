//! Issues from Jira, GitHub and Linear onto the board, as a user runs the import: what
//! lands where, what a second import changes, and what a file that cannot be mapped
//! leaves behind (nothing). The fixtures in `tests/fixtures/` follow each tool's export
//! format, with hostile cells (a formula, terminal escapes, a quoted multi-line cell,
//! a byte-order mark).

#[macro_use]
mod common;

use common::cli::{Backend, Board, DbBy};

const NOW: &str = "2026-11-25T12:00:00Z";
const JIRA_MAP: &str = "Support=support,Billing=finance";

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn board(backend: Backend) -> Board {
    let board = Board::empty_on(backend, NOW, DbBy::Env);
    board.ok(&["init"]);
    for team in ["support", "finance", "engineering"] {
        board.ok(&["team", "add", team]);
    }
    board
}

fn import_jira(board: &Board) -> String {
    board.ok(&[
        "import",
        "--from",
        "jira-csv",
        &fixture("jira.csv"),
        "--team-map",
        JIRA_MAP,
        "--jira-url",
        "https://acme.atlassian.net/",
    ])
}

/// Imports `text`, the Jira export as it reads later, from `jira-later.csv`.
fn import_later(board: &Board, text: &str) -> std::process::Output {
    let path = board.path("jira-later.csv");
    std::fs::write(&path, text).expect("write");
    let path = path.to_str().expect("path");
    let args = ["import", "--from", "jira-csv", path, "--team-map", JIRA_MAP];
    board.cmd(&args).output().expect("runs")
}

fn jira_issues_land_with_their_state_owner_tags_due_date_and_link(backend: Backend) {
    let board = board(backend);
    let said = import_jira(&board);
    assert_eq!(
        said,
        format!(
            "imported 4 issues from {}: 4 new, 0 updated, 0 unchanged\n",
            fixture("jira.csv")
        )
    );
    let items = board.json(&["ls", "--all", "--json"]);
    let summary: Vec<(String, String, String, String)> = items
        .as_array()
        .expect("list")
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap_or_default().to_string(),
                i["team"].as_str().unwrap_or_default().to_string(),
                i["state"].as_str().unwrap_or_default().to_string(),
                i["external_key"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_string(), b.to_string(), c.to_string(), d.to_string())
    };
    assert_eq!(
        summary,
        vec![
            s(
                "Login fails on SSO for Contoso",
                "support",
                "active",
                "jira:SUP-12"
            ),
            // A formula is only text on the board.
            s(
                "=HYPERLINK(\"http://evil.example\",\"click\")",
                "support",
                "done",
                "jira:SUP-13"
            ),
            // Closed as "Won't Do": dropped, not done.
            s("Refund twice charged", "finance", "dropped", "jira:BILL-7"),
            // The escape sequences are gone from the title, whole.
            s("Escape red title", "support", "active", "jira:SUP-14"),
        ]
    );
    let first = &items[0];
    assert_eq!(first["owner"], "Maya Patel");
    assert_eq!(first["tags"], serde_json::json!(["sso", "customer"]));
    assert_eq!(first["due"], "2026-12-01T23:59:00Z");
    assert_eq!(first["link"], "https://acme.atlassian.net/browse/SUP-12");
    assert_eq!(first["created_at"], "2026-11-03T09:15:00Z");
    let show = board.ok(&["show", "1"]);
    assert!(
        show.contains("  link:      https://acme.atlassian.net/browse/SUP-12\n"),
        "{show}"
    );
    assert!(
        show.contains("  1. Open the portal\n  2. Click \"Sign in with SSO\"\n"),
        "{show}"
    );
    // "Unassigned" is nobody; the dropped one says why, in Jira's words.
    assert_eq!(items[1]["owner"], serde_json::Value::Null);
    let dropped = board.ok(&["show", "3"]);
    assert!(dropped.contains("closed in Jira as Won't Do"), "{dropped}");
}

fn importing_the_same_file_again_changes_nothing_and_an_edited_file_updates_in_place(
    backend: Backend,
) {
    let board = board(backend);
    import_jira(&board);
    assert_eq!(
        import_jira(&board),
        format!(
            "imported 4 issues from {}: 0 new, 0 updated, 4 unchanged\n",
            fixture("jira.csv")
        )
    );
    // The issue was retitled, reassigned and resolved in Jira since.
    let text = std::fs::read_to_string(fixture("jira.csv")).expect("fixture");
    let changed = text
        .replace(
            "Login fails on SSO for Contoso,SUP-12,10012,Bug,In Progress",
            "Login fails on SSO (Contoso and Fabrikam),SUP-12,10012,Bug,Done",
        )
        .replace(
            ",Maya Patel,Dana Lee,03/Nov/26",
            ",Omar Haddad,Dana Lee,03/Nov/26",
        );
    let output = import_later(&board, &changed);
    assert!(output.status.success());
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.ends_with(": 0 new, 1 updated, 3 unchanged\n"),
        "{said}"
    );
    let items = board.json(&["ls", "--all", "--json"]);
    assert_eq!(items.as_array().expect("list").len(), 4);
    assert_eq!(
        items[0]["title"],
        "Login fails on SSO (Contoso and Fabrikam)"
    );
    assert_eq!(items[0]["owner"], "Omar Haddad");
    assert_eq!(items[0]["state"], "done");
    // The link stays: the second import gave no --jira-url, and a missing link is not
    // a reason to drop one. The changes are events in the item's history.
    assert_eq!(items[0]["link"], "https://acme.atlassian.net/browse/SUP-12");
    let show = board.json(&["show", "1", "--json"]);
    let kinds: Vec<&str> = show["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["created", "edited", "owner", "done"]);
}

fn a_file_with_unmappable_rows_imports_nothing_and_lists_each_row_with_its_reason(
    backend: Backend,
) {
    let board = board(backend);
    let file = fixture("jira-unmapped.csv");
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "--from",
            "jira-csv",
            &file,
            "--team-map",
            "Support=support",
        ];
        args.extend_from_slice(extra);
        board.cmd(&args).output().expect("runs")
    };
    let output = import(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: {file}: 3 of 4 issues cannot be imported (listed below); nothing was imported (--skip-unmapped imports the others)\n\
             \x20 line 3 (MKT-1): project `Marketing` is not in --team-map (add 'Marketing=TEAM', or give --team)\n\
             \x20 line 4 (SUP-21): no summary\n\
             \x20 line 5 (SUP-22): Created `yesterday-ish` is not a time Baton reads\n"
        )
    );
    assert_eq!(board.ok(&["ls", "--all"]), "no items match\n");
    // Asked to, it imports what it can and says what it left out.
    let output = import(&["--skip-unmapped"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("imported 1 issue from {file}: 1 new, 0 updated, 0 unchanged; 3 left out\n")
    );
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .starts_with("warning: left out line 3 (MKT-1): project `Marketing`"),
    );
}

fn an_issue_the_rules_refuse_abandons_the_whole_import(backend: Backend) {
    let board = board(backend);
    board.ok(&["boundary", "add", "support", "engineering"]);
    import_jira(&board);
    board.ok(&[
        "send",
        "1",
        "--to",
        "engineering",
        "--note",
        "needs a fix",
        "--all-done",
    ]);
    // Closed in Jira while it waits in limbo: Baton will not finish an unaccepted item.
    let text = std::fs::read_to_string(fixture("jira.csv"))
        .expect("fixture")
        .replace("Bug,In Progress", "Bug,Done")
        .replace("Escape", "Renamed");
    let output = import_later(&board, &text);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: {}: 1 of 4 issues cannot be imported (listed below); nothing was imported (--skip-unmapped imports the others)\n\
             \x20 line 2 (SUP-12): cannot finish #1: it is in limbo support → engineering; accept or reclaim it first; only an item a team holds can be done\n",
            board.path("jira-later.csv").display()
        )
    );
    // SUP-14's new title was not written either.
    assert_eq!(
        board.json(&["show", "4", "--json"])["title"],
        "Escape red title"
    );
}

fn github_and_linear_issues_keep_their_keys_and_links(backend: Backend) {
    let board = board(backend);
    let said = board.ok(&[
        "import",
        "--from",
        "github",
        &fixture("github.json"),
        "--team",
        "engineering",
    ]);
    assert!(
        said.ends_with(": 3 new, 0 updated, 0 unchanged\n"),
        "{said}"
    );
    board.ok(&[
        "import",
        "--from",
        "linear-csv",
        &fixture("linear.csv"),
        "--team-map",
        "Platform=engineering",
        "--linear-url",
        "https://linear.app/acme/",
    ]);
    let items = board.json(&["ls", "--all", "--json"]);
    let row = |i: usize| {
        let item = &items[i];
        format!(
            "{} {} {} {} {}",
            item["external_key"].as_str().unwrap_or_default(),
            item["state"].as_str().unwrap_or_default(),
            item["owner"].as_str().unwrap_or("-"),
            item["link"].as_str().unwrap_or("-"),
            item["title"].as_str().unwrap_or_default(),
        )
    };
    let rows: Vec<String> = (0..6).map(row).collect();
    assert_eq!(
        rows,
        [
            "github:acme/web#7 active priya https://github.com/acme/web/issues/7 Crash when the export folder is missing",
            "github:acme/web#8 done - https://github.com/acme/web/issues/8 Document the release process",
            "github:acme/web#9 dropped - https://github.com/acme/web/issues/9 Old idea",
            "linear:ENG-42 active ravi@acme.example https://linear.app/acme/issue/ENG-42 Rotate the staging database password",
            "linear:ENG-43 done - https://linear.app/acme/issue/ENG-43 Remove the old feature flags",
            "linear:ENG-44 dropped - https://linear.app/acme/issue/ENG-44 Try a second cache",
        ]
    );
    assert_eq!(items[0]["tags"], serde_json::json!(["bug", "export"]));
    assert_eq!(items[3]["tags"], serde_json::json!(["Security", "Infra"]));
    assert_eq!(items[3]["due"], "2026-12-04T23:59:00Z");
    // Closed issues close when they closed in the tracker.
    let done = board.json(&["show", "2", "--json"]);
    assert_eq!(done["events"][1]["at"], "2026-11-10T17:00:00Z");
}

on_both_backends!(
    jira_issues_land_with_their_state_owner_tags_due_date_and_link,
    importing_the_same_file_again_changes_nothing_and_an_edited_file_updates_in_place,
    a_file_with_unmappable_rows_imports_nothing_and_lists_each_row_with_its_reason,
    an_issue_the_rules_refuse_abandons_the_whole_import,
    github_and_linear_issues_keep_their_keys_and_links,
);

#[test]
fn an_import_without_a_team_is_a_usage_error_and_a_file_of_another_kind_names_what_is_missing() {
    let board = board(Backend::Sqlite);
    let stderr = board.fails(&["import", "--from", "github", &fixture("github.json")], 2);
    assert_eq!(
        stderr,
        "error: say which team the issues go to: --team-map 'NAME=TEAM,…' or --team KEY\n"
    );
    let file = fixture("github.json");
    assert_eq!(
        board.error(&["import", "--from", "jira-csv", &file, "--team", "support"]),
        format!(
            "error: {file} (jira-csv): not a Jira CSV export: it has no `Issue key` column (its columns: [)"
        )
    );
    assert_eq!(
        board.error(&[
            "import",
            "--from",
            "github",
            &fixture("jira.csv"),
            "--team",
            "support"
        ]),
        format!(
            "error: {} (github): not the JSON of `gh issue list --json …` (an array of issues): expected value at line 1 column 1",
            fixture("jira.csv")
        )
    );
}

#[test]
fn a_link_is_added_shown_exported_and_round_trips() {
    let board = board(Backend::Sqlite);
    board.ok(&[
        "add",
        "Renewal",
        "--team",
        "support",
        "--link",
        "https://crm.example/deal/7",
    ]);
    assert!(
        board
            .ok(&["show", "1"])
            .contains("  link:      https://crm.example/deal/7\n")
    );
    assert_eq!(
        board.error(&[
            "add",
            "X",
            "--team",
            "support",
            "--link",
            "javascript:alert(1)"
        ]),
        "error: `javascript:alert(1)` is not a link (use an http:// or https:// address, without spaces)"
    );
    board.ok(&["edit", "1", "--link", "https://crm.example/deal/8"]);
    let csv = board.ok(&["export", "--format", "csv"]);
    assert!(
        csv.lines()
            .next()
            .expect("header")
            .contains(",escalations,link,"),
        "{csv}"
    );
    // The columns after the link: the date the item first entered each column.
    assert!(csv.contains(",https://crm.example/deal/8,"), "{csv}");
    let exported = board.ok(&["export", "--format", "json"]);
    assert!(
        exported.contains("\"link\":\"https://crm.example/deal/7\""),
        "{exported}"
    );
    let other = Board::empty_at(NOW, DbBy::Env);
    let doc = other.path("board.json");
    std::fs::write(&doc, &exported).expect("write");
    other.ok(&["import", doc.to_str().expect("path")]);
    assert_eq!(other.ok(&["export", "--format", "json"]), exported);
    assert_eq!(
        other.json(&["show", "1", "--json"])["link"],
        "https://crm.example/deal/8"
    );
}
