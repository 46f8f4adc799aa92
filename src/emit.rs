//! Writing a build's output folder: each file atomically (temp file + rename in the
//! same folder), files of the previous build that this one no longer makes removed.
//!
//! Architecture invariants (tests in `tests/suite/hardening.rs`):
//! - nothing is written or removed outside the output folder: no link inside it is ever
//!   followed, and an output folder that is, contains or lies inside a source folder is
//!   refused (`out_dir_is_refused_when_it_overlaps_a_source`, `links_inside_out_are_never_followed`);
//! - only files this tool wrote are ever replaced or removed: the record of them is
//!   `.preflight-files`; a file there that is not on it is never touched, and a build that
//!   would replace one stops before its first write (`user_files_are_never_replaced`);
//! - an interrupted build (killed, or failed mid-write) leaves nothing a later build does not
//!   remove: the record is first rewritten as old ∪ new (a journal), then the files are
//!   written, then the stale ones and leftover temporary files removed, then the record
//!   becomes exactly the new list (`killed_build_leaves_no_debris`).
//!
//! One build writes into a folder at a time (an advisory `flock` on the folder itself).
//! Rendering happens before any write, so a build that fails to render leaves the folder
//! untouched.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;

pub const LIST_FILE: &str = ".preflight-files";
/// Suffix of the temporary file beside each file being written: `.<name>.preflight-tmp`.
/// Deterministic, so the next build can find and remove one a killed build left.
const TMP_SUFFIX: &str = ".preflight-tmp";

/// What a write did, for the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct EmitReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

fn refuse(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Refuse an output folder that is, contains, or lies inside one of `sources` (the folders
/// a build reads, e.g. `<root>/en-US`). Links are resolved for the parts that exist, so
/// `out` and a source that are the same folder by two names are caught. A sibling of the
/// sources (the usual `<root>/generated`) is fine.
pub fn check_out_dir(out: &Path, sources: &[PathBuf]) -> io::Result<()> {
    let real_out = real_path(out)?;
    for src in sources {
        let real_src = real_path(src)?;
        let relation = if real_out == real_src {
            "is"
        } else if real_src.starts_with(&real_out) {
            "contains"
        } else if real_out.starts_with(&real_src) {
            "lies inside"
        } else {
            continue;
        };
        return Err(refuse(format!(
            "refusing output folder {}: it {relation} the source folder {}",
            out.display(),
            src.display()
        )));
    }
    Ok(())
}

/// An absolute path with links resolved as far as it exists; the rest applied lexically.
fn real_path(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let parts: Vec<Component> = abs.components().collect();
    let mut cut = parts.len();
    let mut base = loop {
        let prefix: PathBuf = parts[..cut].iter().collect();
        match prefix.canonicalize() {
            Ok(real) => break real,
            Err(_) if cut > 1 => cut -= 1,
            Err(e) => return Err(e),
        }
    };
    for part in &parts[cut..] {
        match part {
            Component::ParentDir => {
                base.pop();
            }
            Component::Normal(name) => base.push(name),
            _ => {}
        }
    }
    Ok(base)
}

/// Write `files` into `out_dir`, refusing first anything unsafe (see the module docs).
pub fn write_tree(out_dir: &Path, sources: &[PathBuf], files: &[OutputFile]) -> io::Result<EmitReport> {
    for f in files {
        check_relative(&f.path)?;
    }
    check_out_dir(out_dir, sources)?;
    std::fs::create_dir_all(out_dir)?;
    let _lock = DirLock::new(out_dir)?;
    let list_path = out_dir.join(LIST_FILE);
    let old = read_list(&list_path)?;
    let new: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();

    // Everything that could stop the build is found before the first write. Each folder on
    // the way is looked at once (a site has thousands of files in a few hundred folders).
    let mut dirs = DirCache::default();
    let mut absent = vec![false; files.len()];
    for (f, absent) in files.iter().zip(&mut absent) {
        dirs.check_no_links(out_dir, &f.path)?;
        let path = out_dir.join(&f.path);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => *absent = true,
            Err(e) => return Err(e),
            Ok(meta) if meta.is_dir() => {
                return Err(refuse(format!("refusing to replace the folder {}", path.display())));
            }
            Ok(_) if !old.contains(f.path.as_str()) => {
                return Err(refuse(format!(
                    "refusing to replace {}: preflight did not write it (it is not in {}); move it away or choose another --out",
                    path.display(),
                    list_path.display()
                )));
            }
            Ok(_) => {}
        }
    }

    // The journal: every file that may exist once writing starts.
    let journal: BTreeSet<&str> = old.iter().map(String::as_str).chain(new.iter().copied()).collect();
    if journal.len() != old.len() {
        write_atomic(&list_path, list_text(&journal).as_bytes())?;
    }

    // Folders first, one after the other (parents before children); then the files, on
    // the build's threads: creating a file is most of a write's time, and independent.
    let mut made = BTreeSet::new();
    for f in files {
        if let Some(parent) = Path::new(&f.path).parent().filter(|p| !p.as_os_str().is_empty())
            && made.insert(parent)
        {
            std::fs::create_dir_all(out_dir.join(parent))?;
        }
    }
    let outcomes: Vec<io::Result<bool>> = files
        .par_iter()
        .zip(&absent)
        .map(|(f, &absent)| {
            let path = out_dir.join(&f.path);
            let same = !absent
                && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                && std::fs::read(&path).is_ok_and(|old| old == f.bytes);
            if same {
                return Ok(false);
            }
            // A temporary file can be left only in a folder that existed before this build.
            write_file(&path, &f.bytes, !dirs.is_new(&f.path))?;
            Ok(true)
        })
        .collect();
    let mut report = EmitReport::default();
    for outcome in outcomes {
        if outcome? {
            report.written += 1;
        } else {
            report.unchanged += 1;
        }
    }
    for rel in &old {
        if check_relative(rel).is_err() || dirs.check_no_links(out_dir, rel).is_err() {
            continue;
        }
        let path = out_dir.join(rel);
        // A temporary file an interrupted build left beside it.
        let _ = std::fs::remove_file(tmp_path(&path));
        if new.contains(rel.as_str()) {
            continue;
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) && std::fs::remove_file(&path).is_ok() {
            report.removed += 1;
        }
        remove_empty_parents(out_dir, &path);
    }
    let list = list_text(&new);
    if std::fs::read(&list_path).ok().as_deref() != Some(list.as_bytes()) {
        write_atomic(&list_path, list.as_bytes())?;
    }
    Ok(report)
}

fn list_text(paths: &BTreeSet<&str>) -> String {
    let mut list = String::new();
    for p in paths {
        list.push_str(p);
        list.push('\n');
    }
    list
}

/// The previous build's record; none is an empty one. A link there is refused.
fn read_list(path: &Path) -> io::Result<BTreeSet<String>> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(e),
        Ok(m) if !m.is_file() => {
            return Err(refuse(format!("refusing {}: not a plain file", path.display())));
        }
        Ok(_) => {}
    }
    let text = std::fs::read_to_string(path)?;
    Ok(text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
}

