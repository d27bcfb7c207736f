//! Gives or takes the admin role: `cargo run -p movieverse-shared --bin admin -- promote <id>`
//! (or `demote <id>`), with the same settings as the functions (`POSTGRES_URL`, or the embedded
//! store in `MOVIEVERSE_DATA_DIR`; or a `MOVIEVERSE_SECRET_ID` that holds them).

use shared::operator::Command;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    shared::logging::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match Command::parse(&args) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(2);
        }
    };
    let state = shared::AppState::from_settings(shared::config::load().await).await;
    match command.run(&state).await {
        Ok(()) => {
            println!(
                "account {} is now {}",
                command.account,
                command.role.as_str()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            std::process::ExitCode::FAILURE
        }
    }
}
