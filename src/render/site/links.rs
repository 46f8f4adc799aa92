//! Links between pages and the site's URLs.
//!
//! [`resolve`] reads a link's destination as the Markdown writer meant it: relative to the
//! linking file (`../x/y.md`, `y.md#frag`), or repo-absolute (`/intl.en-US/a/b.md`, the first
//! segment a locale folder as written under the project root), percent-encoded or with
//! spaces. [`url_segment`] and [`encode`] turn any file name into a path that every file
//! system takes and a URL that every browser and `preflight serve` resolve.
//!
//! Invariant: pure functions of their arguments; no file system.

/// What a link's destination is, for the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Not a link to a Markdown page (an external URL, a doc-id link `~~12345~~`, an
    /// anchor on the same page, an image, a file): left as written.
    Keep,
    /// A Markdown page of a locale folder of the project.
    Page {
        locale: String,
        /// Path relative to the locale folder, `/`-separated, with its `.md`.
        rel: String,
        /// The fragment after `#`, decoded; empty for none.
        fragment: String,
    },
    /// A Markdown page outside every locale folder of the project: `path` is the page's
    /// path from the project root (`..` steps above the root are dropped, as URLs do).
    Outside { path: String },
}

/// Resolve `dest`, written in the page `from_rel` (relative to its locale folder, with its
/// `.md`) of `from_locale`. `folders` maps each locale folder as written under the
/// project root to its locale (`("intl.en-US", "en-US")`).
pub fn resolve(from_locale: &str, from_rel: &str, dest: &str, folders: &[(String, String)]) -> Link {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with("~~") || dest.starts_with("//") || has_scheme(dest)
    {
        return Link::Keep;
    }
    let Some((path, fragment)) = split_md(dest) else { return Link::Keep };
    let mut segments: Vec<String> = Vec::new();
    if !path.starts_with('/') {
        let folder = folders.iter().find(|(_, l)| l == from_locale).map_or(from_locale, |(f, _)| f.as_str());
        segments.extend(folder.split('/').map(str::to_string));
        let mut dir: Vec<&str> = from_rel.split('/').collect();
        dir.pop();
        segments.extend(dir.into_iter().map(str::to_string));
    }
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            p => segments.push(p.to_string()),
        }
    }
    // The longest locale folder that starts the path (a folder may hold a `/`).
    let found = folders
        .iter()
        .filter(|(f, _)| {
            let n = f.split('/').count();
            n < segments.len() && f.split('/').zip(&segments).all(|(a, b)| a == b)
        })
        .max_by_key(|(f, _)| f.len());
    match found {
        Some((f, locale)) => {
            Link::Page { locale: locale.clone(), rel: segments[f.split('/').count()..].join("/"), fragment }
        }
        None => Link::Outside { path: segments.join("/") },
    }
}

/// `http:`, `mailto:`, `javascript:`: a scheme before any `/`, `?` or `#`.
fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// (decoded path, decoded fragment) of a link to a `.md` file; `None` for anything else.
/// A file name may hold `#` or `?` (`What is RAM?.md`): a destination that ends in `.md`
/// is a path as a whole.
fn split_md(dest: &str) -> Option<(String, String)> {
    let whole = decode(dest);
    if is_md(&whole) {
        return Some((whole, String::new()));
    }
    let (path, fragment) = dest.split_once('#').unwrap_or((dest, ""));
    let path = decode(path);
    if is_md(&path) {
        return Some((path, decode(fragment)));
    }
    // A query after the page (`x.md?spm=1`) is dropped.
    let (before, _) = path.rsplit_once('?')?;
    is_md(before).then(|| (before.to_string(), decode(fragment)))
}

fn is_md(path: &str) -> bool {
    path.len() > 3 && path.get(path.len() - 3..).is_some_and(|e| e.eq_ignore_ascii_case(".md"))
}

/// A link to a file beside the page (`images/a.png`, `t1835681.dita`, `/x.pdf`): not a URL
/// with a scheme, not an anchor, not a doc-id link. The site copies no such file.
pub fn is_file(dest: &str) -> bool {
    let dest = dest.trim();
    !(dest.is_empty() || dest.starts_with('#') || dest.starts_with("~~") || dest.starts_with("//") || has_scheme(dest))
}

/// Percent-decode; a sequence that is not UTF-8 once decoded leaves the text as written.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// One segment of an output path: the source name with the characters that some file
/// system or URL cannot hold as they are (`\ : * ? " < > | # %`, controls) replaced by `_`.
/// Spaces, CJK and brackets stay; [`encode`] makes them a URL.
pub fn url_segment(name: &str) -> String {
    let out: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%') {
                '_'
            } else {
                c
            }
        })
        .collect();
    match out.as_str() {
        "" | "." | ".." => out.replace('.', "_") + "_",
        _ => out,
    }
}

