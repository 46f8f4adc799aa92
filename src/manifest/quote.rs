//! Display forms of an argument list and of code in Markdown. For display only: nothing here
//! is ever handed to a shell.

pub(super) fn code_span(text: &str) -> String {
    let text = crate::model::collapse_ws(text);
    let mut ticks = 1;
    while text.contains(&"`".repeat(ticks)) {
        ticks += 1;
    }
    let fence = "`".repeat(ticks);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// An argument list for display only (never for execution): arguments that need it are
/// single-quoted the way a POSIX shell would read them back.
pub fn display_argv(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
            if plain { a.clone() } else { format!("'{}'", a.replace('\'', r"'\''")) }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_argv_quotes_what_a_shell_would_read() {
        let argv = ["aliyun", "ram", "a b", "it's", "$(id)", ""].map(String::from);
        assert_eq!(display_argv(&argv), r#"aliyun ram 'a b' 'it'\''s' '$(id)' ''"#);
    }

    #[test]
    pub(super) fn code_span_survives_backticks() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }
}
