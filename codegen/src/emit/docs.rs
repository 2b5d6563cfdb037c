//! Doc comments from spec text, made safe for rustdoc.

use super::code::Code;
use crate::ir::{Docs, Operation, StatusMatch};
use std::borrow::Cow;

/// The `# Errors` section of an operation's method: each documented answer that is not a
/// success, with the first line of its description, then what can fail on the way.
pub(crate) fn errors_section(op: &Operation) -> String {
    let mut text = String::from(
        "\n\n# Errors\n\nAn `Err` from `send()` is one of the documented answers below (`Error::Api`),\n\
         or a failure on the way: transport, timeout, or an answer that does not decode.\n",
    );
    let mut any = false;
    for response in &op.responses {
        let status = match response.status {
            StatusMatch::Code(code) if !(200..300).contains(&code) => code.to_string(),
            StatusMatch::Range(range) if range != 2 => format!("{range}XX"),
            StatusMatch::Default => "other statuses".to_owned(),
            _ => continue,
        };
        any = true;
        let first = response
            .description
            .as_deref()
            .map(first_sentence)
            .unwrap_or_default();
        if first.is_empty() {
            text.push_str(&format!("\n- `{status}`"));
        } else {
            text.push_str(&format!("\n- `{status}`: {first}"));
        }
    }
    if !any {
        text.push_str("\nThe spec documents no error answers for it.");
    }
    text
}

/// The first sentence of `text`'s first paragraph, on one line and made safe for rustdoc (the
/// whole paragraph when it has no sentence end).
pub(crate) fn first_sentence(text: &str) -> String {
    let paragraph: Vec<&str> = text
        .trim()
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let joined = paragraph.join(" ");
    let end = joined
        .match_indices(". ")
        .map(|(at, _)| at + 1)
        .find(|&at| !joined[..at].ends_with("e.g.") && !joined[..at].ends_with("i.e."))
        .unwrap_or(joined.len());
    rustdoc_safe(joined[..end].trim()).into_owned()
}

/// A short example of calling an operation's method (not compiled: it does not know the
/// crate's name or where `client` comes from).
pub(crate) fn call_example(method: &str, args: &[String], paginated: bool) -> String {
    let method = method.trim_start_matches("r#");
    let args: Vec<&str> = args.iter().map(|a| a.trim_start_matches("r#")).collect();
    let mut text = format!(
        "\n\n# Example\n\n```ignore\nlet answer = client.{method}({}).send().await?;\nlet body = answer.into_body();",
        args.join(", ")
    );
    if paginated {
        text.push_str(&format!(
            "\n// Every item of every page:\nlet all: Vec<_> = client.{method}({}).into_stream().try_collect().await?;",
            args.join(", ")
        ));
    }
    text.push_str("\n```");
    text
}

/// Writes the doc comment for `docs` (or `fallback` when the spec says nothing), and
/// `#[deprecated]` when the spec marks the item so. Lines go straight into `code`: a third of a
/// large client's lines are doc lines.
pub(crate) fn write(code: &mut Code, docs: &Docs, fallback: impl FnOnce() -> String) {
    if docs.summary.is_none() && docs.description.is_none() {
        code.doc_line(&fallback());
    }
    each_line(docs, None, &mut |line| code.doc_line(line));
    if docs.deprecated {
        code.line("#[deprecated]");
    }
}

/// The doc lines for `docs`, or `fallback` when the spec says nothing.
pub(crate) fn lines(docs: &Docs, fallback: &str) -> Vec<String> {
    let mut lines = Vec::new();
    each_line(docs, Some(fallback), &mut |line| {
        lines.push(line.to_owned())
    });
    lines
}

