//! GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`): escaping
//! the way the runner reads values back, so that no text of a guide or a command ends a
//! command early or starts one of its own. Kept here, apart from `sync`'s reports, so both
//! can share it once merged.

/// The message part: `%`, CR and LF escaped (a message spans lines as `%0A`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value (`file=`, `title=`): also `:` and `,`, which end a property.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `path.md:12:3` → (`path.md`, 12).
pub fn file_line(span: &str) -> Option<(&str, u32)> {
    let mut parts = span.rsplitn(3, ':');
    let _column = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_value_can_end_or_start_a_command() {
        let hostile = "a%0A::error::x\r\n::warning file=y,line=1::z";
        let data = escape_data(hostile);
        assert!(!data.contains('\n') && !data.contains('\r'));
        assert_eq!(data, "a%250A::error::x%0D%0A::warning file=y,line=1::z");
        let prop = escape_property(hostile);
        assert!(!prop.contains(':') && !prop.contains(','), "{prop}");
        assert_eq!(file_line("en-US/a:b.md:12:3"), Some(("en-US/a:b.md", 12)));
        assert_eq!(file_line("en-US/a.md"), None);
    }
}