/// A site path as it goes into `href`: every byte outside the URL's unreserved and
/// path-safe characters percent-encoded (spaces, CJK, brackets, `%`, `?`, `#`).
pub fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders() -> Vec<(String, String)> {
        vec![("intl.en-US".into(), "en-US".into()), ("intl.zh-CN".into(), "zh-CN".into())]
    }

    fn page(locale: &str, rel: &str, fragment: &str) -> Link {
        Link::Page { locale: locale.into(), rel: rel.into(), fragment: fragment.into() }
    }

    #[test]
    fn relative_links_resolve_from_the_linking_file() {
        let f = folders();
        assert_eq!(resolve("en-US", "a/b/c.md", "../x/y.md", &f), page("en-US", "a/x/y.md", ""));
        assert_eq!(resolve("en-US", "a/b/c.md", "y.md#frag", &f), page("en-US", "a/b/y.md", "frag"));
        assert_eq!(resolve("en-US", "a/b/c.md", "./y.md#", &f), page("en-US", "a/b/y.md", ""));
        // Climbing to the project root and into the other tree.
        assert_eq!(resolve("en-US", "a/c.md", "../../intl.zh-CN/用户/授权.md", &f), page("zh-CN", "用户/授权.md", ""));
        // `..` above the root is dropped, as in URLs.
        assert_eq!(resolve("zh-CN", "a/c.md", "../../../../intl.zh-CN/b.md", &f), page("zh-CN", "b.md", ""));
    }

    #[test]
    fn repo_absolute_links_name_the_locale_folder() {
        let f = folders();
        assert_eq!(resolve("zh-CN", "x.md", "/intl.en-US/a/b.md#s1", &f), page("en-US", "a/b.md", "s1"));
        assert_eq!(
            resolve("en-US", "x.md", "/reseller.en-US/Quick Start/a.md", &f),
            Link::Outside { path: "reseller.en-US/Quick Start/a.md".into() }
        );
        // In a project whose folders are the locales.
        let plain = vec![("en-US".to_string(), "en-US".to_string())];
        assert_eq!(resolve("en-US", "x/y.md", "/en-US/a.md", &plain), page("en-US", "a.md", ""));
    }

    #[test]
    fn encoded_spaced_and_odd_names() {
        let f = folders();
        assert_eq!(resolve("en-US", "x.md", "What%20is%20RAM%3F.md", &f), page("en-US", "What is RAM?.md", ""));
        assert_eq!(resolve("en-US", "x.md", "What is RAM?.md", &f), page("en-US", "What is RAM?.md", ""));
        assert_eq!(resolve("en-US", "x.md", "C%23 notes.md#top", &f), page("en-US", "C# notes.md", "top"));
        assert_eq!(resolve("en-US", "x.md", "a.md?spm=1#b", &f), page("en-US", "a.md", "b"));
        assert_eq!(resolve("en-US", "x.md", "100%.md", &f), page("en-US", "100%.md", ""));
    }

    #[test]
    fn other_links_are_kept() {
        let f = folders();
        for dest in
            ["https://a.example/x.md", "mailto:a@b", "~~25609~~", "#section", "//cdn/x.md", "a.png", "x.md.txt", ""]
        {
            assert_eq!(resolve("en-US", "x.md", dest, &f), Link::Keep, "{dest}");
        }
    }

    #[test]
    fn odd_destinations_never_panic_and_never_leave_the_project() {
        let f = folders();
        for dest in [
            "%",
            "%%",
            "%zz.md",
            "%E0.md",
            "../../../../",
            "/",
            "#",
            "a.md#%E0",
            ".md",
            "..md",
            "\\..\\x.md",
            "C:\\x.md",
            "javascript:x.md",
            "//x.md",
            " \t ",
            "授权.md#授",
            "/intl.en-US",
            "/intl.en-US/",
            "a\0b.md",
        ] {
            match resolve("en-US", "a/b.md", dest, &f) {
                Link::Page { rel, .. } => {
                    assert!(!rel.is_empty() && !rel.split('/').any(|s| s == ".."), "{dest:?}: {rel}")
                }
                Link::Outside { path } => assert!(!path.split('/').any(|s| s == ".."), "{dest:?}: {path}"),
                Link::Keep => {}
            }
        }
        assert_eq!(resolve("en-US", "a/b.md", "javascript:x.md", &f), Link::Keep);
        assert_eq!(resolve("en-US", "a/b.md", "C:\\x.md", &f), Link::Keep);
    }

    #[test]
    fn any_name_gives_a_safe_segment_and_url() {
        assert_eq!(url_segment("What is RAM?"), "What is RAM_");
        assert_eq!(url_segment("a:b#c%d"), "a_b_c_d");
        assert_eq!(url_segment("（隐藏）旧版"), "（隐藏）旧版");
        assert_eq!(url_segment(".."), "___");
        assert_eq!(encode("en-US/API Reference (STS)/a b.html"), "en-US/API%20Reference%20(STS)/a%20b.html");
        assert_eq!(encode("授权"), "%E6%8E%88%E6%9D%83");
        assert_eq!(encode("a?#%:"), "a%3F%23%25%3A");
    }
}