/// Calls `sink` with each doc line for `docs`, starting with `fallback` when the spec has no text.
fn each_line(docs: &Docs, fallback: Option<&str>, sink: &mut dyn FnMut(&str)) {
    match (&docs.summary, &docs.description) {
        (Some(summary), Some(description)) if description.trim() != summary.trim() => {
            push_text(sink, summary);
            sink("");
            push_text(sink, description);
        }
        (Some(text), _) | (None, Some(text)) => push_text(sink, text),
        (None, None) => {
            if let Some(fallback) = fallback {
                sink(fallback);
            }
        }
    }
    if let Some(example) = &docs.example {
        sink("");
        sink("# Example");
        sink("");
        sink("```json");
        for line in example.lines() {
            sink(line);
        }
        sink("```");
    }
}

/// Doc lines for text the generator wrote itself.
pub(crate) fn plain(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// Spec text as rustdoc lines: code fences become `text` blocks (rustdoc would compile them as
/// doctests otherwise) and leading indentation outside fences is dropped for the same reason.
fn push_text(sink: &mut dyn FnMut(&str), text: &str) {
    let mut in_fence = false;
    // Markdown lets a list item or quote continue on unindented lines ("lazy continuation"),
    // which clippy rejects: indent continuations under the item, and quote quoted ones.
    let mut continuation = String::new();
    let mut buffer = String::new();
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if !in_fence && !trimmed.starts_with("```") {
            let trimmed = trimmed.trim_end();
            if trimmed.is_empty() {
                continuation.clear();
                sink("");
            } else if let Some(marker) = list_marker(trimmed) {
                continuation.clear();
                continuation.extend(std::iter::repeat_n(' ', marker));
                sink(&rustdoc_safe(trimmed));
            } else if trimmed.starts_with('>') {
                continuation.clear();
                continuation.push_str("> ");
                sink(&rustdoc_safe(trimmed));
            } else if continuation.is_empty() {
                sink(&rustdoc_safe(trimmed));
            } else {
                buffer.clear();
                buffer.push_str(&continuation);
                buffer.push_str(&rustdoc_safe(trimmed));
                sink(&buffer);
            }
            continue;
        }
        continuation.clear();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                sink("```");
            } else {
                let language = info.trim();
                let safe = if language.is_empty() || language.starts_with("rust") {
                    "text"
                } else {
                    language
                };
                buffer.clear();
                buffer.push_str("```");
                buffer.push_str(safe);
                sink(&buffer);
            }
            in_fence = !in_fence;
            continue;
        }
        sink(line.trim_end());
    }
    if in_fence {
        sink("```");
    }
}

/// One line of prose made safe for rustdoc: brackets that are not a Markdown link are escaped (or
/// rustdoc reads `[Name]` as a link to a Rust item that does not exist), and bare URLs get angle
/// brackets (rustdoc's `bare_urls` lint). Code spans are left alone.
pub(crate) fn rustdoc_safe(line: &str) -> Cow<'_, str> {
    // Most lines hold nothing rustdoc could misread: use them as they are.
    if !line.contains(['[', ']', '<']) && !line.contains("http") {
        return Cow::Borrowed(line);
    }
    Cow::Owned(escape_for_rustdoc(line))
}

