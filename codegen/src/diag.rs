//! Diagnostics: what is wrong in a spec, where, and how to fix it.
//!
//! Stages report problems by JSON pointer into the document; only when generation fails are the
//! pointers turned into line and column (see [`crate::locate`]), so the fast path never pays for
//! source positions.

use std::fmt;

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// JSON pointer of the offending node, e.g. `/components/schemas/Job/properties/name`.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Point at the mapping key rather than its value (for "unknown property" style messages).
    pub at_key: bool,
}

impl Diagnostic {
    /// A problem at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            pointer: pointer.into(),
            message: message.into(),
            help: None,
            at_key: false,
        }
    }

    /// Adds a hint on how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points the location at the key of the entry rather than its value.
    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }
}

/// A diagnostic with its place in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The problem.
    pub diagnostic: Diagnostic,
    /// 1-based line and column, when the node could be found.
    pub position: Option<(usize, usize)>,
    /// The text of that line, for the excerpt.
    pub line_text: Option<String>,
}

/// Generation failed: every problem found, each with file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The spec's file name as given in [`crate::Config::file_name`].
    pub file: String,
    /// The problems, in the order found.
    pub problems: Vec<Located>,
}

impl Error {
    /// Places `diagnostics` in `source`.
    pub fn locate(file: &str, source: &str, diagnostics: Vec<Diagnostic>) -> Self {
        let problems = diagnostics
            .into_iter()
            .map(|diagnostic| {
                let position = if diagnostic.at_key {
                    crate::locate::locate_key(source, &diagnostic.pointer)
                } else {
                    crate::locate::locate(source, &diagnostic.pointer)
                }
                .map(|loc| (loc.line, loc.column));
                Located::at(diagnostic, position, source)
            })
            .collect();
        Error {
            file: file.to_owned(),
            problems,
        }
    }

    /// An error whose position is already known (a parse error).
    pub fn at_position(
        file: &str,
        source: &str,
        diagnostic: Diagnostic,
        position: Option<(usize, usize)>,
    ) -> Self {
        Error {
            file: file.to_owned(),
            problems: vec![Located::at(diagnostic, position, source)],
        }
    }
}

impl Located {
    fn at(diagnostic: Diagnostic, position: Option<(usize, usize)>, source: &str) -> Self {
        let line_text = position
            .and_then(|(line, _)| source.lines().nth(line.saturating_sub(1)))
            .map(|text| text.trim_end().to_owned());
        Located {
            diagnostic,
            position,
            line_text,
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Rendered by `Error`, which knows the file name; alone it shows the message.
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            let d = &problem.diagnostic;
            writeln!(f, "error: {}", d.message)?;
            match problem.position {
                Some((line, column)) => {
                    writeln!(f, "  --> {}:{line}:{column}", self.file)?;
                    if let Some(text) = &problem.line_text {
                        let gutter = line.to_string();
                        let pad = " ".repeat(gutter.len());
                        writeln!(f, "{pad} |")?;
                        writeln!(f, "{gutter} | {text}")?;
                        let caret_pad: String = text
                            .chars()
                            .take(column.saturating_sub(1))
                            .map(|c| if c == '\t' { '\t' } else { ' ' })
                            .collect();
                        writeln!(f, "{pad} | {caret_pad}^")?;
                    }
                }
                None => writeln!(f, "  --> {}", self.file)?,
            }
            if !d.pointer.is_empty() {
                writeln!(f, "   = at: #{}", d.pointer)?;
            }
            if let Some(help) = &d.help {
                writeln!(f, "   = help: {help}")?;
            }
        }
        let count = self.problems.len();
        if count > 1 {
            writeln!(f, "\n{count} errors in {}", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1")
    } else {
        segment.to_owned()
    }
}

/// `base` plus one segment.
pub fn join(base: &str, segment: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + segment.len() + 1);
    pointer.push_str(base);
    pointer.push('/');
    pointer.push_str(&escape_segment(segment));
    pointer
}
