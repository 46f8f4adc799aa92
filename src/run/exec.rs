//! Running one command: an argument list, never a shell, in a process group of its own.
//!
//! The child gets a cleared environment plus the allow-list it is given, `/dev/null` as
//! stdin, and pipes for stdout and stderr that two threads drain to the end while keeping at
//! most `cap` bytes each, so a child that floods its output never blocks and never fills
//! memory. When the child exits, or its time is up, the whole group is killed with SIGKILL
//! before the child is reaped: the group id cannot have been reused yet, and helpers the
//! command left behind (a grandchild that sleeps, a pager) die with it.
//!
//! Must never: pass a command line to a shell, inherit the caller's environment or stdin,
//! wait on a child without a deadline, or panic on anything a child does.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    /// Killed by a signal it did not get from us (a crash: SIGSEGV, SIGABRT, …).
    Signaled(i32),
    TimedOut,
    /// It could not be started: program not found, not executable, …
    NotStarted(String),
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub stdout_truncated: bool,
    pub stderr_truncated: bool,
    pub duration: Duration,
}

/// How long to wait for the output pipes after the group was killed. Only a process that
/// left the group (setsid) can keep a pipe open that long; its output is then cut there.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Find `program` on the `PATH` of the environment the child will get.
pub fn resolve(program: &str, env: &[(OsString, OsString)]) -> Result<PathBuf, String> {
    if program.is_empty() {
        return Err("empty program name".into());
    }
    if program.contains('/') {
        return Ok(PathBuf::from(program));
    }
    let path = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let candidate = dir.join(program);
        if is_executable(&candidate) {
            return Ok(candidate);
        }
    }
    Err(format!("program `{program}` not found on PATH"))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[derive(Default)]
struct Capture {
    bytes: Vec<u8>,
    truncated: bool,
}

fn drain(mut pipe: impl Read, cap: usize, into: Arc<Mutex<Capture>>, done: mpsc::Sender<()>) {
    let mut buf = [0u8; 8192];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let Ok(mut c) = into.lock() else { break };
                let room = cap.saturating_sub(c.bytes.len());
                c.bytes.extend_from_slice(&buf[..n.min(room)]);
                if n > room {
                    c.truncated = true;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    let _ = done.send(());
}

/// Has the child exited? Looks without reaping it (`WNOWAIT`), so its pid, and with it the
/// process group id, stay reserved until we kill the group.
fn exited(pid: libc::pid_t) -> bool {
    loop {
        // SAFETY: `info` is a plain C struct, zeroed as waitid requires for WNOHANG.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        // SAFETY: `pid` is our own unreaped child; `info` is a valid out-pointer.
        let rc = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags) };
        if rc == 0 {
            // SAFETY: waitid filled `info` (or left it zeroed: no state change yet).
            return unsafe { info.si_pid() } != 0;
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            // ECHILD: nothing to wait for, so nothing will change.
            return true;
        }
    }
}

/// Is this process a subreaper whose every descendant [`execute`] may kill?
static SUBREAPER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Make this process the reaper of every descendant of the commands it runs, so none
/// survives them (Linux; elsewhere it returns `false` and only process groups are killed).
///
/// Only for a process that runs commands one at a time and has no other children: after
/// each command, [`execute`] kills and reaps every process below this one.
pub fn become_subreaper() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain prctl with integer arguments.
        let ok = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong, 0, 0, 0) } == 0;
        SUBREAPER.store(ok, std::sync::atomic::Ordering::SeqCst);
        ok
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Every process below `root`, from `/proc` (state and parent of each).
#[cfg(target_os = "linux")]
fn descendants(root: libc::pid_t) -> Vec<(libc::pid_t, libc::pid_t, bool)> {
    let mut procs = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return procs };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<libc::pid_t>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split at the last `)`.
        let mut rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("").split_whitespace();
        let zombie = rest.next().is_some_and(|st| st == "Z" || st == "X");
        let Some(ppid) = rest.next().and_then(|p| p.parse::<libc::pid_t>().ok()) else { continue };
        procs.push((pid, ppid, zombie));
    }
    let mut below = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid, zombie) in &procs {
            if ppid == parent && pid != root && !below.iter().any(|&(p, _, _)| p == pid) {
                below.push((pid, ppid, zombie));
                frontier.push(pid);
            }
        }
    }
    below
}

