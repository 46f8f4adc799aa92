//! Git history of the pages, read at the edge (as `project` reads files) and handed to
//! sync as data ([`crate::sync::stale::FileHistory`] on each [`Compiled`]).
//!
//! One walk over the first-parent history of HEAD finds, for every page at once, the
//! commits that changed it, following renames. Each blob is parsed once, whatever number
//! of pages or commits share it (the cache is keyed by blob id). A shallow clone, a folder
//! outside any repository or a page git does not track leaves staleness not computed;
//! nothing else depends on it.
//!
//! Uses `git2` (libgit2, vendored and built without network or TLS features): it compiled
//! here in under a minute on top of the existing dependencies.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository, Sort};
use rayon::prelude::*;

use crate::project::Compiled;
use crate::source::Source;
use crate::sync::stale::{self, FileHistory, Snapshot, Version};

/// What reading the history found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Commits walked (first parents of HEAD).
    pub commits: usize,
    /// Pages with a history.
    pub pages: usize,
    /// Distinct blobs parsed.
    pub blobs: usize,
    /// Pages git does not track (new, ignored or outside the repository).
    pub untracked: usize,
}

impl Summary {
    /// One line for the report (no times: those go to stderr only).
    pub fn note(&self) -> String {
        let untracked = if self.untracked > 0 {
            format!("; {} pages not committed, their steps not checked", self.untracked)
        } else {
            String::new()
        };
        format!(
            "stale steps computed from git history: {} commits, {} pages, {} versions parsed{untracked}",
            self.commits, self.pages, self.blobs
        )
    }
}

fn open(start: &Path) -> Result<(Repository, PathBuf), String> {
    let dir = if start.is_dir() { start.to_path_buf() } else { start.parent().unwrap_or(Path::new(".")).to_path_buf() };
    let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
    let repo = Repository::discover(&dir).map_err(|_| "not a git repository".to_string())?;
    if repo.is_shallow() {
        return Err("a shallow clone: the history is incomplete (fetch it whole, e.g. fetch-depth: 0)".into());
    }
    let workdir = repo.workdir().ok_or("a bare repository has no work tree")?;
    let workdir = workdir.canonicalize().map_err(|e| format!("{}: {e}", workdir.display()))?;
    Ok((repo, workdir))
}

