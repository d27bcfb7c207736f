//! Memory: the peak resident set of each function over its load run and its cold starts, the
//! Lambda `MemorySize` that leaves 2× headroom over it, and whether `template.yaml` gives that.

use std::collections::BTreeMap;

use crate::report::{Report, Row, Verdict};
use crate::template::Template;

/// Lambda's smallest memory size; sizes go up in 1 MB steps from there.
const LAMBDA_MIN_MB: u64 = 128;
/// Headroom over the measured peak (allocator growth, larger answers, the runtime's own pages).
const HEADROOM: u64 = 2;
const MIB: u64 = 1024 * 1024;

/// What one function's processes reached.
#[derive(Debug, Default, Clone, Copy)]
pub struct Peaks {
    pub load_run: Option<u64>,
    pub cold_start: Option<u64>,
}

/// One row per function: peaks, the size they call for, and the size the template sets.
pub fn rows(peaks: &BTreeMap<&'static str, Peaks>, template: &Template, report: &mut Report) {
    for (name, peak) in peaks {
        let check = format!("memory of {name}: peak RSS");
        let highest = peak.load_run.max(peak.cold_start);
        let Some(highest) = highest else {
            report.push(Row::failed(check, "not measured".into()));
            continue;
        };
        let needed = memory_size_for(highest);
        let measured = format!(
            "load run {}, cold start {}",
            in_mb(peak.load_run),
            in_mb(peak.cold_start)
        );
        let target = format!("MemorySize ≥ {needed} MB (2× peak)");
        match template.memory_size(name) {
            Some(set) => {
                let verdict = if set >= needed {
                    Verdict::Pass
                } else {
                    Verdict::Fail
                };
                let mut row = Row::target(check, measured, target, verdict);
                row.set_reference(format!("template.yaml: {set} MB"));
                report.push(row);
            }
            None => report.push(Row::failed(
                check,
                format!("{measured}; template.yaml sets no MemorySize for {name}"),
            )),
        }
    }
}

/// The smallest valid Lambda memory size with [`HEADROOM`] over `peak_bytes`.
fn memory_size_for(peak_bytes: u64) -> u64 {
    (peak_bytes * HEADROOM).div_ceil(MIB).max(LAMBDA_MIN_MB)
}

fn in_mb(bytes: Option<u64>) -> String {
    bytes.map_or("-".into(), |b| format!("{:.1} MB", b as f64 / MIB as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_have_headroom_and_lambdas_minimum() {
        assert_eq!(memory_size_for(20 * MIB), 128);
        assert_eq!(memory_size_for(70 * MIB), 140);
        assert_eq!(memory_size_for(70 * MIB + 1), 141);
    }
}
