//! The static site: reviewed snapshots of what differs between pages (each page's
//! `<main>`, and one whole frame) for `docs-src/` and the site fixtures (a drifted pair, a
//! guide in one language only, an XSS page, pages with odd names linked in every way);
//! links, navigation, checklists; what no page may contain; the theme's own rules;
//! `preflight serve`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preflight::build::render_all;
use preflight::project;
use regex::Regex;

#[path = "../common/crawl.rs"]
mod crawl;
use crawl::relative_links;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The site files of a project, by path below `site/`, and the site's diagnostics.
fn site_and_diagnostics(src: &Path) -> (BTreeMap<String, String>, Vec<String>) {
    let project = project::discover(src).expect("a project");
    let (files, _, diagnostics) = render_all(
        &project.config,
        &preflight::rules::load_file(&project.rules_path()).unwrap(),
        &preflight::build::compile(&project).expect("pages").0,
    );
    let files = files
        .into_iter()
        .filter_map(|f| Some((f.path.strip_prefix("site/")?.to_string(), String::from_utf8(f.bytes).unwrap())))
        .collect();
    (files, diagnostics.iter().map(ToString::to_string).collect())
}

fn site(src: &Path) -> BTreeMap<String, String> {
    site_and_diagnostics(src).0
}

/// What differs between pages: everything inside `<main>`.
fn main_of(html: &str) -> &str {
    let start = html.find("<main id=\"main\">").expect("a <main>");
    let end = html.rfind("</main>").expect("a </main>");
    &html[start..end + "</main>".len()]
}

fn pages(src: &Path) -> Vec<(String, String)> {
    site(src).into_iter().filter(|(p, _)| p.ends_with(".html")).collect()
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/site")
}

/// A snapshot name for a page path (any file name).
fn snap_name(prefix: &str, path: &str) -> String {
    let name: String =
        path.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
    format!("{prefix}__{name}")
}

#[test]
fn docs_src_pages() {
    for (path, html) in pages(&root()) {
        insta::assert_snapshot!(snap_name("docs_src", &path), main_of(&html));
    }
}

#[test]
fn fixture_pages() {
    for (path, html) in pages(&fixture()) {
        insta::assert_snapshot!(snap_name("fixture", &path), main_of(&html));
    }
}

/// The frame around `<main>` is the same on every page but for its values: one whole page.
#[test]
fn a_whole_page_frame() {
    let files = site(&root());
    insta::assert_snapshot!("frame__en-US__emr__assign-roles", files["en-US/emr/assign-roles.html"]);
}

#[test]
fn site_layout() {
    let files = site(&fixture());
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "404.html",
            "assets/site.css",
            "assets/site.js",
            "en-US/404.html",
            "en-US/Access keys/Keys _2 at 100_.html",
            "en-US/Access keys/Rotate a key_ steps.html",
            "en-US/Access keys/What is an AccessKey pair_.html",
            "en-US/drift.html",
            "en-US/index.html",
            "en-US/nav.js",
            "en-US/only-english.html",
            "en-US/xss.html",
            "index.html",
            "search-index.js",
            "search-index.json",
            "zh-CN/404.html",
            "zh-CN/Access keys/Keys _2 at 100_.html",
            "zh-CN/drift.html",
            "zh-CN/index.html",
            "zh-CN/nav.js",
            "zh-CN/only-english.html",
            "zh-CN/xss.html",
            "zh-CN/访问密钥/什么是 AccessKey？.html",
            "zh-CN/访问密钥/轮换密钥（步骤）.html",
        ]
    );
    // The guide missing in zh-CN gets a page that says so and links to the English one.
    let missing = &files["zh-CN/only-english.html"];
    assert!(missing.contains("暂无中文版") && missing.contains("href=\"../en-US/only-english.html\""), "{missing}");
    let only = &files["en-US/only-english.html"];
    assert!(only.contains("href=\"../zh-CN/only-english.html\" hreflang=\"zh-CN\""), "{only}");
}

