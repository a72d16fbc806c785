//! `cargo xtask generate [--check] [PROVIDER…]`: regenerate the client crates under
//! `crates/` from `specs/`, or (`--check`) prove they are current without writing.

mod corpus;
mod layers;
mod msrv;
mod plan;
mod scale;
mod scratch;
#[cfg(test)]
mod unify;

use std::io::Write as _;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check] [PROVIDER…]
       cargo xtask rust-version
       cargo xtask github [SPEC]
       cargo xtask corpus [--no-check] DIR…

  Regenerates crates/<crate>/ for every provider in specs/providers.toml
  (or only the named ones), in the checkout that holds the current directory.
  If any spec fails, nothing is written.

  --check   write nothing; exit 1 and print a diff if any generated file is stale
  --help    print this

  rust-version checks that every package in Cargo.lock builds on the workspace's
  declared rust-version (CI runs it).

  github generates GitHub's REST spec (from `npm ci --prefix .ci`, or SPEC) with
  .ci/github.toml into target/github/ and runs `cargo check` on it (CI runs it).

  corpus generates every OpenAPI document in the folders as a throwaway provider
  (target/corpus/), type-checks each, and prints one Markdown row per document:
  operations generated of all, what was left out and why, the check's time and
  peak memory (--no-check: generation only).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .iter()
        .any(|arg| arg == "--help" || arg == "-h" || arg == "help")
    {
        // `cargo xtask --help | head` must not panic on a closed pipe.
        let _ = writeln!(std::io::stdout(), "{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match command.as_str() {
        "rust-version" => summary(plan::workspace_root().and_then(|root| msrv::check(&root))),
        "github" => {
            let spec = rest.first().map(std::path::PathBuf::from);
            summary(plan::workspace_root().and_then(|root| scale::github(&root, spec)))
        }
        "generate" => generate(rest),
        "corpus" => {
            let check = !rest.iter().any(|arg| arg == "--no-check");
            let dirs: Vec<std::path::PathBuf> = rest
                .iter()
                .filter(|arg| !arg.starts_with("--"))
                .map(std::path::PathBuf::from)
                .collect();
            if dirs.is_empty() {
                eprintln!("corpus needs at least one folder of OpenAPI documents\n\n{USAGE}");
                return ExitCode::from(2);
            }
            summary(plan::workspace_root().and_then(|root| corpus::corpus(&root, &dirs, check)))
        }
        "measure" => match scratch::measure(rest) {
            Ok(status) if status.success() => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("unknown command `{command}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Prints a command's summary, or its error.
fn summary(outcome: Result<String, String>) -> ExitCode {
    match outcome {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `generate [--check] [PROVIDER…]`.
fn generate(rest: &[String]) -> ExitCode {
    let check = rest.iter().any(|arg| arg == "--check");
    if let Some(flag) = rest
        .iter()
        .find(|arg| arg.starts_with('-') && *arg != "--check")
    {
        eprintln!("unknown option `{flag}`\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let only: Vec<&str> = rest
        .iter()
        .filter(|arg| !arg.starts_with('-'))
        .map(String::as_str)
        .collect();
    let root = match plan::workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let plan = match plan::plan(&root, &only) {
        Ok(plan) => plan,
        Err(problems) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            eprintln!("\nno files were written ({} problem(s))", problems.len());
            return ExitCode::FAILURE;
        }
    };
    // Notes go to stderr: what was left out or read differently, never an error.
    for line in plan.notices().lines() {
        eprintln!("note: {line}");
    }
    print!("{}", plan.change_report());
    if check {
        let report = plan.check_report();
        if report.is_empty() {
            println!("{} crate(s) are current", plan.crate_count());
            return ExitCode::SUCCESS;
        }
        eprint!("{report}");
        return ExitCode::FAILURE;
    }
    summary(plan.write().map_err(|e| e.to_string()).map(|changed| {
        format!(
            "generated {} crate(s) in {:.0?}: {changed} file(s) changed",
            plan.crate_count(),
            started.elapsed(),
        )
    }))
}
