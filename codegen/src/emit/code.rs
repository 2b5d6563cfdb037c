//! A writer of formatted Rust source.
//!
//! The emitter writes text directly instead of building a token stream and pretty-printing it:
//! parsing and printing a whole client took 70 to 80% of the generation time (see
//! `BENCHMARKS.md`). To keep the output reading like formatted code, the few layout decisions
//! the emitter needs follow rustfmt's defaults: lines of at most [`MAX_WIDTH`] columns, argument
//! and array lists on one line up to [`LIST_WIDTH`], struct literals up to [`STRUCT_LIT_WIDTH`],
//! attribute arguments up to [`ATTR_WIDTH`], method chains up to [`CHAIN_WIDTH`]; longer ones
//! one item per line.

/// rustfmt's `max_width`.
pub(crate) const MAX_WIDTH: usize = 100;
/// rustfmt's `fn_call_width` and `array_width`.
pub(crate) const LIST_WIDTH: usize = 60;
/// rustfmt's `struct_lit_width`.
pub(crate) const STRUCT_LIT_WIDTH: usize = 18;
/// rustfmt's `attr_fn_like_width`.
pub(crate) const ATTR_WIDTH: usize = 70;
/// rustfmt's `chain_width`.
pub(crate) const CHAIN_WIDTH: usize = 60;

/// Source text under construction, with the current indentation depth.
pub(crate) struct Code {
    out: String,
    depth: usize,
    /// The `#[cfg(...)]` line every item opened at depth [`Code::cfg_depth`] starts with (the
    /// cargo features of the type or operation being written), if any.
    cfg: Option<String>,
    cfg_depth: usize,
}

