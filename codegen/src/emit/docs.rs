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
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
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
        lines.push(if in_fence {
            line.trim_end().to_owned()
        } else {
            trimmed.trim_end().to_owned()
        });
    }
    if in_fence {
        lines.push("```".to_owned());
    }
}