fn escape_for_rustdoc(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // Copy a code span verbatim, up to the matching run of backticks.
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                let fence: String = "`".repeat(run);
                let rest: String = chars[i + run..].iter().collect();
                match rest.find(&fence) {
                    Some(end) => {
                        out.push_str(&fence);
                        out.push_str(&rest[..end + run]);
                        i += run + rest[..end + run].chars().count();
                    }
                    None => {
                        out.push_str(&fence);
                        i += run;
                    }
                }
            }
            '[' => {
                let close = chars[i + 1..].iter().position(|&c| c == ']' || c == '[');
                let link = close
                    .filter(|&n| chars[i + 1 + n] == ']')
                    .map(|n| i + 1 + n)
                    .filter(|&end| chars.get(end + 1) == Some(&'('));
                match link {
                    // `[text](url)`: a real link, copied up to its closing parenthesis. A target
                    // that is no URL (`crate::views::Image`, a Rust path of the server's code)
                    // would be an intra-doc link to nothing: keep only the text.
                    Some(end) => {
                        let close_paren = chars[end..]
                            .iter()
                            .position(|&c| c == ')')
                            .map_or(chars.len(), |n| end + n + 1);
                        let target: String = chars[(end + 2).min(close_paren)..close_paren]
                            .iter()
                            .collect();
                        if target.contains(['/', '#']) || target.starts_with("mailto:") {
                            out.extend(&chars[i..close_paren]);
                        } else {
                            let text: String = chars[i + 1..end].iter().collect();
                            out.push_str(&rustdoc_safe(&text));
                        }
                        i = close_paren;
                    }
                    None => {
                        out.push_str("\\[");
                        i += 1;
                    }
                }
            }
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' => {
                // Keep autolinks (`<https://...>`); escape anything else that looks like an HTML
                // tag (`<host>`), which rustdoc would report as unclosed.
                let inner: String = chars[i + 1..].iter().take_while(|&&c| c != '>').collect();
                if starts_url(&chars[i + 1..]) && !inner.contains(char::is_whitespace) {
                    out.push('<');
                    out.push_str(&inner);
                    i += 1 + inner.chars().count();
                } else if chars
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/' || *c == '!')
                {
                    out.push_str("\\<");
                    i += 1;
                } else {
                    out.push('<');
                    i += 1;
                }
            }
            'h' if starts_url(&chars[i..])
                && !matches!(i.checked_sub(1).map(|p| chars[p]), Some('<' | '=' | '/')) =>
            {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"' | '`'))
                    .count();
                let mut url: String = chars[i..i + len].iter().collect();
                if url.ends_with("//") {
                    // Only a scheme (`https://<host>`): nothing to link.
                    out.push_str(&url);
                    i += len;
                    continue;
                }
                let mut tail = String::new();
                while url.ends_with(['.', ',', ';', ':', ')', ']', '!', '?', '\'']) {
                    tail.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&tail.replace(']', "\\]"));
                i += len;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("https://") || head.starts_with("http://")
}

/// The width of the list marker that starts `line` (`- `, `* `, `+ `, `1. `, `1) `), if any.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(input: &str) -> Vec<String> {
        let mut lines = Vec::new();
        push_text(&mut |line| lines.push(line.to_owned()), input);
        lines
    }

    #[test]
    fn list_continuations_are_indented() {
        assert_eq!(
            text("Modes:\n- one that\nwraps\n10. ten\n  more\n\nafter"),
            [
                "Modes:",
                "- one that",
                "  wraps",
                "10. ten",
                "    more",
                "",
                "after"
            ]
        );
    }

    #[test]
    fn brackets_and_bare_urls_are_made_safe() {
        assert_eq!(
            text("See [Policy] and [docs](https://x.io/a) or https://x.io/b. `[0]` [1]"),
            ["See \\[Policy\\] and [docs](https://x.io/a) or <https://x.io/b>. `[0]` \\[1\\]"]
        );
        assert_eq!(
            text("<https://x.io> (https://y.io) \"https://z.io\""),
            ["<https://x.io> (<https://y.io>) \"<https://z.io>\""]
        );
        assert_eq!(
            text("Format: https://<host>:<port>. a < b, <br>"),
            ["Format: https://\\<host>:\\<port>. a < b, \\<br>"]
        );
        assert_eq!(text("The [RFC][1] digest"), ["The \\[RFC\\]\\[1\\] digest"]);
        assert_eq!(
            text("a [`Disk`](omicron::Disk) b [x](#y)"),
            ["a `Disk` b [x](#y)"]
        );
    }

    #[test]
    fn quotes_continue_quoted_and_fences_keep_indentation() {
        assert_eq!(text("> a\nb"), ["> a", "> b"]);
        assert_eq!(
            text("```rust\n  let x = 1;\n```"),
            ["```text", "  let x = 1;", "```"]
        );
    }
}
