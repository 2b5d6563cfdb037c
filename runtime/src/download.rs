//! Writing a streamed body to a file atomically.

use std::io;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::{ByteStream, Error};

/// Removes the temporary file when dropped unless disarmed (covers errors and cancellation).
struct TempFile {
    path: Option<PathBuf>,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Best effort: the file may already be gone.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// See [`ByteStream::write_to_file`].
pub(crate) async fn write_to_file(mut stream: ByteStream, path: &Path) -> Result<u64, Error> {
    let Some(name) = path.file_name() else {
        return Err(Error::InvalidArgument(format!(
            "{} does not name a file",
            path.display()
        )));
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let with_path = |p: &Path, e: io::Error| {
        Error::Io(io::Error::new(e.kind(), format!("{}: {e}", p.display())))
    };

    // Pick an unused temporary name next to the target.
    let mut attempt = 0;
    let (tmp_path, file) = loop {
        let tmp_name = format!(
            ".{}.{:016x}.part",
            name.to_string_lossy(),
            fastrand::u64(..)
        );
        let candidate = dir.join(tmp_name);
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
            .await
        {
            Ok(file) => break (candidate, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(with_path(&candidate, e)),
        }
    };
    let mut guard = TempFile {
        path: Some(tmp_path.clone()),
    };
    let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, file);

    let expected = stream.content_length();
    let mut written: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        file.write_all(&chunk)
            .await
            .map_err(|e| with_path(&tmp_path, e))?;
        written += chunk.len() as u64;
    }
    if let Some(expected) = expected
        && expected != written
    {
        return Err(Error::Protocol(format!(
            "the body had {written} bytes, {expected} were announced"
        )));
    }
    file.flush().await.map_err(|e| with_path(&tmp_path, e))?;
    let file = file.into_inner();
    file.sync_all().await.map_err(|e| with_path(&tmp_path, e))?;
    drop(file);
    tokio::fs::rename(&tmp_path, path)
        .await
        .map_err(|e| with_path(path, e))?;
    guard.path = None;
    Ok(written)
}
