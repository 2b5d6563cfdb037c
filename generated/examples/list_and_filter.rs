//! Lists with filters, one page or every page: unfinished jobs, files matching a search, active
//! core types, and the software catalogue streamed item by item (the stream follows `next` links
//! and keeps the filters and page size).
//!
//! ```sh
//! export RESCALE_API_KEY=...
//! cargo run -p rescale --example list_and_filter -- [search-text]
//! ```

use futures::{StreamExt, TryStreamExt};
use rescale::Client;
use rescale::types::JobState;

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let search = std::env::args().nth(1).unwrap_or_else(|| ".zip".to_owned());

    // One page: how many jobs have not finished, and the first few of them.
    let page = client
        .list_jobs()
        .state(JobState::NotCompleted)
        .page_size(5)
        .send()
        .await?
        .into_body();
    println!("{} unfinished job(s); first page:", page.count);
    for job in &page.results {
        let status = job
            .job_status
            .as_ref()
            .and_then(|s| s.content.as_deref())
            .unwrap_or("-");
        println!(
            "  {}  {}  {status}",
            job.id,
            job.name.as_deref().unwrap_or("")
        );
    }

    // Every page, collected: the files whose name matches the search.
    let files: Vec<_> = client
        .list_files()
        .search(search.clone())
        .page_size(100)
        .into_stream()
        .try_collect()
        .await?;
    println!("{} file(s) matching {search:?}", files.len());
    for file in files.iter().take(10) {
        println!(
            "  {}  {}  {} bytes",
            file.id,
            file.name,
            file.decrypted_size.unwrap_or(0)
        );
    }

    // Every page, item by item, stopping early: the first three active core types.
    let mut core_types = client
        .list_core_types()
        .is_active(true)
        .page_size(2)
        .into_stream()
        .take(3)
        .boxed();
    println!("active core types (first three):");
    while let Some(core_type) = core_types.next().await {
        let core_type = core_type?;
        println!(
            "  {}  {}",
            core_type.code,
            core_type.name.as_deref().unwrap_or("")
        );
    }

    // Every page, folded without keeping the items: versions across the catalogue.
    let versions = client
        .list_analyses()
        .page_size(50)
        .into_stream()
        .try_fold(0usize, |n, analysis| async move {
            Ok(n + analysis.versions.map_or(0, |v| v.len()))
        })
        .await?;
    println!("{versions} software version(s) in the catalogue");
    Ok(())
}
