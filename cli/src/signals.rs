//! Waiting for SIGINT or SIGTERM, to end a command cleanly.

/// Resolves when the process is asked to stop, with the conventional exit code (128 + the
/// signal: 130 for SIGINT, 143 for SIGTERM). If the handlers cannot be installed it never
/// resolves, and the signals keep their default effect.
pub async fn interrupted() -> i32 {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => tokio::select! {
                _ = int.recv() => 130,
                _ = term.recv() => 143,
            },
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => 130,
            Err(_) => std::future::pending().await,
        }
    }
}
