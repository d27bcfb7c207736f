//! Applies the production migrations: `cargo run -p movieverse-shared --bin migrate`, with
//! `POSTGRES_URL` and/or `MYSQL_URL` set (or a `MOVIEVERSE_SECRET_ID` that holds them).

use shared::config::StoreSetting;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    shared::logging::init();
    let settings = shared::config::load().await;
    let mut failed = false;
    let mut ran = false;
    if let StoreSetting::Production(url) = &settings.accounts {
        ran = true;
        match shared::state::pg_pool(url.expose()) {
            Ok(pool) => match shared::migrate::postgres(&pool).await {
                Ok(()) => println!("PostgreSQL: migrations applied"),
                Err(error) => {
                    eprintln!("PostgreSQL: {error}");
                    failed = true;
                }
            },
            Err(error) => {
                eprintln!("PostgreSQL: {error}");
                failed = true;
            }
        }
    }
    if let StoreSetting::Production(url) = &settings.reviews {
        ran = true;
        match shared::state::mysql_pool(url.expose()) {
            Ok(pool) => match shared::migrate::mysql(&pool).await {
                Ok(()) => println!("MySQL: migrations applied"),
                Err(error) => {
                    eprintln!("MySQL: {error}");
                    failed = true;
                }
            },
            Err(error) => {
                eprintln!("MySQL: {error}");
                failed = true;
            }
        }
    }
    if !ran {
        eprintln!("nothing to migrate: set POSTGRES_URL and/or MYSQL_URL");
    }
    if failed {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