/// Kill and reap every descendant of this process (see [`become_subreaper`]). Bounded: a
/// descendant that keeps forking faster than it is killed is given up on after the limit.
fn sweep_descendants() {
    #[cfg(target_os = "linux")]
    if SUBREAPER.load(std::sync::atomic::Ordering::SeqCst) {
        // SAFETY: getpid cannot fail.
        let me = unsafe { libc::getpid() };
        for _ in 0..400 {
            let below = descendants(me);
            if below.is_empty() {
                return;
            }
            for &(pid, ppid, zombie) in &below {
                // SAFETY: plain syscalls on pids that are below us in the tree.
                unsafe {
                    if !zombie {
                        libc::kill(pid, libc::SIGKILL);
                    }
                    if ppid == me {
                        let mut status = 0;
                        libc::waitpid(pid, &mut status, libc::WNOHANG);
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn kill_group(pgid: libc::pid_t) {
    // SAFETY: plain syscall; the group id is our child's pid, still reserved (see `exited`).
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Run `argv` with exactly `env`, stdin closed, for at most `timeout`.
pub fn execute(argv: &[String], env: &[(OsString, OsString)], timeout: Duration, cap: usize) -> Outcome {
    let start = Instant::now();
    let not_started = |why: String| Outcome {
        status: Status::NotStarted(why),
        stdout: Vec::new(),
        stderr: Vec::new(),
        stdout_truncated: false,
        stderr_truncated: false,
        duration: start.elapsed(),
    };
    let Some(program) = argv.first() else { return not_started("empty argument list".into()) };
    let path = match resolve(program, env) {
        Ok(p) => p,
        Err(e) => return not_started(e),
    };
    let mut cmd = Command::new(&path);
    cmd.arg0(program)
        .args(&argv[1..])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return not_started(format!("cannot start `{program}`: {}", super::io_message(&e))),
    };
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = mpsc::channel();
    let out = Arc::new(Mutex::new(Capture::default()));
    let err = Arc::new(Mutex::new(Capture::default()));
    let mut readers = 0;
    if let Some(pipe) = child.stdout.take() {
        let (into, done) = (out.clone(), tx.clone());
        std::thread::spawn(move || drain(pipe, cap, into, done));
        readers += 1;
    }
    if let Some(pipe) = child.stderr.take() {
        let (into, done) = (err.clone(), tx.clone());
        std::thread::spawn(move || drain(pipe, cap, into, done));
        readers += 1;
    }
    drop(tx);

    let deadline = start + timeout;
    let mut timed_out = false;
    let mut pause = Duration::from_millis(1);
    while !exited(pid) {
        let now = Instant::now();
        if now >= deadline {
            timed_out = true;
            break;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
    kill_group(pid);
    let status = child.wait();
    sweep_descendants();
    let grace = Instant::now() + DRAIN_GRACE;
    for _ in 0..readers {
        let left = grace.saturating_duration_since(Instant::now());
        if rx.recv_timeout(left).is_err() {
            break;
        }
    }
    let duration = start.elapsed();
    let take = |c: &Arc<Mutex<Capture>>| c.lock().map(|c| (c.bytes.clone(), c.truncated)).unwrap_or_default();
    let (stdout, stdout_truncated) = take(&out);
    let (stderr, stderr_truncated) = take(&err);
    let status = match status {
        _ if timed_out => Status::TimedOut,
        Ok(s) => match (s.code(), s.signal()) {
            (Some(code), _) => Status::Exited(code),
            (None, Some(sig)) => Status::Signaled(sig),
            (None, None) => Status::NotStarted("unknown exit status".into()),
        },
        Err(e) => Status::NotStarted(format!("cannot wait for `{program}`: {}", super::io_message(&e))),
    };
    Outcome { status, stdout, stderr, stdout_truncated, stderr_truncated, duration }
}
