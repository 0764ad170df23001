use std::process::ExitCode;

use clap::Parser;

use baton::cli::{self, args::Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli, baton::tui::open) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let text = format!("{error:#}");
            eprintln!("error: {}", baton::domain::text::display_safe(&text));
            if error.is::<cli::UsageError>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
