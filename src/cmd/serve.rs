//! `preflight serve`: build, serve `<out>/site/` on 127.0.0.1, rebuild when a source or
//! template changes, and make open pages reload.
//!
//! HTTP/1.1 by hyper on a single-threaded tokio runtime; changes are seen by `notify`
//! through its debouncer (`notify-debouncer-full`, which keeps the kind of each event). Hostile or broken clients are bounded: at most
//! [`MAX_CONNECTIONS`] at once (more wait in the kernel's backlog), request headers within
//! [`HEADER_TIMEOUT`] and [`MAX_HEADER_BYTES`], every connection closed after
//! [`CONNECTION_DEADLINE`] whatever it is doing (a client that does not read its response
//! cannot hold it longer), files streamed in [`CHUNK`]s so a response costs at most one chunk
//! of memory. A request hyper cannot parse gets `400` from hyper itself.
//!
//! It serves files below the site folder only (no `..`, no link out of it), GET and HEAD
//! only; a folder without its trailing slash is redirected to it, so relative links work.
//! HTML responses get one extra element, a `<script src="/__preflight/reload.js">`, so the
//! reload script exists only under serve; the script polls `/__preflight/version`, which
//! changes after every successful rebuild. Changes below the output folder are ignored even
//! when it lies inside the watched source folder, so a build never triggers the next.
//! Ctrl-C or SIGTERM: the command exits 0.

use std::convert::Infallible;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Frame, SizeHint};
use hyper::{Method, Request, Response, StatusCode};
use preflight::build;
use preflight::render::site::{SITE_DIR, Theme, ThemeError};

use super::CmdResult;

/// Connections served at once; more wait until one closes.
const MAX_CONNECTIONS: usize = 64;
/// Time a client has to send its request line and headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes of request line and headers hyper buffers (its minimum); more is a `431`.
const MAX_HEADER_BYTES: usize = 8 * 1024;
/// Every connection is closed this long after it was accepted (a browser opens another).
const CONNECTION_DEADLINE: Duration = Duration::from_secs(30);
/// Bytes of a file read per body frame.
const CHUNK: usize = 64 * 1024;
/// Changes within this time are one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(200);

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

pub fn run(args: Args) -> CmdResult {
    // The project root and output folder, found once (as `build` finds them).
    let root = args.folders.root();
    let out = match &args.folders.out {
        Some(out) => out.clone(),
        None => preflight::project::discover(&root)?.default_out(),
    };
    let args = Args { folders: super::Folders { src: Some(root), out: Some(out) }, ..args };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let version = Arc::new(AtomicU64::new(1));
    rebuild(&args);
    let site = out_dir(&args).join(SITE_DIR);
    let _watcher = watch(&args, Arc::clone(&version))?;
    runtime.block_on(serve(args.port, site, version))
}

async fn serve(port: u16, site: PathBuf, version: Arc<AtomicU64>) -> CmdResult {
    use tokio::signal::unix::{SignalKind, signal};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    say(&format!("serving http://{}/ (Ctrl-C to stop)", listener.local_addr()?));
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let site = Arc::new(site);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => p?,
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        };
        let (stream, _) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                // Out of descriptors and the like: the next accept may work.
                Err(_) => continue,
            },
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        };
        let (site, version) = (Arc::clone(&site), Arc::clone(&version));
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let response = respond(&req, &site, &version);
                async move { Ok::<_, Infallible>(response) }
            });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEADER_BYTES)
                // One request per connection: a local server needs no more, and a client
                // cannot queue requests on one.
                .keep_alive(false);
            let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let _ = tokio::time::timeout(CONNECTION_DEADLINE, connection).await;
            drop(permit);
        });
    }
    say("stopped");
    Ok(0)
}

/// A line on stdout; a closed pipe (the reader went away) is not an error for a server.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// The project root, resolved by `run`.
fn src_dir(args: &Args) -> &Path {
    args.folders.src.as_deref().unwrap_or(Path::new("."))
}

/// The output folder, resolved by `run`.
fn out_dir(args: &Args) -> &Path {
    args.folders.out.as_deref().unwrap_or(Path::new("generated"))
}

/// Read a theme folder (`templates/`) from disk: the site renderer itself never touches
/// the file system. Errors name the file, and the line where there is one.
fn load_theme(dir: &Path) -> Result<Theme, ThemeError> {
    let mut files = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| ThemeError { file: dir.display().to_string(), message: e.to_string() })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path())
            .map_err(|e| ThemeError { file: entry.path().display().to_string(), message: e.to_string() })?;
        files.insert(rel, bytes);
    }
    Theme::from_files(files)
        .map_err(|e| ThemeError { file: dir.join(&e.file).display().to_string(), message: e.message })
}

