//! Shared helpers: a temp work dir per test, the binary, the repository's paths, and the rule
//! for external tools (required when KGRAPH_REQUIRE_TOOLS=1, as the README test command sets).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository, when present.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("..").join("shared");
    p.is_dir().then_some(p)
}

/// The kgraph binary, run from the repository root.
pub fn kgraph() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("kgraph").expect("binary built");
    c.current_dir(root());
    c
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Whether an external tool must be present (the README's test command sets this).
pub fn tools_required() -> bool {
    std::env::var("KGRAPH_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Finds an external program; when missing, panics if tools are required, else returns None
/// after saying the check is skipped.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !tools_required(),
            "required tool `{name}` is missing (run the README's test command, which installs it)"
        );
        eprintln!("skipping a check: `{name}` is not installed");
    }
    found
}

/// The Python of the test venv (`.venv/bin/python`), or None (with the same rule as `tool`).
pub fn python() -> Option<PathBuf> {
    let p = root().join(".venv").join("bin").join("python");
    if p.is_file() {
        return Some(p);
    }
    assert!(
        !tools_required(),
        "the test venv .venv is missing (run the README's test command)"
    );
    eprintln!("skipping a check: .venv/bin/python is missing");
    None
}

/// Builds `inputs` into a fresh folder and returns it.
pub fn build(inputs: &[&Path]) -> tempfile::TempDir {
    let dir = tempdir();
    let mut c = kgraph();
    c.arg("build").arg("--quiet");
    for i in inputs {
        c.arg(i);
    }
    c.arg("-o").arg(dir.path());
    c.assert().success();
    dir
}

/// Runs a command and returns stdout, panicking with stderr on failure.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
