//! What a report run produced, whichever way it read the providers.

use usagekit_runtime::report::Aggregator;

/// What a report run produced: the sums, and every provider that is not in them.
pub struct Summary {
    pub aggregator: Aggregator,
    /// (provider, why): no mapping, no credentials, an operation the server lacks.
    pub skipped: Vec<(&'static str, String)>,
    /// (provider, error): its rows before the failure are kept.
    pub failures: Vec<(&'static str, String)>,
    /// Every selected provider, and how much of its data the rows hold.
    pub providers: Vec<(&'static str, Completeness)>,
    /// The report's time zone (`--tz`); UTC when `None`.
    pub zone: Option<chrono_tz::Tz>,
}

/// How much of a provider's data a report holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completeness {
    /// Every report operation was read.
    Complete,
    /// Some was read: an operation failed after rows, or the server lacks one.
    Partial,
    /// Nothing: not configured, or it failed before any row.
    Missing,
}

impl Completeness {
    pub fn name(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Partial => "partial",
            Self::Missing => "missing",
        }
    }
}
