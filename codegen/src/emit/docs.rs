//! Doc comments from spec text, made safe for rustdoc.

use crate::ir::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes for `docs`, or `fallback` when the spec says nothing.
pub(crate) fn attrs(docs: &Docs, fallback: &str) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    match (&docs.summary, &docs.description) {
        (Some(summary), Some(description)) if description.trim() != summary.trim() => {
            push_text(&mut lines, summary);
            lines.push(String::new());
            push_text(&mut lines, description);
        }
        (Some(text), _) | (None, Some(text)) => push_text(&mut lines, text),
        (None, None) => lines.push(fallback.to_owned()),
    }
    if let Some(example) = &docs.example {
        lines.push(String::new());
        lines.push("# Example".to_owned());
        lines.push(String::new());
        lines.push("```json".to_owned());
        lines.extend(example.lines().map(str::to_owned));
        lines.push("```".to_owned());
    }
    let deprecated = docs.deprecated.then(|| quote!(#[deprecated]));
    let lines = lines.iter().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! {
        #(#[doc = #lines])*
        #deprecated
    }
}

/// Plain `#[doc]` attributes for generated text.
pub(crate) fn plain(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// Spec text as rustdoc lines: code fences become `text` blocks (rustdoc would compile them as
/// doctests otherwise) and leading indentation outside fences is dropped for the same reason.
fn push_text(lines: &mut Vec<String>, text: &str) {
    let mut in_fence = false;
    // Markdown lets a list item or quote continue on unindented lines ("lazy continuation"),
    // which clippy rejects: indent continuations under the item, and quote quoted ones.
    let mut continuation = String::new();
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if !in_fence && !trimmed.starts_with("```") {
            let trimmed = trimmed.trim_end();
            if trimmed.is_empty() {
                continuation.clear();
                lines.push(String::new());
            } else if let Some(marker) = list_marker(trimmed) {
                continuation = " ".repeat(marker);
                lines.push(trimmed.to_owned());
            } else if trimmed.starts_with('>') {
                continuation = "> ".to_owned();
                lines.push(trimmed.to_owned());
            } else {
                lines.push(format!("{continuation}{trimmed}"));
            }
            continue;
        }
        continuation.clear();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                lines.push("```".to_owned());
            } else {
                let language = info.trim();
                let safe = if language.is_empty() || language.starts_with("rust") {
                    "text"
                } else {
                    language
                };
                lines.push(format!("```{safe}"));
            }
            in_fence = !in_fence;
            continue;
        }
        lines.push(line.trim_end().to_owned());
    }
    if in_fence {
        lines.push("```".to_owned());
    }
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
        push_text(&mut lines, input);
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
    fn quotes_continue_quoted_and_fences_keep_indentation() {
        assert_eq!(text("> a\nb"), ["> a", "> b"]);
        assert_eq!(
            text("```rust\n  let x = 1;\n```"),
            ["```text", "  let x = 1;", "```"]
        );
    }
}
