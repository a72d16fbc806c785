//! The change report: what a regeneration changes for a crate's users, read back
//! from the generated code (`surface`), classified under Rust's semver rules
//! (`diff`), the version that requires (`version`), and the crate's CHANGELOG.md
//! kept from these reports (`changelog`).

mod changelog;
mod diff;
pub(crate) mod surface;
mod version;

pub use changelog::changelog;
pub use diff::{ApiChange, compare};
pub use version::{Version, check_version};
