//! `catalint check --timings`: how long each stage of the pipeline took, and the peak
//! resident memory after it.

/// How long each stage took: `catalint check --timings` shows them.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<Stage>,
    last: std::time::Instant,
}

/// One stage of a run: how long it took, and the process's resident memory at its end.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub time: std::time::Duration,
    /// Bytes, where the system tells (`/proc/self/status` on Linux).
    pub resident: Option<u64>,
}

impl Default for Timings {
    fn default() -> Self {
        Self {
            stages: Vec::new(),
            last: std::time::Instant::now(),
        }
    }
}

impl Timings {
    /// Records the time since the previous mark as `stage`'s.
    pub fn mark(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.stages.push(Stage {
            name,
            time: now - self.last,
            resident: resident_memory(),
        });
        self.last = now;
    }
}

/// The peak resident memory of this process so far (`VmHWM`), for `--timings`.
fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}
