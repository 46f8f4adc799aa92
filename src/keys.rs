//! Language-neutral keys: what stays equal between the en-US and zh-CN page of a guide
//! when everything a translator touches is taken away. Links, images, code and
//! identifier-like tokens reduce to keys here; sync and pairing compare keys.
//!
//! Invariant: a key is a pure function of the text it is computed from.

use crate::model::{Identifier, IdentifierKind, LinkKey, LinkKind};

/// Path segments that name a locale (`/intl.en-US/…`, `/help/zh/…`).
fn is_locale_segment(seg: &str) -> bool {
    let lower = seg.to_ascii_lowercase();
    let base = lower.rsplit('.').next().unwrap_or(&lower);
    matches!(base, "en-us" | "zh-cn" | "en" | "zh" | "zh-hans" | "en_us" | "zh_cn")
}

pub fn link_key(dest: &str) -> LinkKey {
    let d = dest.trim();
    let (kind, value) = if d.is_empty() {
        (LinkKind::Empty, String::new())
    } else if let Some(id) = d.strip_prefix("~~").and_then(|s| s.split("~~").next()) {
        (LinkKind::DocId, id.to_string())
    } else if let Some(frag) = d.strip_prefix('#') {
        (LinkKind::Fragment, frag.to_string())
    } else if let Some(addr) = d.strip_prefix("mailto:") {
        (LinkKind::Mailto, addr.to_ascii_lowercase())
    } else if let Some(rest) =
        d.strip_prefix("https://").or_else(|| d.strip_prefix("http://")).or_else(|| d.strip_prefix("//"))
    {
        (LinkKind::Url, normalize_url(rest))
    } else {
        // A path into the doc tree. Keep the fragment: it is the one part that
        // survives translation of file and folder names.
        let (path, frag) = d.split_once('#').unwrap_or((d, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != "." && *s != "..").collect();
        let path: Vec<&str> = segments.into_iter().filter(|s| !is_locale_segment(s)).collect();
        let mut value = path.join("/");
        if !frag.is_empty() {
            value.push('#');
            value.push_str(frag);
        }
        (LinkKind::Path, value)
    };
    LinkKey { kind, value }
}

fn normalize_url(rest: &str) -> String {
    let (rest, frag) = rest.split_once('#').map_or((rest, None), |(a, b)| (a, Some(b)));
    let (rest, query) = rest.split_once('?').map_or((rest, None), |(a, b)| (a, Some(b)));
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut out = host.to_ascii_lowercase();
    for seg in path.split('/').filter(|s| !s.is_empty() && !is_locale_segment(s)) {
        out.push('/');
        out.push_str(seg);
    }
    if let Some(q) = query {
        let kept: Vec<&str> =
            q.split('&').filter(|p| !p.is_empty() && !p.starts_with("spm=") && !p.starts_with("lang=")).collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    if let Some(f) = frag.filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// `…/assets/img/en-US/4076341061/p10452.png` → `p10452`;
/// `…/15514327411361_en-US.png` → `15514327411361`; otherwise the file stem.
pub fn image_key(src: &str) -> String {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let mut stem = stem.to_string();
    for suffix in ["_en-US", "_zh-CN", "_en-us", "_zh-cn", "_en", "_zh"] {
        if let Some(s) = stem.strip_suffix(suffix) {
            stem = s.to_string();
            break;
        }
    }
    // Old-style names are a 10-digit upload time followed by the image number
    // (`1551432741` + `1361`); each language was uploaded at its own time.
    if stem.len() > 10 && stem.starts_with('1') && stem.bytes().all(|b| b.is_ascii_digit()) {
        stem = stem[10..].to_string();
    }
    stem
}

/// A key for code: language-independent, whitespace at line ends ignored.
pub fn code_key(code: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for line in code.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
        for b in line.bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Identifier-like tokens in prose: names that no translator changes, and numbers.
pub fn text_identifiers(text: &str, out: &mut Vec<Identifier>) {
    let is_tok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/' | '@' | '$' | '*');
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (is_tok(c) && i < text.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                classify(&text[s..i], out);
                start = None;
            }
            _ => {}
        }
    }
}

fn classify(raw: &str, out: &mut Vec<Identifier>) {
    let tok = raw.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '*' && c != '$');
    if tok.is_empty() || tok.contains("//") {
        return;
    }
    let has_digit = tok.bytes().any(|b| b.is_ascii_digit());
    let has_alpha = tok.bytes().any(|b| b.is_ascii_alphabetic());
    if !has_alpha {
        if has_digit {
            out.push(Identifier { kind: IdentifierKind::Number, value: tok.to_string() });
        }
        return;
    }
    if is_name(tok, has_digit) {
        out.push(Identifier { kind: IdentifierKind::Name, value: tok.to_string() });
    }
}

fn is_name(tok: &str, has_digit: bool) -> bool {
    let bytes = tok.as_bytes();
    let camel = bytes.windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    let upper = bytes.iter().filter(|b| b.is_ascii_uppercase()).count();
    // `OK` is a button label: zh pages say 确定.
    let acronym = upper >= 2 && bytes.iter().all(|b| !b.is_ascii_lowercase()) && tok != "OK";
    let snake = tok.contains('_') || tok.contains(':') || tok.contains('$');
    let region = ["cn-", "ap-", "us-", "eu-", "me-"].iter().any(|p| tok.starts_with(p)) && tok.len() > 5;
    camel || acronym || snake || region || (has_digit && tok.len() > 1 && !is_ordinal(tok))
}

/// `1st`, `2nd`, `10th`: English ordinals are words, not identifiers.
fn is_ordinal(tok: &str) -> bool {
    let lower = tok.to_ascii_lowercase();
    ["st", "nd", "rd", "th"]
        .iter()
        .any(|s| lower.strip_suffix(s).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
}

/// Sort and dedupe: reordered references inside a step are not a difference.
pub fn normalize(ids: &mut Vec<Identifier>) {
    ids.sort();
    ids.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        text_identifiers(text, &mut out);
        normalize(&mut out);
        out.into_iter().map(|i| format!("{:?}:{}", i.kind, i.value)).collect()
    }

    #[test]
    fn identifiers_survive_cjk_neighbours() {
        assert_eq!(
            names("使用主账号创建子账号：DataWorks-admin，授权AliyunDataWorksFullAccess。"),
            ["Name:AliyunDataWorksFullAccess", "Name:DataWorks-admin"]
        );
        assert_eq!(
            names("eight or more vCPUs, 8 vCPUs in cn-hangzhou (V3.32.0)."),
            ["Name:V3.32.0", "Name:cn-hangzhou", "Name:vCPUs", "Number:8"]
        );
        assert_eq!(names("Create the 1st bucket in the console."), Vec::<String>::new());
    }

    #[test]
    fn image_keys_ignore_locale() {
        assert_eq!(image_key("https://x/assets/img/en-US/4076341061/p10452.png"), "p10452");
        assert_eq!(image_key("https://x/assets/img/zh-CN/1/p10452.png"), "p10452");
        assert_eq!(image_key("http://x/11942/15514327411361_en-US.png"), "1361");
        assert_eq!(image_key("http://x/11942/15520094641361_zh-CN.png"), "1361");
        assert_eq!(image_key("images/37801_zh-CN.png"), "37801");
    }

    #[test]
    fn link_keys_drop_locale_and_tracking() {
        let k = link_key("https://www.alibabacloud.com/help/zh/faq-detail/39544.htm?spm=a2c63.p38356");
        assert_eq!(k.value, "www.alibabacloud.com/help/faq-detail/39544.htm");
        assert_eq!(link_key("~~25609~~").kind, LinkKind::DocId);
        assert_eq!(link_key("~~25609~~").value, "25609");
        assert_eq!(link_key("(#section_x)").kind, LinkKind::Path);
        assert_eq!(link_key("#section_x").value, "section_x");
        assert_eq!(link_key("/intl.en-US/A/b.md#s1").value, "A/b.md#s1");
        assert_eq!(link_key("").kind, LinkKind::Empty);
    }
}
