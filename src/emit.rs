//! Writing a build's output folder: each file atomically (temp file + rename in the
//! same folder), files of the previous build that this one no longer makes removed.
//!
//! Architecture invariant: nothing is written outside the output folder, and only
//! files this tool wrote are ever removed: the previous build's list of files is
//! kept in `.preflight-files`, and a file not on it is left alone. Rendering happens
//! before any write, so a build that fails to render leaves the folder untouched.

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::render::OutputFile;

pub const LIST_FILE: &str = ".preflight-files";

/// What a write did, for the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct EmitReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

pub fn write_tree(out_dir: &Path, files: &[OutputFile]) -> io::Result<EmitReport> {
    for f in files {
        check_relative(&f.path)?;
    }
    std::fs::create_dir_all(out_dir)?;
    let mut report = EmitReport::default();
    for f in files {
        let path = out_dir.join(&f.path);
        if std::fs::read(&path).is_ok_and(|old| old == f.bytes) {
            report.unchanged += 1;
            continue;
        }
        write_atomic(&path, &f.bytes)?;
        report.written += 1;
    }
    let new: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let old = std::fs::read_to_string(out_dir.join(LIST_FILE)).unwrap_or_default();
    for stale in old.lines().filter(|l| !l.is_empty() && !new.contains(l)) {
        if check_relative(stale).is_err() {
            continue;
        }
        let path = out_dir.join(stale);
        if std::fs::remove_file(&path).is_ok() {
            report.removed += 1;
            remove_empty_parents(out_dir, &path);
        }
    }
    let mut list = String::new();
    for p in &new {
        list.push_str(p);
        list.push('\n');
    }
    write_atomic(&out_dir.join(LIST_FILE), list.as_bytes())?;
    Ok(report)
}

fn check_relative(path: &str) -> io::Result<()> {
    let ok = !path.is_empty() && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write outside the output folder: {path}")))
    }
}

/// Write a file through a temporary file and a rename in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut tmp: PathBuf = path.to_path_buf();
    let name = format!(".{}.tmp-{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("out"), std::process::id());
    tmp.set_file_name(name);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
