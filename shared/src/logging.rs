//! Structured JSON logs via `tracing`, filtered by `RUST_LOG` (default `info`).

use tracing::level_filters::LevelFilter;
use tracing::Subscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the JSON subscriber once; later calls (tests) are no-ops.
pub fn init() {
    init_with_writer(std::io::stdout);
}

/// [`init`] writing somewhere else (the bench discards the lines but keeps their cost).
pub fn init_with_writer<W>(writer: W)
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let _ = subscriber(std::env::var("RUST_LOG").ok().as_deref(), writer).try_init();
}

/// JSON lines to `writer`, filtered by `directives` (the value of `RUST_LOG`): what [`init`]
/// installs, for tests that read what the functions log.
pub fn subscriber<W>(directives: Option<&str>, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        // The builder's own default drops everything below `info`; `Targets` decides instead.
        .with_max_level(LevelFilter::TRACE)
        .with_writer(writer)
        .with_current_span(true)
        .with_span_list(false)
        // CloudWatch stamps every line already; locally the time still helps.
        .with_target(false)
        .without_time()
        .finish()
        .with(filter_from(directives))
}

/// `RUST_LOG` as a level per target (`info`, `warn,shared=debug,sqlx=debug`); unset or
/// unreadable means `info`. Why `Targets` and not `EnvFilter`: nobody here filters on span
/// fields, and `EnvFilter`'s regex engine was 0.18 MB of machine code in every binary.
fn filter_from(directives: Option<&str>) -> Targets {
    directives
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_sets_a_level_per_target() {
        let filter = filter_from(Some("warn,sqlx=debug"));
        assert!(filter.would_enable("sqlx::query", &Level::DEBUG));
        assert!(!filter.would_enable("shared::state", &Level::INFO));
        assert!(filter.would_enable("shared::state", &Level::WARN));
    }

    /// What the installed subscriber writes, as a `MakeWriter` the test can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn lines_written(directives: Option<&str>, log: impl FnOnce()) -> String {
        let captured = Captured::default();
        let sink = captured.clone();
        tracing::subscriber::with_default(subscriber(directives, move || sink.clone()), log);
        let bytes = captured.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn debug_lines_of_a_target_set_to_debug_are_written() {
        let written = lines_written(Some("warn,sqlx=debug"), || {
            tracing::debug!(target: "sqlx::query", "SELECT 1");
            tracing::info!(target: "shared::state", "ready");
        });
        assert!(written.contains("SELECT 1"), "{written}");
        assert!(!written.contains("ready"), "{written}");
    }

    #[test]
    fn by_default_info_is_written_and_debug_is_not() {
        let written = lines_written(None, || {
            tracing::info!(target: "shared::state", "ready");
            tracing::debug!(target: "shared::state", "details");
        });
        assert!(written.contains("\"ready\""), "{written}");
        assert!(!written.contains("details"), "{written}");
    }

    #[test]
    fn unset_or_unreadable_rust_log_means_info() {
        for directives in [None, Some("sqlx=[nonsense")] {
            let filter = filter_from(directives);
            assert!(
                filter.would_enable("shared::state", &Level::INFO),
                "{directives:?}"
            );
            assert!(
                !filter.would_enable("shared::state", &Level::DEBUG),
                "{directives:?}"
            );
        }
    }
}
