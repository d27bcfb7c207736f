//! CPU time of this process (user + system, every thread): what Lambda bills, per request.

use std::time::Duration;

/// User + system CPU time this process has used so far.
pub fn process_cpu_time() -> Duration {
    // SAFETY: `getrusage` only writes the `rusage` we pass, which is zero-initialised plain data
    // that any bit pattern makes valid.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    to_duration(usage.ru_utime) + to_duration(usage.ru_stime)
}

fn to_duration(time: libc::timeval) -> Duration {
    let secs = u64::try_from(time.tv_sec).unwrap_or(0);
    let micros = u32::try_from(time.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}