/// The path of `file` inside the work tree, `/`-separated.
fn in_repo(workdir: &Path, file: &Path) -> Option<String> {
    let abs = file.canonicalize().ok()?;
    let rel = abs.strip_prefix(workdir).ok()?;
    Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

/// Read the history of every page and attach it to its [`Compiled`]. `Err` says why
/// staleness cannot be computed (then nothing is attached).
pub fn attach(compiled: &mut [Compiled]) -> Result<Summary, String> {
    let Some(first) = compiled.iter().find(|c| c.guide.is_some()) else { return Ok(Summary::default()) };
    let (repo, workdir) = open(&first.file.path)?;
    let head =
        repo.head().and_then(|h| h.peel_to_commit()).map_err(|_| "the repository has no commit yet".to_string())?;
    let head_tree = head.tree().map_err(|e| e.to_string())?;
    let mut summary = Summary::default();
    // The name each page has at the point of the walk, and the pages under it.
    let mut tracked: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in compiled.iter().enumerate() {
        if c.guide.is_none() {
            continue;
        }
        match in_repo(&workdir, &c.file.path) {
            Some(rel) if head_tree.get_path(Path::new(&rel)).is_ok() => tracked.entry(rel).or_default().push(i),
            _ => summary.untracked += 1,
        }
    }
    // Per page: (commit index, blob) of every commit that changed it, newest first.
    let mut changes: Vec<Vec<(usize, Oid)>> = vec![Vec::new(); compiled.len()];
    let mut commits: Vec<(String, i64, String, bool)> = Vec::new();
    let mut walk = repo.revwalk().map_err(|e| e.to_string())?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME).map_err(|e| e.to_string())?;
    walk.simplify_first_parent().map_err(|e| e.to_string())?;
    walk.push(head.id()).map_err(|e| e.to_string())?;
    for oid in walk {
        let oid = oid.map_err(|e| e.to_string())?;
        let commit = repo.find_commit(oid).map_err(|e| e.to_string())?;
        let tree = commit.tree().map_err(|e| e.to_string())?;
        let parent = commit.parent(0).ok().and_then(|p| p.tree().ok());
        let mut opts = DiffOptions::new();
        opts.skip_binary_check(true);
        let mut diff =
            repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut opts)).map_err(|e| e.to_string())?;
        let (mut added, mut deleted) = (false, false);
        for d in diff.deltas() {
            added |= d.status() == Delta::Added;
            deleted |= d.status() == Delta::Deleted;
        }
        if added && deleted {
            let mut find = DiffFindOptions::new();
            find.renames(true);
            diff.find_similar(Some(&mut find)).map_err(|e| e.to_string())?;
        }
        let index = commits.len();
        let mut used = false;
        let mut renames: Vec<(String, Option<String>)> = Vec::new();
        for d in diff.deltas() {
            let Some(new_path) = d.new_file().path().map(|p| p.to_string_lossy().replace('\\', "/")) else { continue };
            if d.status() == Delta::Deleted {
                continue;
            }
            let Some(pages) = tracked.get(&new_path) else { continue };
            used = true;
            for &i in pages {
                changes[i].push((index, d.new_file().id()));
            }
            match d.status() {
                Delta::Renamed | Delta::Copied => {
                    let old = d.old_file().path().map(|p| p.to_string_lossy().replace('\\', "/"));
                    renames.push((new_path, old));
                }
                // Added without a rename: the path may have been deleted and added again
                // (doc pipelines do this); older commits are still read at the same path.
                _ => {}
            }
        }
        // Older commits know the page by its old name.
        for (new, old) in renames {
            if let Some(pages) = tracked.remove(&new)
                && let Some(old) = old
            {
                tracked.entry(old).or_default().extend(pages);
            }
        }
        if used {
            let message = commit.message().unwrap_or("");
            let skip = message.to_ascii_lowercase().contains(stale::SKIP_DIRECTIVE);
            let time = commit.committer().when().seconds();
            commits.push((oid.to_string(), time, commit.summary().unwrap_or("").to_string(), skip));
        }
        summary.commits += 1;
    }
    // Parse each blob once.
    let mut wanted: BTreeMap<Oid, String> = BTreeMap::new();
    for (i, list) in changes.iter().enumerate() {
        for (_, blob) in list {
            wanted.entry(*blob).or_insert_with(|| compiled[i].file.locale.clone());
        }
    }
    let mut bytes: Vec<(Oid, String, Vec<u8>)> = Vec::with_capacity(wanted.len());
    for (oid, locale) in wanted {
        if let Ok(blob) = repo.find_blob(oid) {
            bytes.push((oid, locale, blob.content().to_vec()));
        }
    }
    let parsed: HashMap<Oid, Arc<Snapshot>> = bytes
        .into_par_iter()
        .map(|(oid, locale, bytes)| {
            let snapshot = match Source::decode(String::new(), &bytes) {
                Ok(source) => stale::snapshot(&crate::parse::parse_guide(&source, &locale).0),
                Err(_) => Snapshot::default(),
            };
            (oid, Arc::new(snapshot))
        })
        .collect();
    summary.blobs = parsed.len();
    for (c, list) in compiled.iter_mut().zip(changes) {
        if list.is_empty() {
            continue;
        }
        let mut versions: Vec<Version> = Vec::with_capacity(list.len());
        for (index, blob) in list {
            let Some(snapshot) = parsed.get(&blob) else { continue };
            let (commit, time, summary, skip) = &commits[index];
            let version = Version {
                commit: commit.clone(),
                time: *time,
                date: crate::sync::baseline::civil_date(*time),
                summary: summary.clone(),
                skip: *skip,
                snapshot: snapshot.clone(),
            };
            // The same blob again (a rename, a mode change): the older commit made it.
            match versions.last_mut() {
                Some(last) if Arc::ptr_eq(&last.snapshot, snapshot) => *last = version,
                _ => versions.push(version),
            }
        }
        summary.pages += 1;
        c.history = Some(Arc::new(FileHistory { versions }));
    }
    Ok(summary)
}

/// The files changed since `reference` (a commit, branch or tag), in commits or in the
/// work tree, on either side of a rename, as canonical paths.
pub fn changed_since(start: &Path, reference: &str) -> Result<BTreeSet<PathBuf>, String> {
    let (repo, workdir) = open(start)?;
    let tree = repo
        .revparse_single(reference)
        .and_then(|o| o.peel_to_tree())
        .map_err(|_| format!("`{reference}` names no commit of the repository"))?;
    let mut diff = repo.diff_tree_to_workdir_with_index(Some(&tree), None).map_err(|e| e.to_string())?;
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find)).map_err(|e| e.to_string())?;
    let mut out = BTreeSet::new();
    for d in diff.deltas() {
        for f in [d.old_file(), d.new_file()] {
            if let Some(p) = f.path() {
                out.insert(workdir.join(p));
            }
        }
    }
    Ok(out)
}

/// A page's path as [`changed_since`] names it.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
