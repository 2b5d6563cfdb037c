//! `rescale configure`: stores the API key (and optionally the platform) in the apiconfig
//! profile file that the client reads, readable by the user only.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::args::{ConfigureArgs, Global};
use crate::commands::Outcome;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, print_line};

/// Writes the key (from `--api-key` or stdin) and the platform (`--base-url` or `--region`, if
/// given) into the chosen profile, keeping the file's other sections and lines.
pub fn configure(args: &ConfigureArgs, global: &Global) -> Outcome {
    let path = config_path()?;
    let profile = args
        .profile
        .clone()
        .or_else(|| env("RESCALE_PROFILE"))
        .unwrap_or_else(|| "default".to_owned());
    if profile.contains([']', '[', '\n', '\r']) || profile.trim().is_empty() {
        return Err(CliError::usage(format!(
            "{profile:?} is not a usable profile name"
        )));
    }
    let key = match &global.api_key {
        Some(key) => key.trim().to_owned(),
        None => read_key()?,
    };
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return Err(
            CliError::usage("the API key is empty or contains white space")
                .hint("copy the key from Profile > User profile settings > API on the platform"),
        );
    }
    let base_url = match (&global.base_url, &global.region) {
        (Some(url), _) => Some(url.trim().to_owned()),
        (None, Some(region)) => Some(region_url(region)?),
        (None, None) => None,
    };
    // The same checks as every command applies (scheme, host, the key's characters), so a
    // profile that is written can be used.
    let mut check = rescale::Client::builder().api_key(&key);
    if let Some(url) = &base_url {
        check = check.base_url(url);
    }
    check
        .build()
        .map_err(|e| CliError::api("checking the settings", e))?;

    let old = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(CliError::io(&format!("reading {}", path.display()), &e)),
    };
    let mut values = vec![("apikey", key.as_str())];
    if let Some(url) = &base_url {
        values.push(("apibaseurl", url.as_str()));
    }
    let text = set_profile(&old, &profile, &values);
    write_private(&path, &text)?;

    if global.json {
        print_json(&json!({"path": path, "profile": profile, "apibaseurl": base_url}))?;
    } else {
        print_line(&format!(
            "Saved the API key{} to profile [{profile}] of {} (readable by you only)",
            if base_url.is_some() {
                " and the platform"
            } else {
                ""
            },
            path.display()
        ))?;
    }
    Ok(0)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `$RESCALE_CONFIG_FILE`, else `~/.config/rescale/apiconfig`: the file the client reads.
fn config_path() -> CliResult<PathBuf> {
    if let Some(file) = env("RESCALE_CONFIG_FILE") {
        return Ok(PathBuf::from(file));
    }
    let home = env("HOME").or_else(|| env("USERPROFILE")).ok_or_else(|| {
        CliError::usage("no home directory (HOME is not set)")
            .hint("name the file with RESCALE_CONFIG_FILE")
    })?;
    Ok(Path::new(&home)
        .join(".config")
        .join("rescale")
        .join("apiconfig"))
}

/// The base URL of a region (`europe`...), as the client resolves `--region`.
fn region_url(region: &str) -> CliResult<String> {
    rescale::API
        .servers
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(region.trim()))
        .map(|s| s.url.to_owned())
        .ok_or_else(|| {
            let known: Vec<&str> = rescale::API.servers.iter().map(|s| s.name).collect();
            CliError::usage(format!("unknown region {region:?}"))
                .hint(format!("regions: {}", known.join(", ")))
        })
}

/// Reads the key from stdin: one line, after a prompt on stderr when stdin is a terminal.
fn read_key() -> CliResult<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("API key (from Profile > User profile settings > API): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::io("reading the API key from stdin", &e))?;
    Ok(line.trim().to_owned())
}

/// The INI `text` with `values` set in section `[profile]`: existing keys replaced in place
/// (matched ignoring case, as the client reads them), missing ones added at the end of the
/// section, the section added at the end if it is not there. Everything else is kept.
fn set_profile(text: &str, profile: &str, values: &[(&str, &str)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header = |line: &str| {
        let line = line.trim();
        line.strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
            .map(|name| name.trim().to_owned())
    };
    let start = lines
        .iter()
        .position(|l| header(l).is_some_and(|name| name.eq_ignore_ascii_case(profile)));
    let Some(start) = start else {
        if lines.last().is_some_and(|l| !l.trim().is_empty()) {
            lines.push(String::new());
        }
        lines.push(format!("[{profile}]"));
        for (key, value) in values {
            lines.push(format!("{key} = {value}"));
        }
        return lines.join("\n") + "\n";
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| header(l).is_some())
        .map_or(lines.len(), |i| start + 1 + i);
    let mut missing = Vec::new();
    for (key, value) in values {
        let found = (start + 1..end).find(|&i| {
            let line = lines[i].trim();
            line.find(['=', ':'])
                .is_some_and(|at| line[..at].trim().eq_ignore_ascii_case(key))
        });
        match found {
            Some(i) => lines[i] = format!("{key} = {value}"),
            None => missing.push(format!("{key} = {value}")),
        }
    }
    // New keys go after the section's last non-blank line.
    let mut at = end;
    while at > start + 1 && lines[at - 1].trim().is_empty() {
        at -= 1;
    }
    for (offset, line) in missing.into_iter().enumerate() {
        lines.insert(at + offset, line);
    }
    lines.join("\n") + "\n"
}

/// Writes `text` to `path` readable and writable by the user only (0600 on Unix; the directory
/// 0700 when created), through a temporary file renamed over the old one, so the key is never
/// in a file others can read, not even for a moment.
fn write_private(path: &Path, text: &str) -> CliResult<()> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|e| CliError::io(&format!("creating {}", dir.display()), &e))?;
    }
    let mut file = tempfile::Builder::new()
        .prefix(".apiconfig")
        .tempfile_in(&dir)
        .map_err(|e| CliError::io(&format!("writing {shown}"), &e))?;
    // tempfile creates the file 0600 on Unix already; set it explicitly all the same.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io(&format!("writing {shown}"), &e))?;
    }
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| CliError::io(&format!("writing {shown}"), &e))?;
    file.persist(path)
        .map_err(|e| CliError::io(&format!("writing {shown}"), &e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_profile_replaces_adds_and_keeps() {
        assert_eq!(
            set_profile("", "default", &[("apikey", "K")]),
            "[default]\napikey = K\n"
        );
        let text =
            "; mine\n[other]\napikey = O\n\n[Default]\nAPIKEY = old\nextra = 1\n\n[last]\nx = y\n";
        let out = set_profile(
            text,
            "default",
            &[("apikey", "NEW"), ("apibaseurl", "https://eu.rescale.com")],
        );
        assert_eq!(
            out,
            "; mine\n[other]\napikey = O\n\n[Default]\napikey = NEW\nextra = 1\napibaseurl = https://eu.rescale.com\n\n[last]\nx = y\n"
        );
        let out = set_profile("[a]\nk = v", "b", &[("apikey", "K")]);
        assert_eq!(out, "[a]\nk = v\n\n[b]\napikey = K\n");
    }
}
