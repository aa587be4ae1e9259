//! Where the time of a build goes, per pipeline stage (`build --timings`).

use std::time::{Duration, Instant};

/// The stages of a build, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Load,
    Validate,
    Figures,
    /// Writing the brief's text: every section but the charts.
    Context,
    Charts,
    Template,
    Typeset,
    Pdf,
    Write,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Load,
        Stage::Validate,
        Stage::Figures,
        Stage::Context,
        Stage::Charts,
        Stage::Template,
        Stage::Typeset,
        Stage::Pdf,
        Stage::Write,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Figures => "figures",
            Stage::Context => "context",
            Stage::Charts => "charts",
            Stage::Template => "template",
            Stage::Typeset => "typeset",
            Stage::Pdf => "PDF",
            Stage::Write => "write",
        }
    }
}

/// Time spent per stage (summed over briefs when merged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings([Duration; 9]);

impl Timings {
    pub fn add(&mut self, stage: Stage, duration: Duration) {
        self.0[stage as usize] += duration;
    }

    /// Runs `f`, counting its time against `stage`.
    pub fn time<T>(&mut self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.add(stage, start.elapsed());
        value
    }

    pub fn merge(&mut self, other: &Timings) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    pub fn get(&self, stage: Stage) -> Duration {
        self.0[stage as usize]
    }

    /// A table of the total and per-brief time of each stage. Stages run in parallel over
    /// briefs, so the totals are CPU time and can exceed the wall time.
    pub fn report(&self, briefs: usize) -> String {
        let total: Duration = self.0.iter().sum();
        let mut out = format!(
            "{:<10} {:>10} {:>12} {:>7}\n",
            "stage", "total ms", "per brief ms", "share"
        );
        for stage in Stage::ALL {
            let d = self.get(stage);
            let per_brief = if briefs > 0 && stage != Stage::Load {
                format!("{:.1}", d.as_secs_f64() * 1000.0 / briefs as f64)
            } else {
                "–".into()
            };
            let share = if total.is_zero() {
                0.0
            } else {
                d.as_secs_f64() / total.as_secs_f64() * 100.0
            };
            out.push_str(&format!(
                "{:<10} {:>10.1} {:>12} {:>6.1}%\n",
                stage.name(),
                d.as_secs_f64() * 1000.0,
                per_brief,
                share
            ));
        }
        out
    }
}
