//! Starting and stopping the service: models, storage, HTTP, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use komek_nlu::Nlu;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::error::BotError;
use crate::http::{AppState, router};
use crate::models::{ModelPaths, train_if_needed};
use crate::store::Store;

/// A running service.
pub struct Running {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), BotError>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn shutdown(self) -> Result<(), BotError> {
        let _ = self.stop.send(());
        self.task.await.map_err(|e| BotError::Config(format!("server task: {e}")))?
    }
}

/// Loads (training first when the content changed) the NLU, opens the store, binds the address.
pub async fn start(config: &Config) -> Result<Running, BotError> {
    let paths = ModelPaths::new(&config.models);
    let languages = config.languages.clone();
    let nlu = tokio::task::spawn_blocking(move || -> Result<Nlu, BotError> {
        train_if_needed(&paths, false, false).map_err(|e| BotError::Config(format!("{e:#}")))?;
        Ok(Nlu::load(&paths.root, &languages)?)
    })
    .await
    .map_err(|e| BotError::Config(format!("loading models: {e}")))??;
    let store = Store::open(&config.database_url).await?;
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| BotError::Io { path: config.addr.to_string(), source })?;
    let addr = listener.local_addr().map_err(|source| BotError::Io { path: config.addr.to_string(), source })?;
    let app = router(AppState { nlu: Arc::new(nlu), store });
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .map_err(|source| BotError::Io { path: addr.to_string(), source })
    });
    tracing::info!(%addr, "komek is listening");
    Ok(Running { addr, stop, task })
}

/// Runs until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), BotError> {
    let running = start(&config).await?;
    println!("komek is serving on http://{}", running.addr);
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