/// Everything that could run code or load something from elsewhere, in any page.
fn executable_vectors(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let script = Regex::new(r"(?is)<script\b([^>]*)>(.*?)</script>").unwrap();
    let allowed = Regex::new(r#"^ src="(\.\./)*assets/site\.js" defer$"#).unwrap();
    for c in script.captures_iter(html) {
        if !allowed.is_match(&c[1]) || !c[2].is_empty() {
            found.push(format!("script: {}", &c[0]));
        }
    }
    let tag = Regex::new(r#"<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=/>"']+(?:="[^"]*")?)*)\s*/?>"#).unwrap();
    let attribute = Regex::new(r#"\s+([^\s=/>"']+)(?:="([^"]*)")?"#).unwrap();
    let bad_scheme = Regex::new(r"(?i)^\s*(javascript|vbscript|data|file):").unwrap();
    let any_tag = Regex::new(r"<[a-zA-Z][^>]*>").unwrap();
    let tags: Vec<_> = tag.captures_iter(html).collect();
    // Every tag must parse as name + quoted attributes; anything else is suspect.
    if any_tag.find_iter(html).count() != tags.len() {
        found.push("a tag that does not parse as name=\"value\" attributes".into());
    }
    for c in &tags {
        let t = c.get(0).unwrap().as_str();
        for a in attribute.captures_iter(&c[2]) {
            let name = a[1].to_ascii_lowercase();
            let value = a.get(2).map_or(String::new(), |v| {
                v.as_str().replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&")
            });
            if name.starts_with("on") || ["style", "srcdoc", "formaction"].contains(&name.as_str()) {
                found.push(format!("attribute {name} in {t}"));
            }
            if ["href", "src", "action", "data", "poster", "background"].contains(&name.as_str()) {
                let icon = t.starts_with("<link rel=\"icon\"") && value == "data:,";
                if bad_scheme.is_match(&value) && !icon {
                    found.push(format!("{name} in {t}"));
                }
                // Only a link a reader clicks may point elsewhere; nothing is loaded from there.
                if !t.starts_with("<a ") && (value.contains("//") || value.starts_with("http")) {
                    found.push(format!("external resource in {t}"));
                }
            }
        }
        let name = c[1].to_ascii_lowercase();
        if ["iframe", "object", "embed", "svg", "math", "form", "base", "img", "style"].contains(&name.as_str())
            && !(name == "form" && t.starts_with("<form class=\"pf-search\""))
        {
            found.push(format!("element {t}"));
        }
    }
    found
}

#[test]
fn xss_fixture_runs_nothing() {
    let files = site(&fixture());
    for page in ["en-US/xss.html", "zh-CN/xss.html"] {
        let html = &files[page];
        assert_eq!(executable_vectors(html), Vec::<String>::new(), "{page}");
        // The attempts are shown as text or dropped, never as markup.
        assert!(!html.contains("alert(1)\"") && !html.contains("onmouseover=\""), "{page}");
        assert!(html.contains("&lt;script&gt;alert(18)&lt;/script&gt;"), "code stays visible as text: {page}");
        assert!(html.contains("<span class=\"pf-text-link\">"), "unsafe links keep their text: {page}");
    }
    assert!(files["en-US/xss.html"].contains("kept text"), "sanitizing keeps harmless content");
}

#[test]
fn every_page_is_self_contained_under_the_csp() {
    let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; \
               style-src 'self'; img-src 'self' data: https:; connect-src 'self'\">";
    for src in [root(), fixture()] {
        for (path, html) in pages(&src) {
            assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\""), "{path}");
            assert!(html.contains(csp), "{path}: no CSP");
            assert_eq!(executable_vectors(&html), Vec::<String>::new(), "{path}");
            if path.matches('/').count() >= 1 && !path.ends_with("index.html") && !path.ends_with("404.html") {
                assert_eq!(html.matches("<link rel=\"alternate\" hreflang=").count(), 2, "{path}");
                assert!(html.contains("class=\"pf-switch\""), "{path}: no language switcher");
            }
        }
    }
}

#[test]
fn drift_is_marked_in_place_with_a_link_to_the_counterpart() {
    let files = site(&fixture());
    let zh = &files["zh-CN/drift.html"];
    assert!(zh.contains("本页与英文版有 1 处不同"), "{zh}");
    // The step only zh-CN has keeps its own id, moved out of the way of en-US's ids ...
    assert!(zh.contains("class=\"pf-step pf-step-unmatched\" id=\"task_sync_base.zh-CN.s1.p1.4\""), "{zh}");
    // ... and zh step 5, which is en step 4, has en step 4's id: one tick, one anchor.
    assert!(
        zh.contains("class=\"pf-step\" id=\"task_sync_base.s1.p1.4\" data-step=\"task_sync_base.s1.p1.4\">"),
        "{zh}"
    );
    assert!(!zh.contains("task_sync_base.s1.p1.5"), "{zh}");
    let en = &files["en-US/drift.html"];
    assert!(en.contains("This page differs from its Chinese version (differences: 1)"), "{en}");
    let index = &files["en-US/index.html"];
    assert!(index.contains("Differences from Chinese: 1") && index.contains("Only in English"), "{index}");
}

/// The crawl: every relative link of the built site names a file of the site, and every
/// fragment an id of that page. See issue 8 ("1,172 links … 404 on the site").
#[test]
fn every_relative_link_and_anchor_of_the_site_resolves() {
    for src in [root(), fixture()] {
        let files = site(&src);
        let links = relative_links(&files);
        assert!(links.len() > 50, "{}: too few links to mean anything", src.display());
        for (page, href, target, fragment) in links {
            let Some(html) = files.get(&target) else { panic!("{page}: {href} names no file ({target})") };
            if !fragment.is_empty() && target.ends_with(".html") {
                assert!(crawl::has_id(html, &fragment), "{page}: {href}: no id {fragment} in {target}");
            }
        }
    }
}

#[test]
fn links_between_pages_resolve_in_every_form_and_broken_ones_are_diagnostics() {
    let (files, diagnostics) = site_and_diagnostics(&fixture());
    let concept = &files["en-US/Access keys/What is an AccessKey pair_.html"];
    for href in [
        // percent-encoded, with `:` in the name and a fragment
        "../../en-US/Access%20keys/Rotate%20a%20key_%20steps.html#section_rotate",
        // relative, up a folder, with a fragment
        "../../en-US/drift.html#section_create",
        // repo-absolute
        "../../en-US/drift.html\"",
        // `<…>` with spaces, `#` and `%` in the name
        "../../en-US/Access%20keys/Keys%20_2%20at%20100_.html",
        // external links stay
        "https://help.example.com/api.md",
    ] {
        assert!(concept.contains(&format!("href=\"{href}")), "{href} in {concept}");
    }
    // A link to a page that does not exist is text, and a diagnostic at the link.
    assert!(concept.contains("<span class=\"pf-text-link\">An old page</span>"), "{concept}");
    // An anchor of this page stays; one it does not have, and files the site does not
    // copy, are text rather than links that lead nowhere.
    assert!(concept.contains("<a href=\"#section_sign\">Signing</a>"), "{concept}");
    for text in ["anchor that is gone", "diagram", "DITA source"] {
        assert!(concept.contains(&format!("<span class=\"pf-text-link\">{text}</span>")), "{text} in {concept}");
    }
    assert_eq!(
        diagnostics,
        [
            "en-US/Access keys/What is an AccessKey pair?.md:16:5: warning[site::broken-link]: link to `old/Removed page.md`: \
          no page `en-US/Access keys/old/Removed page.md` in the project"
        ]
    );
    // A zh page linking into the en tree goes to the zh translation where there is one…
    let zh = &files["zh-CN/访问密钥/轮换密钥（步骤）.html"];
    assert!(zh.contains("href=\"../../zh-CN/%E8%AE%BF%E9%97%AE%E5%AF%86%E9%92%A5/%E4%BB%80%E4%B9%88%E6%98%AF%20AccessKey%EF%BC%9F.html\""), "{zh}");
    // …and to the en page where there is none.
    let zh = &files["zh-CN/访问密钥/什么是 AccessKey？.html"];
    assert!(zh.contains("href=\"../../en-US/Access%20keys/Keys%20_2%20at%20100_.html\""), "{zh}");
}

#[test]
fn output_paths_are_distinct_even_without_case() {
    let tmp = tempfile::tempdir().unwrap();
    let en = tmp.path().join("en-US");
    std::fs::create_dir_all(&en).unwrap();
    for (name, title) in [("a?.md", "Q"), ("a_.md", "U"), ("A_.md", "Upper"), ("index.md", "Index")] {
        std::fs::write(en.join(name), format!("# {title}\n\nText.\n")).unwrap();
    }
    let files = site(tmp.path());
    let pages: Vec<&str> = files.keys().filter(|p| p.starts_with("en-US/")).map(String::as_str).collect();
    assert_eq!(
        pages,
        [
            "en-US/404.html",
            "en-US/A_.html",
            "en-US/a_-2.html",
            "en-US/a_-3.html",
            "en-US/index-2.html",
            "en-US/index.html",
            "en-US/nav.js"
        ]
    );
    assert!(files["en-US/index-2.html"].contains("<h1>Index</h1>"));
}

#[test]
fn only_checklists_get_checkboxes_checks_and_progress() {
    let files = site(&fixture());
    let concept = &files["en-US/Access keys/What is an AccessKey pair_.html"];
    assert!(concept.contains("<ol class=\"pf-steps\">") && concept.contains("<p class=\"pf-step-text\">"), "{concept}");
    for absent in ["pf-tick", "pf-toolbar", "pf-progress", "pf-checks"] {
        assert!(!concept.contains(absent), "{absent} on a concept page");
    }
    let task = &files["en-US/Access keys/Rotate a key_ steps.html"];
    assert_eq!(task.matches("class=\"pf-tick\"").count(), 4);
    assert!(task.contains("id=\"pf-progress\"") && task.contains("class=\"pf-checks\""), "{task}");
    // The pair's ticks are shared: the same step ids in both languages, whatever the names.
    let zh = &files["zh-CN/访问密钥/轮换密钥（步骤）.html"];
    let ids = |html: &str| -> Vec<String> {
        Regex::new(r#"data-step="([^"]+)"><label"#).unwrap().captures_iter(html).map(|c| c[1].to_string()).collect()
    };
    assert_eq!(ids(task), ids(zh));
    assert_eq!(ids(task).len(), 4);
}

#[test]
fn drift_marks_say_what_differs_and_the_banner_counts_what_it_lists() {
    let tag = Regex::new(r"<[^>]*>").unwrap();
    let count = Regex::new(r"\((\d+)\)</summary>").unwrap();
    for (path, html) in pages(&fixture()) {
        let visible = tag.replace_all(&html, "");
        assert!(!visible.contains("sync::"), "{path}: an internal code is shown");
        if let Some(n) = count.captures(&html) {
            let listed = html.split("<ul class=\"pf-banner-marks\">").nth(1).unwrap().split("</ul>").next().unwrap();
            assert_eq!(listed.matches("<li ").count(), n[1].parse::<usize>().unwrap(), "{path}");
        }
    }
    let files = site(&fixture());
    let zh = &files["zh-CN/drift.html"];
    assert!(zh.contains("<summary>不同之处 (1)</summary>"), "{zh}");
    assert!(zh.contains("<strong>多出一个步骤</strong>"), "{zh}");
    // The step's own mark says it too, in the page's language and punctuation.
    assert!(zh.contains("<span class=\"pf-sync-label\">英文版中没有：多出一个步骤。</span>"), "{zh}");
    let en = &files["en-US/drift.html"];
    assert!(
        en.contains("<summary>What differs (1)</summary>") && en.contains("<strong>An extra step</strong>"),
        "{en}"
    );
}

#[test]
fn navigation_tree_breadcrumbs_contents_and_pager() {
    let files = site(&fixture());
    // One sidebar per locale, as data for the page script; the page has a fallback link.
    let nav = &files["en-US/nav.js"];
    assert!(
        nav.starts_with("window.PREFLIGHT_NAV = {\"l\":\"en-US\",\"t\":[[\"Access keys\",[[\"AccessKey limits\""),
        "{nav}"
    );
    let page = &files["en-US/Access keys/Rotate a key_ steps.html"];
    assert!(
        page.contains("data-nav=\"../../en-US/nav.js\"")
            && page.contains("<p class=\"pf-nav-all\"><a href=\"../../en-US/index.html\">"),
        "{page}"
    );
    // Breadcrumbs: the index, the folder (an anchor of the index's tree), the page.
    assert!(page.contains("<li><a href=\"../../en-US/index.html#dir-Access_keys\">Access keys</a></li><li><span aria-current=\"page\">Rotate an AccessKey pair</span></li>"), "{page}");
    assert!(files["en-US/index.html"].contains("<details id=\"dir-Access_keys\" open><summary>Access keys</summary>"));
    // Prev/next in sidebar order.
    assert!(page.contains("rel=\"prev\" href=\"../../en-US/Access%20keys/Keys%20_2%20at%20100_.html\""), "{page}");
    assert!(
        page.contains("rel=\"next\" href=\"../../en-US/Access%20keys/What%20is%20an%20AccessKey%20pair_.html\""),
        "{page}"
    );
    // Page contents from the section headings.
    let concept = &files["en-US/Access keys/What is an AccessKey pair_.html"];
    assert!(
        concept.contains("<li class=\"pf-toc-2\"><a href=\"#section_sign\">How a request is signed</a></li>"),
        "{concept}"
    );
    // A localized 404 page at the root and per locale.
    assert!(files["404.html"].contains("Page not found") && files["zh-CN/404.html"].contains("找不到页面"));
}

#[test]
fn search_index_finds_chinese_bigrams_and_english_words() {
    let files = site(&root());
    let index: serde_json::Value = serde_json::from_str(&files["search-index.json"]).unwrap();
    let hits = |term: &str| -> Vec<String> {
        index["terms"][term]
            .as_array()
            .unwrap_or_else(|| panic!("no term {term}"))
            .iter()
            .map(|n| index["entries"][n.as_u64().unwrap() as usize]["u"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(hits("授权").iter().any(|u| u.starts_with("zh-CN/emr/assign-roles.html")));
    assert!(hits("accesskey").iter().any(|u| u.starts_with("en-US/maxcompute/prepare-account.html")));
    let script = &files["search-index.js"];
    assert!(script.starts_with("window.PREFLIGHT_SEARCH = {") && script.ends_with("};\n"));
    assert_eq!(&script["window.PREFLIGHT_SEARCH = ".len()..script.len() - 2], files["search-index.json"].trim_end());
}

#[test]
fn templates_pass_only_html_fields_through_safe() {
    let safe = Regex::new(r"\{\{\s*([A-Za-z0-9_.]+)\s*\|\s*safe").unwrap();
    let any_safe = Regex::new(r"\|\s*safe").unwrap();
    for (name, bytes) in preflight::render::site::theme::EMBEDDED {
        let text = String::from_utf8_lossy(bytes);
        let ok: Vec<_> = safe.captures_iter(&text).filter(|c| c[1].ends_with("_html")).collect();
        assert_eq!(any_safe.find_iter(&text).count(), ok.len(), "{name}: `| safe` on a field not named *_html");
    }
}

#[test]
fn the_embedded_theme_is_the_templates_folder() {
    let dir = root().join("templates");
    let on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    let mut embedded: Vec<String> =
        preflight::render::site::theme::EMBEDDED.iter().map(|(p, _)| p.to_string()).collect();
    embedded.sort();
    let mut on_disk_sorted = on_disk.clone();
    on_disk_sorted.sort();
    assert_eq!(embedded, on_disk_sorted, "add new files of templates/ to theme::EMBEDDED");
    let files = on_disk.iter().map(|rel| (rel.clone(), std::fs::read(dir.join(rel)).unwrap())).collect();
    preflight::render::site::Theme::from_files(files).expect("templates/ loads");
}

/// A GET over a fresh connection; (status line, body).
fn get(port: u16, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut response = Vec::new();
    s.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.lines().next().unwrap_or("").to_string(), body.to_string())
}

/// Poll `f` every 100 ms until it holds, for at most `secs` seconds.
fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

#[test]
fn serve_serves_rebuilds_reloads_and_stops_on_ctrl_c() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("en-US")).unwrap();
    std::fs::write(src.join("en-US/a.md"), "# Alpha {#a}\n\n1.  Do the first thing.\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["serve", "--port", "0", "--src"])
        .arg(&src)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .arg("--templates")
        .arg(root().join("templates"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let port: u16 = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    let (status, page) = get(port, "/en-US/a.html");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("Do the first thing.") && page.contains("<script src=\"/__preflight/reload.js\" defer>"));
    assert!(get(port, "/").1.contains("en-US/index.html"));
    assert!(get(port, "/__preflight/reload.js").1.contains("/__preflight/version"));
    assert_eq!(get(port, "/../../etc/passwd").0, "HTTP/1.1 404 Not Found");
    assert_eq!(get(port, "/%2e%2e/%2e%2e/etc/passwd").0, "HTTP/1.1 404 Not Found");
    let before = get(port, "/__preflight/version").1;
    std::fs::write(src.join("en-US/a.md"), "# Alpha {#a}\n\n1.  Do the second thing.\n").unwrap();
    assert!(eventually(20, || get(port, "/__preflight/version").1 != before), "no rebuild after a change");
    assert!(get(port, "/en-US/a.html").1.contains("Do the second thing."));
    // Ctrl-C: a clean exit.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let mut status = None;
    assert!(eventually(10, || {
        status = child.try_wait().unwrap();
        status.is_some()
    }));
    assert_eq!(status.unwrap().code(), Some(0));
}