impl Code {
    /// An empty writer with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Code {
            out: String::with_capacity(capacity),
            depth: 0,
            cfg: None,
            cfg_depth: 0,
        }
    }

    /// Makes every item opened from now on at the current depth start with a `#[cfg]` for
    /// `features` (any of them), until the next call; an empty list writes none.
    pub(crate) fn set_cfg(&mut self, features: &[&str]) {
        self.cfg = (!features.is_empty()).then(|| cfg_attr(self.indent(), features));
        self.cfg_depth = self.depth;
    }

    /// Writes the `#[cfg]` line set by [`Code::set_cfg`], for an item written without
    /// [`Code::open_itemf`] (a one-line item, or one whose attributes come first).
    pub(crate) fn cfg_line(&mut self) {
        if self.depth == self.cfg_depth
            && let Some(cfg) = self.cfg.take()
        {
            self.line(&cfg);
            self.cfg = Some(cfg);
        }
    }

    /// The column at which a line written now starts.
    pub(crate) fn indent(&self) -> usize {
        self.depth * 4
    }

    /// Writes `text` at the current depth. Lines after the first (a layout from [`list`] or
    /// [`chain`]) keep their indentation relative to the first.
    pub(crate) fn line(&mut self, text: &str) {
        for line in text.split('\n') {
            if !line.is_empty() {
                for _ in 0..self.depth {
                    self.out.push_str("    ");
                }
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }

    /// Writes formatted text at the current depth without an intermediate `String` (the common
    /// case: most lines of a client are built with `format_args!`).
    pub(crate) fn linef(&mut self, args: std::fmt::Arguments<'_>) {
        use std::fmt::Write as _;
        let start = self.out.len();
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        let text_start = self.out.len();
        // Writing to a `String` cannot fail.
        let _ = self.out.write_fmt(args);
        if self.out[text_start..].contains('\n') {
            // Several lines: indent each of them.
            let text = self.out.split_off(text_start);
            self.out.truncate(start);
            self.line(&text);
        } else {
            self.out.push('\n');
        }
    }

    /// Writes `args` + `tail` as one line when it fits in [`MAX_WIDTH`] + `slack` columns and
    /// returns `true`; otherwise writes nothing and returns `false`. Formats straight into the
    /// output: no temporary `String` for the common case.
    pub(crate) fn try_line(
        &mut self,
        args: std::fmt::Arguments<'_>,
        tail: &str,
        slack: usize,
    ) -> bool {
        use std::fmt::Write as _;
        let start = self.out.len();
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        let text_start = self.out.len();
        // Writing to a `String` cannot fail.
        let _ = self.out.write_fmt(args);
        self.out.push_str(tail);
        let text = &self.out[text_start..];
        if !text.contains('\n') && self.indent() + width(text) <= MAX_WIDTH + slack {
            self.out.push('\n');
            true
        } else {
            self.out.truncate(start);
            false
        }
    }

    /// Writes the header of an item given as `format_args!` (`impl X for Y`, `pub struct Y`
    /// ...) and its opening brace, then indents; first the `#[cfg]` line set by
    /// [`Code::set_cfg`], if any.
    pub(crate) fn open_itemf(&mut self, header: std::fmt::Arguments<'_>) {
        self.cfg_line();
        // rustfmt lets the brace of an item header reach one column past the limit (measured).
        if self.try_line(header, " {", 1) {
            self.depth += 1;
        } else {
            self.item_header(&header.to_string());
        }
    }

    /// Writes `text` (which ends with `{` or another opener) and indents what follows.
    pub(crate) fn open(&mut self, text: &str) {
        self.line(text);
        self.depth += 1;
    }

    /// Indents what follows, after a line that opened a block (written by [`list`]).
    pub(crate) fn enter(&mut self) {
        self.depth += 1;
    }

    /// The header of [`Code::open_itemf`] when it does not fit on one line, broken as rustfmt
    /// does: the brace on a line of its own, and `for Y` of a trait impl on its own line too.
    fn item_header(&mut self, header: &str) {
        // rustfmt lets the brace of an item header reach one column past the limit (measured).
        if self.indent() + width(header) + 2 <= MAX_WIDTH + 1 {
            self.line(&format!("{header} {{"));
        } else if let Some((head, ty)) = header.split_once(" for ") {
            self.line(&format!("{head}\n    for {ty}\n{{"));
        } else {
            self.line(&format!("{header}\n{{"));
        }
        self.depth += 1;
    }

    /// Writes `lead` (`pub name:`) and `ty` + `tail` after it: on one line when it fits, else
    /// the type on the next line, else the outer type's generic argument on a line of its own
    /// (rustfmt's layouts for a long field).
    pub(crate) fn typed(&mut self, lead: &str, ty: &str, tail: &str) {
        if self.try_line(format_args!("{lead} {ty}"), tail, 0) {
            return;
        }
        let indent = self.indent();
        let text = if indent + 4 + width(ty) + width(tail) <= MAX_WIDTH {
            format!("{lead}\n    {ty}{tail}")
        } else if let Some((outer, inner)) = ty.split_once('<')
            && let Some(inner) = inner.strip_suffix('>')
        {
            format!("{lead} {outer}<\n    {inner},\n>{tail}")
        } else {
            format!("{lead} {ty}{tail}")
        };
        self.line(&text);
    }

    /// Ends the indentation of the last [`Code::open`] and writes `text` (`}`, `};` ...).
    pub(crate) fn close(&mut self, text: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
    }

    /// The current end of the text, to look back at what was written after it.
    pub(crate) fn mark(&self) -> usize {
        self.out.len()
    }

    /// Whether the text written since `mark` contains `needle`.
    pub(crate) fn written_since_contains(&self, mark: usize, needle: &str) -> bool {
        self.out[mark..].contains(needle)
    }

    /// Removes the text between two marks (a line written in case it was needed).
    pub(crate) fn remove(&mut self, range: std::ops::Range<usize>) {
        self.out.replace_range(range, "");
    }

    /// An empty line.
    pub(crate) fn blank(&mut self) {
        self.out.push('\n');
    }

    /// `///` lines. Bare carriage returns are not allowed in doc comments (they become spaces)
    /// and trailing spaces are noise (dropped).
    pub(crate) fn doc(&mut self, lines: &[String]) {
        for line in lines {
            self.doc_line(line);
        }
    }

    /// One `///` line (see [`Code::doc`]).
    pub(crate) fn doc_line(&mut self, line: &str) {
        let line = line.trim_end();
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        if line.is_empty() {
            self.out.push_str("///\n");
            return;
        }
        self.out.push_str("/// ");
        if line.contains(|c: char| c == '\r' || is_bidi_control(c)) {
            for c in line.chars() {
                if is_bidi_control(c) {
                    // rustc rejects these in comments (`text_direction_codepoint_in_comment`):
                    // show them as escapes instead.
                    self.out.push_str(&c.escape_unicode().to_string());
                } else if c == '\r' {
                    // A lone carriage return separated words; keep them apart.
                    self.out.push(' ');
                } else {
                    self.out.push(c);
                }
            }
        } else {
            self.out.push_str(line);
        }
        self.out.push('\n');
    }

    /// The text written so far.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// The characters that change text direction, which rustc does not accept in comments.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Width of `text` in columns (characters; the emitter writes no wide characters outside
/// string literals and comments).
pub(crate) fn width(text: &str) -> usize {
    text.chars().count()
}

/// `head` + items separated by `, ` + `tail` on one line when the items fit in `limit` columns
/// and the line in [`MAX_WIDTH`] (starting at column `indent`); otherwise `head`, one item a line
/// (indented one level, followed by a comma, the last one only if `trailing_comma`), and `tail`.
/// Items may be multi-line.
pub(crate) fn list(
    indent: usize,
    head: &str,
    items: &[String],
    tail: &str,
    limit: usize,
    trailing_comma: bool,
) -> String {
    let joined = items.join(", ");
    if !joined.contains('\n')
        && width(&joined) <= limit
        && indent + width(head) + width(&joined) + width(tail) <= MAX_WIDTH
    {
        return format!("{head}{joined}{tail}");
    }
    let mut out = String::with_capacity(head.len() + joined.len() + items.len() * 8 + tail.len());
    out.push_str(head);
    out.push('\n');
    for (index, item) in items.iter().enumerate() {
        for (line_index, line) in item.split('\n').enumerate() {
            if line_index > 0 {
                out.push('\n');
            }
            if !line.is_empty() {
                out.push_str("    ");
                out.push_str(line);
            }
        }
        if index + 1 < items.len() || trailing_comma {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(tail);
    out
}

/// Arguments of a call or elements of an array: `head(a, b)tail` or one per line with a
/// trailing comma.
pub(crate) fn args(indent: usize, head: &str, items: &[String], tail: &str) -> String {
    list(indent, head, items, tail, LIST_WIDTH, true)
}

/// Parameters of a function signature: on one line when the whole signature fits, otherwise
/// one a line; when even `) -> Return {` is too long, the brace goes on a line of its own.
pub(crate) fn params(indent: usize, head: &str, items: &[String], tail: &str) -> String {
    let text = list(indent, head, items, tail, MAX_WIDTH, true);
    match (text.rsplit_once('\n'), tail.strip_suffix(" {")) {
        // rustfmt counts the indentation twice here (measured: at depth 2 a 93-column line
        // already moves the brace), so the same is done to match it.
        (Some((_, last)), Some(without_brace)) if 2 * indent + width(last) > MAX_WIDTH => {
            let (before, _) = text.split_at(text.len() - last.len());
            format!("{before}{without_brace}\n{{")
        }
        _ => text,
    }
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", ...))]` for several features: on one
/// line when `any(...)` is at most [`ATTR_WIDTH`] wide, else one feature per line without a
/// trailing comma (rustfmt's layout, measured).
pub(crate) fn cfg_attr(indent: usize, features: &[&str]) -> String {
    let items: Vec<String> = features
        .iter()
        .map(|feature| format!("feature = \"{feature}\""))
        .collect();
    if let [only] = items.as_slice() {
        return format!("#[cfg({only})]");
    }
    let joined = items.join(", ");
    if width(&joined) + 5 <= ATTR_WIDTH && indent + width(&joined) + 13 <= MAX_WIDTH {
        format!("#[cfg(any({joined}))]")
    } else {
        format!("#[cfg(any(\n    {}\n))]", items.join(",\n    "))
    }
}

/// Arguments of an attribute (`#[serde(a, b)]`): one per line, without a trailing comma, when
/// they are longer than [`ATTR_WIDTH`].
pub(crate) fn attr(indent: usize, head: &str, items: &[String], tail: &str) -> String {
    list(indent, head, items, tail, ATTR_WIDTH, false)
}

/// A struct literal `name { a, b: c }`: on one line only when its fields are at most
/// [`STRUCT_LIT_WIDTH`] wide.
pub(crate) fn struct_lit(indent: usize, head: &str, fields: &[String], tail: &str) -> String {
    if fields.is_empty() {
        return format!("{head} {{}}{tail}");
    }
    let joined = fields.join(", ");
    if !joined.contains('\n')
        && width(&joined) <= STRUCT_LIT_WIDTH
        && indent + width(head) + width(&joined) + width(tail) + 6 <= MAX_WIDTH
    {
        return format!("{head} {{ {joined} }}{tail}");
    }
    // A field too long for its line continues on the next one (rustfmt's layout).
    let fields: Vec<String> = fields
        .iter()
        .map(|field| match field.split_once(": ") {
            Some((name, value))
                if !field.contains('\n') && indent + 4 + width(field) + 1 > MAX_WIDTH =>
            {
                format!("{name}:\n    {value}")
            }
            _ => field.clone(),
        })
        .collect();
    list(
        indent,
        &format!("{head} {{"),
        &fields,
        &format!("}}{tail}"),
        0,
        true,
    )
}

/// A method chain `head root.a().b()tail`: on one line when the chain is at most
/// [`CHAIN_WIDTH`] wide and the line fits, otherwise one `.call` a line under the root.
pub(crate) fn chain(indent: usize, head: &str, root: &str, calls: &[&str], tail: &str) -> String {
    let one_line: String = std::iter::once(root).chain(calls.iter().copied()).collect();
    if width(&one_line) <= CHAIN_WIDTH
        && indent + width(head) + width(&one_line) + width(tail) <= MAX_WIDTH
    {
        return format!("{head}{one_line}{tail}");
    }
    let mut out = format!("{head}{root}");
    for call in calls {
        out.push_str("\n    ");
        out.push_str(call);
    }
    out.push_str(tail);
    out
}

/// A Rust string literal holding `text` (`Debug` of a `str` is valid literal syntax; plain
/// printable ASCII, the usual case, needs no escaping and skips the formatter).
pub(crate) fn string_lit(text: &str) -> String {
    if text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        let mut literal = String::with_capacity(text.len() + 2);
        literal.push('"');
        literal.push_str(text);
        literal.push('"');
        return literal;
    }
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn short_lists_stay_on_one_line() {
        assert_eq!(args(4, "foo(", &strings(&["a", "b"]), ");"), "foo(a, b);");
        assert_eq!(
            attr(
                4,
                "#[serde(",
                &strings(&["rename = \"x\"", "default"]),
                ")]"
            ),
            "#[serde(rename = \"x\", default)]"
        );
    }

    #[test]
    fn long_lists_go_one_item_a_line() {
        let a = "a".repeat(40);
        let b = "b".repeat(21);
        assert_eq!(
            args(0, "foo(", &[a.clone(), b.clone()], ")?;"),
            format!("foo(\n    {a},\n    {b},\n)?;")
        );
        // Attributes allow 70 columns and take no trailing comma.
        let b = "b".repeat(31);
        assert_eq!(
            attr(0, "#[serde(", &[a.clone(), b.clone()], ")]"),
            format!("#[serde(\n    {a},\n    {b}\n)]")
        );
    }

    #[test]
    fn nested_multi_line_items_are_indented() {
        let inner = "Self {\n    a: None,\n}".to_owned();
        assert_eq!(
            args(0, "foo(", &[inner, "x".repeat(70)], ")"),
            format!(
                "foo(\n    Self {{\n        a: None,\n    }},\n    {},\n)",
                "x".repeat(70)
            )
        );
    }

    #[test]
    fn a_long_return_type_pushes_the_brace_down() {
        let ret = format!(") -> Result<{}, Error> {{", "T".repeat(90));
        assert_eq!(
            params(0, "fn send(", &strings(&["self"]), &ret),
            format!(
                "fn send(\n    self,\n) -> Result<{}, Error>\n{{",
                "T".repeat(90)
            )
        );
    }

    #[test]
    fn struct_literals_follow_the_width_of_their_fields() {
        assert_eq!(
            struct_lit(0, "Self", &strings(&["abcdefg: None"]), ""),
            "Self { abcdefg: None }"
        );
        assert_eq!(
            struct_lit(0, "Self", &strings(&["abcdefghijklm: None"]), ""),
            "Self {\n    abcdefghijklm: None,\n}"
        );
        assert_eq!(struct_lit(0, "Self", &[], ""), "Self {}");
    }

    #[test]
    fn long_chains_break_before_each_call() {
        // rustfmt keeps a 60-column chain on one line and breaks a 61-column one.
        assert_eq!(
            chain(4, "let x = ", &"r".repeat(50), &[".bb()", ".cc()"], ";"),
            format!("let x = {}.bb().cc();", "r".repeat(50))
        );
        let root = "r".repeat(51);
        assert_eq!(
            chain(4, "let x = ", &root, &[".bb()", ".cc()"], ";"),
            format!("let x = {root}\n    .bb()\n    .cc();")
        );
        assert_eq!(chain(4, "", "x", &[".y()"], ""), "x.y()");
    }

    #[test]
    fn formatted_lines_are_indented_like_plain_ones() {
        let mut code = Code::with_capacity(0);
        code.open("mod m {");
        code.linef(format_args!("fn {}() {{}}", "f"));
        code.linef(format_args!("a\n{}", "b"));
        code.close("}");
        assert_eq!(code.finish(), "mod m {\n    fn f() {}\n    a\n    b\n}\n");
    }

    #[test]
    fn doc_lines_replace_carriage_returns_and_escape_direction_controls() {
        let mut code = Code::with_capacity(0);
        code.doc_line("a\rb \u{202E}x\u{2066}  ");
        code.doc_line("");
        assert_eq!(code.finish(), "/// a b \\u{202e}x\\u{2066}\n///\n");
    }

    #[test]
    fn string_literals_escape_what_needs_escaping() {
        assert_eq!(string_lit("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(string_lit("plain text"), "\"plain text\"");
        assert_eq!(string_lit("é\u{7f}"), "\"é\\u{7f}\"");
    }
}