/// Build once; print the outcome. A broken theme or project leaves the last good site.
fn rebuild(args: &Args) -> bool {
    let loaded;
    let theme = if args.templates.is_dir() {
        match load_theme(&args.templates) {
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
    match build::build_with_theme(src_dir(args), out_dir(args), theme) {
        Ok(r) => {
            for d in r.diagnostics.iter().chain(build::all_diagnostics(&r.compiled)) {
                eprintln!("{d}");
            }
            say(&format!("built: {} files written, {} unchanged", r.report.written, r.report.unchanged));
            true
        }
        Err(e) => {
            eprintln!("error: {}", preflight::term::visible(&e.to_string()));
            false
        }
    }
}

/// The watcher; changes stop being seen when it is dropped.
type Watcher = notify_debouncer_full::Debouncer<
    notify_debouncer_full::notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// Watch the sources and the theme; rebuild on a thread of its own after each burst of
/// changes. Only changes count: a file opened or read (the build reads every source) is
/// not one, nor is anything below the output folder (the build writes there).
fn watch(args: &Args, version: Arc<AtomicU64>) -> Result<Watcher, Box<dyn std::error::Error>> {
    use notify_debouncer_full::notify::{EventKind, RecursiveMode};
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx)?;
    let out = real(out_dir(args));
    for dir in [src_dir(args), args.templates.as_path()] {
        if dir.is_dir() {
            debouncer.watch(real(dir), RecursiveMode::Recursive)?;
        }
    }
    let args = Args {
        folders: super::Folders { src: args.folders.src.clone(), out: args.folders.out.clone() },
        templates: args.templates.clone(),
        port: args.port,
    };
    std::thread::spawn(move || {
        for events in rx {
            let Ok(events) = events else { continue };
            let changed = events
                .iter()
                .any(|e| !matches!(e.kind, EventKind::Access(_)) && e.paths.iter().any(|p| !p.starts_with(&out)));
            if changed && rebuild(&args) {
                version.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    Ok(debouncer)
}

/// A path with links resolved, absolute when it cannot be (the watcher reports real paths).
fn real(path: &Path) -> PathBuf {
    path.canonicalize().or_else(|_| std::path::absolute(path)).unwrap_or_else(|_| path.to_path_buf())
}

type Reply = Response<Either<Full<Bytes>, FileBody>>;

fn respond<B>(req: &Request<B>, site: &Path, version: &AtomicU64) -> Reply {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return small(StatusCode::METHOD_NOT_ALLOWED, "text/plain", b"method not allowed\n".to_vec());
    }
    let path = req.uri().path();
    match path {
        "/__preflight/version" => {
            return small(StatusCode::OK, "text/plain", version.load(Ordering::SeqCst).to_string().into_bytes());
        }
        "/__preflight/reload.js" => {
            return small(StatusCode::OK, "text/javascript", Theme::reload_script().to_vec());
        }
        _ => {}
    }
    let not_found = || small(StatusCode::NOT_FOUND, "text/plain", b"not found\n".to_vec());
    let Some(found) = resolve(site, path) else { return not_found() };
    let file = match found {
        Found::File(f) => f,
        Found::Folder => {
            // `/en-US` → `/en-US/`, so the page's relative links resolve inside the folder.
            let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
            let mut r = small(StatusCode::MOVED_PERMANENTLY, "text/plain", b"moved\n".to_vec());
            if let Ok(location) = format!("{path}/{query}").parse() {
                r.headers_mut().insert(hyper::header::LOCATION, location);
            }
            return r;
        }
    };
    let kind = content_type(&file);
    if kind.starts_with("text/html") {
        return match std::fs::read(&file) {
            Ok(bytes) => small(StatusCode::OK, kind, inject_reload(bytes)),
            Err(_) => not_found(),
        };
    }
    match std::fs::File::open(&file).and_then(|f| Ok((f.metadata()?.len(), f))) {
        Ok((len, file)) => with_headers(StatusCode::OK, kind, Either::Right(FileBody { file, left: len })),
        Err(_) => not_found(),
    }
}

fn small(status: StatusCode, kind: &'static str, body: Vec<u8>) -> Reply {
    with_headers(status, kind, Either::Left(Full::new(Bytes::from(body))))
}

fn with_headers(status: StatusCode, kind: &'static str, body: Either<Full<Bytes>, FileBody>) -> Reply {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(kind));
    h.insert(hyper::header::CACHE_CONTROL, hyper::header::HeaderValue::from_static("no-store"));
    h.insert(hyper::header::X_CONTENT_TYPE_OPTIONS, hyper::header::HeaderValue::from_static("nosniff"));
    r
}

/// A file sent in chunks as the client reads them: a slow reader holds one chunk at most.
struct FileBody {
    file: std::fs::File,
    left: u64,
}

impl Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(self.left).map_or(CHUNK, |l| l.min(CHUNK));
        let mut buf = vec![0; want];
        // A local file: the read is short and done in place.
        match self.file.read(&mut buf) {
            Ok(0) => Poll::Ready(Some(Err(std::io::ErrorKind::UnexpectedEof.into()))),
            Ok(n) => {
                buf.truncate(n);
                self.left -= n as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(buf)))))
            }
            Err(e) => Poll::Ready(Some(Err(e))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

enum Found {
    File(PathBuf),
    /// A folder named without its trailing slash.
    Folder,
}

/// What a URL path names below the site folder; `None` for anything outside it (after
/// links are resolved) or missing.
fn resolve(site: &Path, path: &str) -> Option<Found> {
    let decoded = percent_decode(path)?;
    let mut file = site.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(c) => file.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let real_site = site.canonicalize().ok()?;
    let real = file.canonicalize().ok()?;
    if !real.starts_with(&real_site) {
        return None;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Some(Found::Folder);
        }
        let index = real.join("index.html").canonicalize().ok()?;
        return (index.starts_with(&real_site) && index.is_file()).then_some(Found::File(index));
    }
    real.is_file().then_some(Found::File(real))
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
