//! `preflight serve`: build, serve `<out>/site/` on 127.0.0.1, rebuild when a source or
//! template changes, and make open pages reload.
//!
//! A minimal static file server on `std::net::TcpListener`, one short-lived thread per
//! connection, `Connection: close`. It serves files below the site folder only (no `..`,
//! no symlinks out of it), GET and HEAD only. HTML responses get one extra element, a
//! `<script src="/__preflight/reload.js">`, so the reload script exists only under serve;
//! the script polls `/__preflight/version`, which changes after every successful rebuild.
//! Changes are found by polling modification times (no watcher dependency). Ctrl-C sets a
//! flag; the accept loop sees it within 50 ms and the command exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use preflight::build;
use preflight::render::site::{SITE_DIR, Theme};

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folders: super::Folders,
    /// Theme folder, reloaded on change. Without it, the theme built into preflight.
    #[arg(long, default_value = "templates")]
    templates: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one (printed on the first line).
    #[arg(long, default_value_t = 8000)]
    port: u16,
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// The folders once resolved.
struct Resolved {
    root: PathBuf,
    out: PathBuf,
    templates: PathBuf,
    port: u16,
}

pub fn run(args: Args) -> CmdResult {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let version = Arc::new(AtomicU64::new(1));
    let root = args.folders.root();
    let out = match &args.folders.out {
        Some(out) => out.clone(),
        None => preflight::project::discover(&root)?.default_out(),
    };
    let args = Resolved { root, out, templates: args.templates.clone(), port: args.port };
    rebuild(&args);
    let listener = TcpListener::bind(("127.0.0.1", args.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    say(&format!("serving http://{addr}/ (Ctrl-C to stop)"));
    let site = args.out.join(SITE_DIR);
    let mut seen = snapshot(&[&args.root, &args.templates]);
    let mut last_poll = Instant::now();
    while !STOP.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let site = site.clone();
                let version = Arc::clone(&version);
                std::thread::spawn(move || {
                    let _ = handle(stream, &site, &version);
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(50)),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
        if last_poll.elapsed() >= Duration::from_millis(300) {
            last_poll = Instant::now();
            let now = snapshot(&[&args.root, &args.templates]);
            if now != seen {
                seen = now;
                if rebuild(&args) {
                    version.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }
    say("stopped");
    Ok(0)
}

/// A line on stdout; a closed pipe (the reader went away) is not an error for a server.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Build once; print the outcome. A broken theme or project leaves the last good site.
fn rebuild(args: &Resolved) -> bool {
    let loaded;
    let theme = if args.templates.is_dir() {
        match Theme::load(&args.templates) {
            Ok(t) => {
                loaded = t;
                &loaded
            }
            Err(e) => {
                eprintln!("error: templates: {e}");
                return false;
            }
        }
    } else {
        Theme::embedded()
    };
    match build::build_with_theme(&args.root, &args.out, theme) {
        Ok(r) => {
            for d in build::all_diagnostics(&r.compiled) {
                eprintln!("{d}");
            }
            say(&format!("built: {} files written, {} unchanged", r.report.written, r.report.unchanged));
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// Every file below the folders with its length and modification time, sorted.
fn snapshot(dirs: &[&Path]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                out.push((entry.path().to_path_buf(), meta.len(), meta.modified().ok()));
            }
        }
    }
    out
}

fn handle(mut stream: TcpStream, site: &Path, version: &AtomicU64) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.by_ref().take(8192).read_line(&mut request_line)?;
    // Drain the headers; the server needs none of them.
    loop {
        let mut line = String::new();
        if reader.by_ref().take(8192).read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", b"method not allowed\n", false);
    }
    let head = method == "HEAD";
    let path = target.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/__preflight/version" => {
            let v = version.load(Ordering::SeqCst).to_string();
            return respond(&mut stream, "200 OK", "text/plain", v.as_bytes(), head);
        }
        "/__preflight/reload.js" => {
            return respond(&mut stream, "200 OK", "text/javascript", Theme::reload_script(), head);
        }
        _ => {}
    }
    let Some(file) = resolve(site, path) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", head);
    };
    let Ok(mut bytes) = std::fs::read(&file) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", head);
    };
    let kind = content_type(&file);
    if kind.starts_with("text/html") {
        bytes = inject_reload(bytes);
    }
    respond(&mut stream, "200 OK", kind, &bytes, head)
}

/// The file a URL path names below the site folder; `None` for anything outside it.
fn resolve(site: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let mut file = site.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(c) => file.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let real = file.canonicalize().ok()?;
    real.starts_with(site.canonicalize().ok()?).then_some(real)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|s| !s.contains('\0'))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Add the reload script to a page, just before `</head>`.
fn inject_reload(html: Vec<u8>) -> Vec<u8> {
    let tag = b"<script src=\"/__preflight/reload.js\" defer></script>\n";
    match html.windows(7).position(|w| w == b"</head>") {
        Some(i) => [&html[..i], tag.as_slice(), &html[i..]].concat(),
        None => html,
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8], head: bool) -> std::io::Result<()> {
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}
