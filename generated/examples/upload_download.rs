//! Upload a file and download it back, both checked: the upload compares the server's `md5`
//! with the bytes sent, the download resumes after a dropped connection and verifies length and
//! `md5` before the file appears.
//!
//! ```sh
//! export RESCALE_API_KEY=...      # and RESCALE_API_BASE_URL or RESCALE_REGION if not North America
//! cargo run -p rescale --example upload_download -- path/to/file [downloaded-copy]
//! ```
//!
//! Without a file it uploads a generated one (1 MiB). The copy goes to `<file>.downloaded`
//! unless a second argument names it; the program then compares the two byte for byte.

use std::path::PathBuf;

use rescale::Client;

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let scratch = std::env::temp_dir().join(format!("rescale-example-{}", std::process::id()));
    let source = match std::env::args_os().nth(1) {
        Some(path) => PathBuf::from(path),
        None => {
            std::fs::create_dir_all(&scratch)?;
            let path = scratch.join("generated.bin");
            let bytes: Vec<u8> = (0..1024 * 1024u32).map(|i| (i * 31 % 251) as u8).collect();
            std::fs::write(&path, bytes)?;
            path
        }
    };
    let target = match std::env::args_os().nth(2) {
        Some(path) => PathBuf::from(path),
        None => source.with_extension("downloaded"),
    };

    // Upload: streamed from disk, hashed on the way, compared with what the server stored.
    let uploaded = client.upload_file_checked(&source).await?;
    println!(
        "uploaded {} as {} ({} bytes, md5 {}, checked against the server: {})",
        source.display(),
        uploaded.file.id,
        uploaded.bytes,
        uploaded.md5,
        uploaded.verified
    );

    // Download: written to `<target>.partial`, checked, then renamed.
    let downloaded = client.download_file_to(&uploaded.file.id, &target).await?;
    println!(
        "downloaded {} to {} ({} bytes, md5 {}, resumed {} times)",
        uploaded.file.id,
        target.display(),
        downloaded.bytes,
        downloaded.md5,
        downloaded.resumes
    );

    // The round trip changed nothing.
    if downloaded.md5 != uploaded.md5 || std::fs::read(&source)? != std::fs::read(&target)? {
        return Err("the downloaded copy differs from the uploaded file".into());
    }
    println!("the copy is identical to the original");

    // Clean up the stored file (and the generated one).
    client.delete_file(&uploaded.file.id).send().await?;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}
