//! Uploads and downloads with progress bars (drawn only when stderr is a terminal).

use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};

use futures::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rescale::types::File;
use rescale::{Client, UploadSource};
use tokio::io::AsyncWriteExt;

use crate::error::{CliError, CliResult};

/// A byte-count progress bar on stderr, or a hidden one when stderr is not a terminal.
pub fn progress_bar(len: Option<u64>, label: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    let template = if len.is_some() {
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}"
    } else {
        "{msg} {bytes} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// Uploads the file at `path` under the name `name`, showing progress.
pub async fn upload(client: &Client, path: &Path, name: &str) -> CliResult<File> {
    let shown = path.display();
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| CliError::io(&format!("opening {shown}"), &e))?;
    let len = file
        .metadata()
        .await
        .map_err(|e| CliError::io(&format!("reading {shown}"), &e))?
        .len();
    let bar = progress_bar(Some(len), &format!("uploading {name}"));
    let same_name = path.file_name().is_some_and(|n| n == name);
    let source = if bar.is_hidden() && same_name {
        // No progress to show: a path source can be sent again if connecting fails.
        drop(file);
        UploadSource::path(path)
    } else {
        let counted = bar.clone();
        let stream = tokio_util::io::ReaderStream::new(file).inspect_ok(move |chunk| {
            counted.inc(chunk.len() as u64);
        });
        UploadSource::stream(name, Some(len), stream)
    };
    let result = client.upload_file(source).send().await;
    bar.finish_and_clear();
    result
        .map(|r| r.into_body())
        .map_err(|e| CliError::api(&format!("uploading {shown}"), e))
}

/// Downloads the contents of file `id` to `dest` (through a temporary `.part` file renamed
/// into place when complete), showing progress. Returns the number of bytes written.
pub async fn download(client: &Client, id: &str, label: &str, dest: &Path) -> CliResult<u64> {
    let what = format!("downloading file {id}");
    let body = client
        .download_file(id)
        .send()
        .await
        .map_err(|e| CliError::api(&what, e))?
        .into_body();
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| CliError::io(&format!("creating {}", parent.display()), &e))?;
    }
    let mut part = dest.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let bar = progress_bar(body.content_length(), &format!("downloading {label}"));
    let result = write_stream(body, &part, &bar, &what).await;
    bar.finish_and_clear();
    match result {
        Ok(written) => {
            tokio::fs::rename(&part, dest)
                .await
                .map_err(|e| CliError::io(&format!("writing {}", dest.display()), &e))?;
            Ok(written)
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&part).await;
            Err(e)
        }
    }
}

async fn write_stream(
    mut body: rescale::ByteStream,
    part: &Path,
    bar: &ProgressBar,
    what: &str,
) -> CliResult<u64> {
    let shown = part.display();
    let mut out = tokio::fs::File::create(part)
        .await
        .map_err(|e| CliError::io(&format!("creating {shown}"), &e))?;
    let mut written = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| CliError::api(what, e))?;
        out.write_all(&chunk)
            .await
            .map_err(|e| CliError::io(&format!("writing {shown}"), &e))?;
        written += chunk.len() as u64;
        bar.inc(chunk.len() as u64);
    }
    out.flush()
        .await
        .map_err(|e| CliError::io(&format!("writing {shown}"), &e))?;
    out.sync_all()
        .await
        .map_err(|e| CliError::io(&format!("writing {shown}"), &e))?;
    Ok(written)
}

/// A server-given relative path made safe to join under a local directory: only its normal
/// components are kept (no root, no `..`), each of them free of separators. `None` when
/// nothing is left.
pub fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.split(['/', '\\']) {
        match Path::new(part).components().next() {
            Some(Component::Normal(p)) if Path::new(part).components().count() == 1 => {
                out.push(p);
            }
            _ => {}
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert_eq!(safe_relative("a/b.txt"), Some(PathBuf::from("a/b.txt")));
        assert_eq!(
            safe_relative("../../etc/passwd"),
            Some(PathBuf::from("etc/passwd"))
        );
        assert_eq!(safe_relative("/abs/x"), Some(PathBuf::from("abs/x")));
        assert_eq!(safe_relative("..\\x"), Some(PathBuf::from("x")));
        assert_eq!(safe_relative("./"), None);
        assert_eq!(safe_relative(".."), None);
        assert_eq!(safe_relative(""), None);
    }
}
