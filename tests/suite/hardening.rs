//! Hardening (issue 11): user files never replaced, output never overlapping sources,
//! links inside the output never followed, interrupted builds leaving no debris, secrets
//! masked in every printed form, no process left behind, terminal escapes shown visibly,
//! and `serve` against hostile clients. No assertion is about time.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use preflight::build;

fn files_below(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect()
}

fn small_project(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("en-US")).unwrap();
    std::fs::write(src.join("en-US/a.md"), "# Alpha {#a}\n\n1.  Do the first thing.\n").unwrap();
    src
}

#[test]
fn user_files_are_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("site")).unwrap();
    std::fs::write(out.join("site/index.html"), "my own page").unwrap();
    let err = build::build(&src, &out).unwrap_err().to_string();
    assert!(err.contains("refusing to replace") && err.contains("site/index.html"), "{err}");
    // Nothing was written: the refusal comes before the first write.
    assert_eq!(files_below(&out), BTreeSet::from(["site/index.html".to_string()]));
    assert_eq!(std::fs::read_to_string(out.join("site/index.html")).unwrap(), "my own page");
    // Moved away, the build goes through; a file of its own it replaces freely.
    std::fs::remove_file(out.join("site/index.html")).unwrap();
    build::build(&src, &out).unwrap();
    std::fs::write(src.join("en-US/a.md"), "# Alpha {#a}\n\n1.  Do the second thing.\n").unwrap();
    let report = build::build(&src, &out).unwrap().report;
    assert!(report.written >= 1, "{report:?}");
}

#[test]
fn user_file_where_a_build_needs_a_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("guides"), "a file named like a folder").unwrap();
    let err = build::build(&src, &out).unwrap_err().to_string();
    assert!(err.contains("guides"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("guides")).unwrap(), "a file named like a folder");
}

#[test]
fn out_dir_is_refused_when_it_overlaps_a_source() {
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let before = files_below(&src);
    for (out, relation) in [
        (src.join("en-US"), "is"),
        (src.join("en-US/out"), "lies inside"),
        (tmp.path().to_path_buf(), "contains"),
        (src.clone(), "contains"),
        (src.join("en-US/../en-US/x/.."), "is"),
    ] {
        let err = build::build(&src, &out).unwrap_err().to_string();
        assert!(err.contains(&format!("it {relation} the source folder")) && err.contains("en-US"), "{out:?}: {err}");
    }
    // The same folder by another name (a link) is the same folder.
    std::os::unix::fs::symlink(src.join("en-US"), tmp.path().join("alias")).unwrap();
    let err = build::build(&src, &tmp.path().join("alias")).unwrap_err().to_string();
    assert!(err.contains("it is the source folder"), "{err}");
    assert_eq!(files_below(&src), before, "a refused build wrote into the sources");
    // The usual layout: generated/ beside the locale folders, inside the project root.
    build::build(&src, &src.join("generated")).unwrap();
    assert!(src.join("generated/site/en-US/a.html").exists());
}

#[test]
fn links_inside_out_are_never_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let out = tmp.path().join("out");
    build::build(&src, &out).unwrap();
    // A folder of the output replaced by a link to a folder elsewhere: no write goes through.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::remove_dir_all(out.join("guides")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("guides")).unwrap();
    let err = build::build(&src, &out).unwrap_err().to_string();
    assert!(err.contains("link") && err.contains("guides"), "{err}");
    assert!(files_below(&elsewhere).is_empty());
    // Nor a removal: a stale file below the link stays where it is.
    std::fs::create_dir_all(elsewhere.join("en-US")).unwrap();
    std::fs::write(elsewhere.join("en-US/a.json"), "not the output's").unwrap();
    std::fs::remove_file(out.join("guides")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("guides")).unwrap();
    std::fs::remove_file(src.join("en-US/a.md")).unwrap();
    std::fs::write(src.join("en-US/b.md"), "# Beta {#b}\n\n1.  Do it.\n").unwrap();
    let _ = build::build(&src, &out);
    assert_eq!(std::fs::read_to_string(elsewhere.join("en-US/a.json")).unwrap(), "not the output's");
    // A file of the output replaced by a link: the rename replaces the link, not its target.
    std::fs::remove_file(out.join("guides")).unwrap();
    build::build(&src, &out).unwrap();
    let target = tmp.path().join("target.txt");
    std::fs::write(&target, "keep me").unwrap();
    std::fs::remove_file(out.join("sync.json")).unwrap();
    std::os::unix::fs::symlink(&target, out.join("sync.json")).unwrap();
    build::build(&src, &out).unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(!std::fs::symlink_metadata(out.join("sync.json")).unwrap().file_type().is_symlink());
}

