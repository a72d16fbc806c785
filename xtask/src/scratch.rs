//! A throwaway cargo workspace under `target/` for generated crates that are not
//! part of the repository (GitHub's spec, the corpus): the root workspace's shared
//! tables and lockfile, its path dependencies made absolute, and `cargo check`
//! measured in wall time and peak memory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use usagekit_codegen::{GeneratedFile, SchemasCrate};

pub struct Scratch {
    root: PathBuf,
    pub dir: PathBuf,
    members: Vec<String>,
}

/// What one `cargo check` took.
pub struct Checked {
    pub passed: bool,
    pub wall: Duration,
    /// Peak resident memory of the largest process cargo ran (rustc), in KiB.
    pub peak_kib: u64,
    /// The first lines of its errors, when it failed.
    pub errors: String,
}

impl Checked {
    /// This check, then `next` on top of what it built (a schemas crate on its
    /// client): the times add up, the larger peak counts.
    pub fn followed_by(self, next: Checked) -> Checked {
        Checked {
            passed: next.passed,
            wall: self.wall + next.wall,
            peak_kib: self.peak_kib.max(next.peak_kib),
            errors: next.errors,
        }
    }

    pub fn wall_seconds(&self) -> f64 {
        self.wall.as_secs_f64()
    }

    pub fn peak_gib(&self) -> f64 {
        self.peak_kib as f64 / 1024.0 / 1024.0
    }
}

/// The lines of a generated crate's code.
pub fn generated_lines(files: &[GeneratedFile]) -> usize {
    files
        .iter()
        .find(|file| file.path == "src/generated.rs")
        .map_or(0, |file| file.contents.lines().count())
}

impl Scratch {
    /// A workspace in `root/target/<name>`, emptied of earlier members.
    pub fn new(root: &Path, name: &str) -> Result<Self, String> {
        let dir = root.join("target").join(name);
        let _ = fs::remove_dir_all(dir.join("crates"));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
            dir,
            members: Vec::new(),
        })
    }

    /// Writes a crate's files into `crates/<crate_name>` and makes it a member.
    pub fn add(&mut self, crate_name: &str, files: &[GeneratedFile]) -> Result<(), String> {
        let member = format!("crates/{crate_name}");
        for file in files {
            let path = self.dir.join(&member).join(&file.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        self.members.push(member);
        Ok(())
    }

    /// Adds a generated client and, when tags split it, its schemas crate.
    pub fn add_generated(
        &mut self,
        crate_name: &str,
        files: &[GeneratedFile],
        schemas: Option<&SchemasCrate>,
    ) -> Result<(), String> {
        self.add(crate_name, files)?;
        if let Some(schemas) = schemas {
            self.add(&schemas.name, &schemas.files)?;
        }
        Ok(())
    }

    /// Writes the workspace manifest and the root's lockfile (the same versions,
    /// resolved without the network).
    pub fn finish(&self) -> Result<(), String> {
        fs::write(
            self.dir.join("Cargo.toml"),
            workspace_manifest(&self.root, &self.members)?,
        )
        .map_err(|e| format!("{}/Cargo.toml: {e}", self.dir.display()))?;
        fs::copy(self.root.join("Cargo.lock"), self.dir.join("Cargo.lock"))
            .map_err(|e| format!("Cargo.lock: {e}"))?;
        Ok(())
    }

    /// `cargo check -p <package>…`, measured (see [`measure`]); with only
    /// `features` (and the default TLS backend) when given.
    pub fn check(&self, packages: &[&str], features: Option<&str>) -> Result<Checked, String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let started = Instant::now();
        let own = std::env::current_exe().map_err(|e| format!("cannot find xtask: {e}"))?;
        let mut args = vec![
            "measure".to_owned(),
            cargo,
            "check".to_owned(),
            "--offline".to_owned(),
            "--quiet".to_owned(),
        ];
        for package in packages {
            args.extend(["-p".to_owned(), (*package).to_owned()]);
        }
        if let Some(features) = features {
            args.extend([
                "--no-default-features".to_owned(),
                "--features".to_owned(),
                format!("rustls-ring,{features}"),
            ]);
        }
        let output = Command::new(own)
            .args(&args)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            // As a user's build compiles it: cargo builds a crates.io dependency
            // without incremental state (which holds every query result in memory).
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let wall = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let peak_kib = stderr
            .lines()
            .rev()
            .find_map(|line| line.strip_prefix(PEAK_PREFIX))
            .and_then(|kib| kib.trim().parse().ok())
            .unwrap_or(0);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|line| !line.starts_with(PEAK_PREFIX))
            .take(40)
            .collect();
        Ok(Checked {
            passed: output.status.success(),
            wall,
            peak_kib,
            errors: errors.join("\n"),
        })
    }
}

const PEAK_PREFIX: &str = "xtask-measure: peak KiB ";

/// `xtask measure CMD…`: runs the command, then prints the peak resident memory
/// of the largest process among it and everything it waited for (cargo waits for
/// rustc), as `getrusage(RUSAGE_CHILDREN)` reports it. A process of its own, so
/// that each measurement starts from zero.
pub fn measure(command: &[String]) -> Result<std::process::ExitStatus, String> {
    let (program, args) = command.split_first().ok_or("measure: no command")?;
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    // SAFETY: getrusage writes into the struct we own; RUSAGE_CHILDREN is valid.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    eprintln!("{PEAK_PREFIX}{}", usage.ru_maxrss);
    Ok(status)
}

/// The root workspace's shared tables, with path dependencies made absolute, as
/// the manifest of a workspace elsewhere.
fn workspace_manifest(root: &Path, members: &[String]) -> Result<String, String> {
    let text =
        fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let manifest: toml::Table = text.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    let workspace = manifest
        .get("workspace")
        .and_then(toml::Value::as_table)
        .ok_or("Cargo.toml has no [workspace]")?;
    let mut dependencies = workspace
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    for (_, dependency) in dependencies.iter_mut() {
        if let Some(path) = dependency.get_mut("path")
            && let Some(relative) = path.as_str()
        {
            *path = root.join(relative).display().to_string().into();
        }
    }
    let mut table = toml::Table::new();
    table.insert("resolver".into(), "3".into());
    table.insert("members".into(), members.to_vec().into());
    if let Some(package) = workspace.get("package") {
        table.insert("package".into(), package.clone());
    }
    table.insert("dependencies".into(), dependencies.into());
    let mut out = toml::Table::new();
    out.insert("workspace".into(), table.into());
    if let Some(profile) = manifest.get("profile") {
        out.insert("profile".into(), profile.clone());
    }
    toml::to_string(&out).map_err(|e| e.to_string())
}
