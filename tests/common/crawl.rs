//! The site crawl, shared by the suite (docs-src, fixtures) and the real-repository checks:
//! every relative `href`/`src` of every page, resolved against the page.

#![allow(dead_code)]

use std::collections::BTreeMap;

use regex::Regex;

/// Percent-decoding as a browser or `preflight serve` does it.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 && b.len() >= i + 3 {
            out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Every relative `href`/`src` of every page, resolved like a browser: (page, href, the
/// file it names below `site/`, its decoded fragment).
pub fn relative_links(files: &BTreeMap<String, String>) -> Vec<(String, String, String, String)> {
    let attr = Regex::new(r#"\b(?:href|src)="([^"]*)""#).unwrap();
    let mut out = Vec::new();
    for (page, html) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        for c in attr.captures_iter(html) {
            let href = c[1].replace("&amp;", "&");
            if href.starts_with("http:")
                || href.starts_with("https:")
                || href.starts_with("mailto:")
                || href.starts_with("data:")
            {
                continue;
            }
            let (path, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let mut parts: Vec<&str> = page.split('/').collect();
            parts.pop();
            let target = if path.is_empty() {
                page.clone()
            } else {
                for seg in path.split('/') {
                    match seg {
                        ".." => assert!(parts.pop().is_some(), "{page}: {href} leaves the site"),
                        "." | "" => {}
                        s => parts.push(s),
                    }
                }
                decode(&parts.join("/"))
            };
            out.push((page.clone(), href.clone(), target, decode(fragment)));
        }
    }
    out
}

/// Whether a page has an element with this id (as the attribute is written: escaped).
pub fn has_id(html: &str, id: &str) -> bool {
    let escaped = id.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
    html.contains(&format!(" id=\"{escaped}\""))
}