/// The files a build records, plus the record itself.
fn recorded(out: &Path) -> BTreeSet<String> {
    let list = std::fs::read_to_string(out.join(preflight::emit::LIST_FILE)).unwrap();
    list.lines().map(str::to_string).chain([preflight::emit::LIST_FILE.to_string()]).collect()
}

#[test]
fn leftovers_of_an_interrupted_build_are_removed() {
    // The state a build killed mid-write leaves: a journal naming files that are gone from
    // the sources, some of them written, and a temporary file.
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let out = tmp.path().join("out");
    build::build(&src, &out).unwrap();
    let mut journal = std::fs::read_to_string(out.join(preflight::emit::LIST_FILE)).unwrap();
    journal.push_str("guides/en-US/gone.json\nsite/en-US/gone.html\n");
    std::fs::write(out.join(preflight::emit::LIST_FILE), journal).unwrap();
    std::fs::write(out.join("guides/en-US/gone.json"), "{}").unwrap();
    std::fs::write(out.join("guides/en-US/.a.json.preflight-tmp"), "").unwrap();
    build::build(&src, &out).unwrap();
    assert_eq!(files_below(&out), recorded(&out));
}

/// A project big enough that writing it takes a while.
fn big_project(dir: &Path, guides: usize) -> PathBuf {
    let src = dir.join("big");
    for locale in ["en-US", "zh-CN"] {
        std::fs::create_dir_all(src.join(locale)).unwrap();
        for i in 0..guides {
            let text = format!("# Guide {i} {{#g{i}}}\n\n1.  Open the console of part {i}.\n2.  Save it.\n");
            std::fs::write(src.join(format!("{locale}/g{i:04}.md")), text).unwrap();
        }
    }
    src
}

#[test]
fn killed_build_leaves_no_debris() {
    let tmp = tempfile::tempdir().unwrap();
    let src = big_project(tmp.path(), 1500);
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["build", "--src"])
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as the first guide is written (the journal went first).
    let first = out.join("guides/en-US/g0000.json");
    loop {
        if first.exists() || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::yield_now();
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGKILL), "the build ended before it was killed");
    let partial = files_below(&out);
    assert!(partial.iter().any(|p| p.starts_with("guides/")), "killed before any write: {}", partial.len());
    // Most guides go away; the next build must leave exactly what it records.
    for entry in std::fs::read_dir(src.join("en-US")).unwrap().chain(std::fs::read_dir(src.join("zh-CN")).unwrap()) {
        let path = entry.unwrap().path();
        if !path.ends_with("g0000.md") {
            std::fs::remove_file(path).unwrap();
        }
    }
    build::build(&src, &out).unwrap();
    let after = files_below(&out);
    assert_eq!(after, recorded(&out));
    assert!(after.len() < 40, "{} files after the rebuild", after.len());
    assert!(!after.iter().any(|p| p.contains("tmp")), "{after:?}");
}

// ---- serve against hostile clients (127.0.0.1 only; every loop bounded) ---------------------

