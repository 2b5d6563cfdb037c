//! Uploads and downloads with progress bars (drawn only when stderr is a terminal).

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rescale::runtime::{Tap, TapEvent};
use rescale::types::File;
use rescale::{Client, DownloadOptions, Error, ProgressFn, UploadSource};

use crate::error::{CliError, CliResult};
use crate::output::terminal_safe;

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

/// Uploads the file at `path` under the name `name`, showing progress, and checks what the
/// server stored (its size and md5) against the bytes sent. Only regular files are uploaded: a
/// FIFO or a device could block or never end.
pub async fn upload(client: &Client, path: &Path, name: &str) -> CliResult<File> {
    let shown = path.display();
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| CliError::io(&format!("reading {shown}"), &e))?;
    if !meta.is_file() {
        return Err(CliError::usage(format!("{shown} is not a regular file"))
            .hint("upload a regular file (or give a directory to `rescale run`)"));
    }
    let bar = progress_bar(
        Some(meta.len()),
        &format!("uploading {}", terminal_safe(name)),
    );
    let source = if path.file_name().is_some_and(|n| n == name) {
        // A path source can be sent again if connecting fails.
        UploadSource::path(path)
    } else {
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| CliError::io(&format!("opening {shown}"), &e))?;
        UploadSource::stream(
            name,
            Some(meta.len()),
            tokio_util::io::ReaderStream::new(file),
        )
    };
    let counted = bar.clone();
    let tap: Tap = Arc::new(move |event: TapEvent<'_>| match event {
        TapEvent::Start => counted.set_position(0),
        TapEvent::Chunk(bytes) => counted.inc(bytes.len() as u64),
    });
    let result = client.upload_checked(source, Some(tap)).await;
    bar.finish_and_clear();
    let checked = result.map_err(|e| CliError::api(&format!("uploading {shown}"), e))?;
    if !checked.verified {
        eprintln!(
            "note: the server reported no md5 for {}: only its size was checked",
            terminal_safe(name)
        );
    }
    Ok(checked.file)
}

/// Where a download goes.
pub enum Target<'p> {
    /// Standard output (`-o -`).
    Stdout,
    /// A path: a new file, an existing one (replaced only with `force`), or a special file
    /// such as a FIFO (written into).
    Path(&'p Path),
}

/// Downloads the contents of file `id` through the library's checked download (resumed after
/// dropped connections, length and md5 verified, a partial file kept for a rerun when it can be
/// verified), showing progress. Returns the number of bytes written.
pub async fn download(
    client: &Client,
    id: &str,
    label: &str,
    target: Target<'_>,
    force: bool,
) -> CliResult<u64> {
    let what = format!("downloading file {id}");
    let bar = progress_bar(None, &format!("downloading {}", terminal_safe(label)));
    let shown = bar.clone();
    let progress: ProgressFn = Arc::new(move |done, total| {
        if let Some(total) = total {
            shown.set_length(total);
        }
        shown.set_position(done);
    });
    let result = match target {
        Target::Stdout => {
            let mut out = tokio::io::stdout();
            client
                .download_file_to_writer(id, &mut out, Some(progress))
                .await
        }
        Target::Path(dest) => {
            if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
                tokio::fs::create_dir_all(parent)
                    .await
                    .map_err(|e| CliError::io(&format!("creating {}", parent.display()), &e))?;
            }
            let options = DownloadOptions::default()
                .overwrite(force)
                .progress(progress);
            client.download_file_with(id, dest, options).await
        }
    };
    bar.finish_and_clear();
    match result {
        Ok(done) => Ok(done.bytes),
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(CliError::io(&what, &e)
                .hint("pass --force to replace it, or choose another path with -o"))
        }
        Err(e) => Err(CliError::api(&what, e)),
    }
}
