//! Structured JSON logs via `tracing`, filtered by `RUST_LOG` (default `info`).

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
    let _ = tracing_subscriber::fmt()
        .json()
        // The builder's own default drops everything below `info`; `Targets` decides instead.
        .with_max_level(tracing::level_filters::LevelFilter::TRACE)
        .with_writer(writer)
        .with_current_span(true)
        .with_span_list(false)
        // CloudWatch stamps every line already; locally the time still helps.
        .with_target(false)
        .without_time()
        .finish()
        .with(filter_from(std::env::var("RUST_LOG").ok().as_deref()))
        .try_init();
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
    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_sets_a_level_per_target() {
        let filter = filter_from(Some("warn,sqlx=debug"));
        assert!(filter.would_enable("sqlx::query", &Level::DEBUG));
        assert!(!filter.would_enable("shared::state", &Level::INFO));
        assert!(filter.would_enable("shared::state", &Level::WARN));
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