/// A running `preflight serve`, stopped (SIGINT, then SIGKILL) when dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start(src: &Path, out: &Path) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(["serve", "--port", "0", "--templates", "/nonexistent", "--src"])
            .arg(src)
            .arg("--out")
            .arg(out)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let port = loop {
            let line = lines.next().expect("serve prints its address").unwrap();
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, port }
    }

    fn connect(&self) -> std::net::TcpStream {
        let s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        s
    }

    /// Send raw bytes, read the whole response: (status line, headers and body).
    fn raw(&self, request: &[u8]) -> (String, String) {
        use std::io::{Read, Write};
        let mut s = self.connect();
        s.write_all(request).unwrap();
        let mut response = Vec::new();
        let _ = s.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response).into_owned();
        (text.lines().next().unwrap_or("").to_string(), text)
    }

    fn get(&self, path: &str) -> (String, String) {
        self.raw(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        for _ in 0..100 {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_redirects_folders_and_refuses_garbage_and_escapes() {
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let out = tmp.path().join("out");
    let server = Server::start(&src, &out);
    let (status, text) = server.get("/en-US?x=1");
    assert_eq!(status, "HTTP/1.1 301 Moved Permanently");
    assert!(text.to_ascii_lowercase().contains("\r\nlocation: /en-us/?x=1\r\n"), "{text}");
    assert_eq!(server.get("/en-US/").0, "HTTP/1.1 200 OK");
    for garbage in
        [&b"GARBAGE\r\n\r\n"[..], b"\x00\x01\x02\xff binary\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET\r\n\r\n"]
    {
        let (status, _) = server.raw(garbage);
        assert!(status.starts_with("HTTP/1.1 400"), "{garbage:?}: {status}");
    }
    let huge = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(64 * 1024));
    assert!(server.raw(huge.as_bytes()).0.starts_with("HTTP/1.1 4"), "oversized headers");
    assert_eq!(
        server.raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").0,
        "HTTP/1.1 405 Method Not Allowed"
    );
    // Only files below the site folder: no traversal, no link out of it.
    std::fs::write(tmp.path().join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(tmp.path(), out.join("site/up")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("site/secret.txt")).unwrap();
    for path in
        ["/../secret.txt", "/%2e%2e/secret.txt", "/up/secret.txt", "/secret.txt", "/up/", "/%2e%2e%2fsecret.txt"]
    {
        let (status, text) = server.get(path);
        assert_eq!(status, "HTTP/1.1 404 Not Found", "{path}");
        assert!(!text.contains("outside"), "{path}");
    }
    // The reload script is served, never written into the built site.
    assert!(server.get("/en-US/a.html").1.contains("/__preflight/reload.js"));
    for file in files_below(&out.join("site")) {
        let path = out.join("site").join(&file);
        if !std::fs::symlink_metadata(&path).unwrap().file_type().is_symlink() {
            assert!(!std::fs::read_to_string(&path).unwrap_or_default().contains("__preflight"), "{file}");
        }
    }
}

#[test]
fn serve_survives_idle_slow_and_non_reading_clients() {
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let out = tmp.path().join("out");
    // A large file of the user's in the site folder (preflight leaves it alone).
    std::fs::create_dir_all(out.join("site")).unwrap();
    std::fs::write(out.join("site/big.bin"), vec![b'x'; 16 << 20]).unwrap();
    let server = Server::start(&src, &out);
    let baseline = server.rss_kib();
    // Clients that ask for 16 MiB and never read: each costs a chunk, not the file.
    let hoarders: Vec<_> = (0..12)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            s
        })
        .collect();
    // More idle connections than the server takes at once, and slow ones that never finish.
    let idle: Vec<_> = (0..80).map(|_| server.connect()).collect();
    let slow: Vec<_> = (0..8)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
            s
        })
        .collect();
    // A real client still gets its page: the idle and slow ones are dropped at the header
    // deadline, the hoarders at the connection deadline.
    let (status, _) = server.get("/en-US/a.html");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let grown = server.rss_kib().saturating_sub(baseline);
    assert!(grown < 48 * 1024, "12 non-reading clients grew the server by {grown} KiB");
    // The server closed the slow and idle connections itself (read returns, no timeout).
    for mut s in slow.into_iter().chain(idle.into_iter().take(4)) {
        let mut buf = Vec::new();
        assert!(s.read_to_end(&mut buf).is_ok(), "a connection that sent no complete request stayed open");
    }
    drop(hoarders);
}

#[test]
fn serve_does_not_rebuild_when_its_output_lies_inside_the_watched_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let src = small_project(tmp.path());
    let server = Server::start(&src, &src.join("generated"));
    let version = || server.get("/__preflight/version").1.rsplit("\r\n\r\n").next().unwrap_or("").to_string();
    let first = version();
    std::fs::write(src.join("en-US/a.md"), "# Alpha {#a}\n\n1.  Do the second thing.\n").unwrap();
    let mut second = first.clone();
    for _ in 0..200 {
        second = version();
        if second != first {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_ne!(first, second, "no rebuild after an edit");
    assert!(server.get("/en-US/a.html").1.contains("Do the second thing."));
    // The rebuild wrote below generated/, inside the watched folder: that must not count as
    // a change. A loop would rebuild within the debounce time again and again.
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(version(), second, "the server rebuilt after writing its own output");
}
