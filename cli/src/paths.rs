//! Server-given names and ids made into local paths: the one place that decides whether a name
//! the server sent may name a file here. A hostile or broken server must not be able to write
//! outside the directory the user chose.

use std::path::PathBuf;

/// Longest file name most file systems take, in bytes.
const MAX_COMPONENT_BYTES: usize = 255;

/// `name` as a single path component, or why it cannot be one: empty, `.` or `..`, a separator
/// (`/` or `\`), a NUL or another control character, or longer than 255 bytes.
pub fn safe_component(name: &str) -> Result<&str, String> {
    let why = if name.is_empty() {
        "it is empty"
    } else if name == "." || name == ".." {
        "it names a directory (`.` or `..`)"
    } else if name.contains(['/', '\\']) {
        "it contains a path separator"
    } else if name.chars().any(char::is_control) {
        "it contains a control character"
    } else if name.len() > MAX_COMPONENT_BYTES {
        "it is longer than 255 bytes"
    } else {
        return Ok(name);
    };
    Err(format!("{:?} cannot be a file name: {why}", shorten(name)))
}

/// A server-given relative path (`/` or `\` between parts) as a relative path whose every part
/// passes [`safe_component`]; empty parts and `.` are skipped (a leading `/` makes nothing
/// absolute), anything else that fails is refused with the reason.
pub fn safe_relative(path: &str) -> Result<PathBuf, String> {
    let mut out = PathBuf::new();
    for part in path.split(['/', '\\']) {
        if part.is_empty() || part == "." {
            continue;
        }
        safe_component(part).map_err(|why| format!("path {:?}: {why}", shorten(path)))?;
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        return Err(format!("path {:?} names no file", shorten(path)));
    }
    Ok(out)
}

/// At most 80 characters of `text`, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_single_and_plain() {
        assert_eq!(safe_component("job-42"), Ok("job-42"));
        assert_eq!(safe_component("d3plot.01"), Ok("d3plot.01"));
        for bad in [
            "",
            ".",
            "..",
            "/tmp/x/.ssh",
            "../../../x",
            "a\\b",
            "nul\0byte",
            "esc\x1b[2J",
            "line\nbreak",
            &"x".repeat(256),
        ] {
            let err = safe_component(bad).expect_err(bad);
            assert!(err.contains("cannot be a file name"), "{err}");
        }
    }

    #[test]
    fn relative_paths_stay_inside() {
        assert_eq!(safe_relative("a/b.txt"), Ok(PathBuf::from("a/b.txt")));
        assert_eq!(safe_relative("/abs/./x"), Ok(PathBuf::from("abs/x")));
        assert_eq!(safe_relative("a\\b"), Ok(PathBuf::from("a/b")));
        for bad in ["../../etc/passwd", "a/../../b", "./", "", "..", "a/\0/b"] {
            assert!(safe_relative(bad).is_err(), "{bad:?}");
        }
    }
}
