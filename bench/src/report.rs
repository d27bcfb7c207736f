//! The one table a run prints: each check, what was measured, its floor or limit, the ratio,
//! the target and whether it was met.

use std::fmt::Write;
use std::time::Duration;

use crate::config::BenchConfig;
use crate::stats::Latency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// A figure with no target (cost, production cold start).
    Info,
}

#[derive(Debug, Clone)]
pub struct Row {
    check: String,
    measured: String,
    reference: String,
    ratio: String,
    target: String,
    verdict: Verdict,
}

impl Row {
    /// A latency next to its floor, judged by the ratio of the p50s.
    pub fn ratio(
        check: String,
        latency: &Latency,
        reference: String,
        p50: Duration,
        floor_p50: Duration,
        target: f64,
    ) -> Self {
        let measured = format!(
            "p50 {} p99 {} {:.0} req/s",
            ms(latency.p50),
            ms(latency.p99),
            latency.per_second
        );
        Self::judged(check, measured, reference, ratio(p50, floor_p50), target)
    }

    /// A figure next to its reference, judged by their `ratio`.
    pub fn judged(
        check: String,
        measured: String,
        reference: String,
        ratio: f64,
        target: f64,
    ) -> Self {
        Self {
            check,
            measured,
            reference,
            ratio: format!("{ratio:.2}×"),
            target: format!("≤ {target}×"),
            verdict: if ratio <= target {
                Verdict::Pass
            } else {
                Verdict::Fail
            },
        }
    }

    pub fn target(check: String, measured: String, target: String, verdict: Verdict) -> Self {
        Self {
            check,
            measured,
            reference: String::new(),
            ratio: String::new(),
            target,
            verdict,
        }
    }

    pub fn info(check: String, measured: String, reference: String) -> Self {
        Self {
            check,
            measured,
            reference,
            ratio: String::new(),
            target: String::new(),
            verdict: Verdict::Info,
        }
    }

    pub fn set_reference(&mut self, reference: String) {
        self.reference = reference;
    }

    /// A check that could not be measured: a failure, with why.
    pub fn failed(check: String, why: String) -> Self {
        Self::target(check, why, String::new(), Verdict::Fail)
    }
}

#[derive(Debug, Default)]
pub struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Something the run noticed that a reader should know.
    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    pub fn render(&self, config: &BenchConfig) -> String {
        let header = [
            "check",
            "measured",
            "floor / reference",
            "ratio",
            "target",
            "result",
        ]
        .map(String::from);
        let cells = |row: &Row| -> [String; 6] {
            [
                row.check.clone(),
                row.measured.clone(),
                row.reference.clone(),
                row.ratio.clone(),
                row.target.clone(),
                match row.verdict {
                    Verdict::Pass => "PASS".into(),
                    Verdict::Fail => "FAIL".into(),
                    Verdict::Info => "-".into(),
                },
            ]
        };
        let table: Vec<[String; 6]> = std::iter::once(header)
            .chain(self.rows.iter().map(cells))
            .collect();
        let mut widths = [0usize; 6];
        for row in &table {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\nMovieVerse benchmark: {} CPU(s), wrk -t1 {} s per run (after {} s warm-up), \
             connections {:?}, {} starts per cold-start row",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            config.duration.as_secs(),
            config.warmup.as_secs(),
            config.connections,
            config.cold_runs
        );
        for (i, row) in table.iter().enumerate() {
            let line: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| {
                    let pad = width.saturating_sub(cell.chars().count());
                    format!("{cell}{}", " ".repeat(pad))
                })
                .collect();
            let _ = writeln!(out, "| {} |", line.join(" | "));
            if i == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                let _ = writeln!(out, "|-{}-|", rule.join("-|-"));
            }
        }
        let failed = self
            .rows
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .count();
        let passed = self
            .rows
            .iter()
            .filter(|r| r.verdict == Verdict::Pass)
            .count();
        let _ = writeln!(out, "\n{passed} targets met, {failed} missed.");
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }
}

/// How many times `reference` `measured` is (infinite over a zero reference).
pub fn ratio(measured: Duration, reference: Duration) -> f64 {
    if reference.is_zero() {
        f64::INFINITY
    } else {
        measured.as_secs_f64() / reference.as_secs_f64()
    }
}

/// A duration in milliseconds, to the microsecond.
pub fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1000.0)
}