fn check_relative(path: &str) -> io::Result<()> {
    let ok = !path.is_empty() && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)));
    if ok { Ok(()) } else { Err(refuse(format!("refusing to write outside the output folder: {path}"))) }
}

/// What this build found of the folders below the output folder: each is looked at once.
#[derive(Default)]
struct DirCache {
    /// Folder (relative to the output folder) → whether it existed as a real folder; a
    /// missing one (and all below it) is created by this build.
    seen: std::collections::HashMap<PathBuf, bool>,
}

impl DirCache {
    /// Every folder between `out_dir` and `rel` that exists is a real folder, not a link (a
    /// link there could lead a write or a removal outside the output folder).
    fn check_no_links(&mut self, out_dir: &Path, rel: &str) -> io::Result<()> {
        let mut dir = PathBuf::new();
        let mut parts = Path::new(rel).components().peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                break;
            }
            dir.push(part);
            match self.seen.get(&dir) {
                Some(true) => continue,
                Some(false) => return Ok(()),
                None => {}
            }
            let full = out_dir.join(&dir);
            match std::fs::symlink_metadata(&full) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    self.seen.insert(dir, false);
                    return Ok(());
                }
                Err(e) => return Err(e),
                Ok(m) if m.is_dir() => {
                    self.seen.insert(dir.clone(), true);
                }
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(refuse(format!("refusing to write through the link {}", full.display())));
                }
                Ok(_) => return Err(refuse(format!("refusing to replace {} with a folder", full.display()))),
            }
        }
        Ok(())
    }

    /// Whether the folder of `rel` did not exist before this build (checked by
    /// [`DirCache::check_no_links`]).
    fn is_new(&self, rel: &str) -> bool {
        Path::new(rel).ancestors().skip(1).any(|d| self.seen.get(d) == Some(&false))
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}{TMP_SUFFIX}"))
}

/// Write a file through a temporary file and a rename in the same folder. Neither follows a
/// link: the temporary file is created new (`O_EXCL`), and a rename replaces a link itself.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    write_file(path, bytes, true)
}

/// [`write_atomic`] into a folder that exists; `stale_tmp`: a temporary file an interrupted
/// build left may be there (not in a folder this build created).
fn write_file(path: &Path, bytes: &[u8], stale_tmp: bool) -> io::Result<()> {
    let tmp = tmp_path(path);
    if stale_tmp {
        match std::fs::remove_file(&tmp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    written.inspect_err(|_| {
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

/// An exclusive advisory lock on the output folder for the time of a write.
struct DirLock(std::fs::File);

impl DirLock {
    fn new(dir: &Path) -> io::Result<DirLock> {
        let file = std::fs::File::open(dir)?;
        loop {
            // SAFETY: a plain syscall on a descriptor we own for the lock's lifetime.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(DirLock(file));
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // SAFETY: as above; closing the file would release the lock too.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}
