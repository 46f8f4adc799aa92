//! The manifests a command is given: files, folders of them (every `*.toml` below, sorted
//! by path), or none (every manifest of the project's build). A guide given instead of a
//! manifest is an error that says which manifest to pass.

use std::path::{Path, PathBuf};

use preflight::manifest;
use preflight::run::Loaded;

use super::shown;

pub type Error = Box<dyn std::error::Error>;

/// Load the manifests of `paths`; with none, those of the project's output folder.
pub fn load(paths: &[PathBuf]) -> Result<Vec<Loaded>, Error> {
    let files = files(paths)?;
    let mut out = Vec::with_capacity(files.len());
    for path in files {
        let manifest = manifest::load(&path)?;
        out.push(Loaded { path: shown(&path), manifest });
    }
    Ok(out)
}

fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    if paths.is_empty() {
        let root = preflight::project::find_root(Path::new("."));
        let checks = preflight::project::discover(&root)
            .map(|p| p.default_out())
            .unwrap_or_else(|_| root.join("generated"))
            .join("checks");
        if !checks.is_dir() {
            return Err(format!(
                "no manifests: {} does not exist; run `preflight build` first, or pass manifests or folders of them",
                shown(&checks)
            )
            .into());
        }
        return below(&checks);
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            out.extend(below(path)?);
        } else if is_guide(path) {
            return Err(guide_error(path).into());
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Every `*.toml` below `dir`, sorted by path; none is an error.
fn below(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d)
            .map_err(|e| format!("{}: cannot read: {}", shown(&d), preflight::diag::io_message(&e)))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "toml") {
                found.push(path);
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(format!("{}: no manifests (*.toml) in this folder", shown(dir)).into());
    }
    Ok(found)
}

fn is_guide(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// "this is a guide": with the manifest `build` writes for it, when the guide is a page of
/// the project around it.
fn guide_error(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let start = abs.parent().unwrap_or(Path::new("."));
    let root = preflight::project::find_root(start);
    let manifest = preflight::project::discover(&root).ok().and_then(|project| {
        let out = project.default_out();
        project.source_dirs().iter().find_map(|dir| {
            let dir = std::path::absolute(dir).ok()?;
            let rel = abs.strip_prefix(&dir).ok()?.to_string_lossy().replace('\\', "/");
            Some(out.join(manifest::manifest_path(&rel)))
        })
    });
    let pass = match manifest {
        Some(m) => shown(&m),
        None => {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            format!("generated/checks/…/{stem}.toml")
        }
    };
    format!("{}: this is a guide, not a check manifest; build it (`preflight build`) and pass {pass}", shown(path))
}
