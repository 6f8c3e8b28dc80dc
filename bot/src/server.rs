//! Starting and stopping the service: models, storage, HTTP, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use komek_nlu::Nlu;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::backoffice::{BackOffice, RemoteOrders, seed_demo_orders};
use crate::chat::{Chat, HandoffSettings};
use crate::clock::now_ms;
use crate::config::Config;
use crate::dialogue::responses::Responses;
use crate::dialogue::{Dialogue, Script};
use crate::http::assets::{load_widget_strings, load_widget_strings_with_greeting};
use crate::http::metrics::Metrics;
use crate::secrets::{new_token, token_hash};
use crate::error::BotError;
use crate::http::{AppState, router};
use crate::models::{ModelPaths, train_if_needed};
use crate::store::Store;

/// How often agents get their queue re-sent (waiting times, expired offers).
const QUEUE_REFRESH: std::time::Duration = std::time::Duration::from_secs(15);

/// The handoff policy (`handoff-policy.toml`) and the brief's words (`handoff/<lang>.toml`).
pub fn load_handoff_settings(content: &std::path::Path) -> Result<HandoffSettings, BotError> {
    let read = |path: std::path::PathBuf| std::fs::read_to_string(&path).map_err(|source| BotError::Io { path: path.display().to_string(), source });
    let policy_path = content.join("handoff-policy.toml");
    let policy = komek_handoff::Policy::from_toml(&read(policy_path.clone())?)
        .map_err(|e| BotError::Content { file: policy_path.display().to_string(), message: e.to_string() })?;
    let mut texts = std::collections::HashMap::new();
    for path in komek_nlu::content::toml_files(&content.join("handoff"))? {
        let t = komek_handoff::texts::BriefTexts::from_toml(&read(path.clone())?)
            .map_err(|e| BotError::Content { file: path.display().to_string(), message: e.to_string() })?;
        let lang = komek_nlu::Lang::from_code(&t.lang)
            .ok_or_else(|| BotError::Content { file: path.display().to_string(), message: format!("unsupported language {:?}", t.lang) })?;
        texts.insert(lang, t);
    }
    if !texts.contains_key(&komek_nlu::Lang::En) {
        return Err(BotError::Content { file: content.join("handoff").display().to_string(), message: "en.toml is missing".into() });
    }
    Ok(HandoffSettings { policy, texts })
}

/// A running service.
pub struct Running {
    pub addr: SocketAddr,
    /// The service's store (tests and tools use it to set up agents).
    pub store: Store,
    /// The hub of live sockets (tests check that closed sockets leave nothing behind).
    pub hub: crate::chat::Hub,
    /// The conversations (tests run a purge pass as of a later time with it).
    pub chat: Arc<Chat>,
    /// Where `GET /metrics` is served without a token (`KOMEK_METRICS_ADDR`).
    pub metrics_addr: Option<SocketAddr>,
    /// The periodic chores (purge, quality scoring), run while this node leads them.
    chores: JoinHandle<()>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), BotError>>,
    ticker: JoinHandle<()>,
    metrics_task: Option<JoinHandle<()>>,
    telegram: Option<crate::telegram::Running>,
    cluster: crate::cluster::Running,
    lifecycle: Arc<crate::http::Lifecycle>,
    /// How long `/readyz` says "draining" before the sockets close (with other nodes only).
    drain: std::time::Duration,
}

impl Running {
    /// Drains and stops: `/readyz` answers 503 (for `KOMEK_DRAIN_SECONDS` when other nodes can take
    /// the traffic), live sockets close so their clients reconnect elsewhere, the listener stops
    /// accepting and requests in flight (turns) finish; then the jobs this node led go to others.
    pub async fn shutdown(self) -> Result<(), BotError> {
        self.lifecycle.drain();
        if !self.drain.is_zero() {
            tracing::info!(seconds = self.drain.as_secs(), "draining: /readyz says 503");
            tokio::time::sleep(self.drain).await;
        }
        self.lifecycle.close_sockets();
        let _ = self.stop.send(());
        self.ticker.abort();
        self.chores.abort();
        if let Some(t) = self.metrics_task {
            t.abort();
        }
        if let Some(t) = self.telegram {
            t.shutdown().await;
        }
        let served = self.task.await;
        self.cluster.leave().await;
        served?
    }

    /// Whether this node polls Telegram now (one node of a database does).
    pub fn polls_telegram(&self) -> bool {
        *self.cluster.polling.leading.borrow()
    }

    /// The node's way out (tests check `/readyz` while draining).
    pub fn lifecycle(&self) -> Arc<crate::http::Lifecycle> {
        self.lifecycle.clone()
    }
}

/// Loads (training first when the content changed) the NLU, opens the store, binds the address.
pub async fn start(config: &Config) -> Result<Running, BotError> {
    let paths = ModelPaths::new(&config.models);
    let languages = config.languages.clone();
    let load_paths = paths.clone();
    let nlu = tokio::task::spawn_blocking(move || -> Result<Nlu, BotError> {
        let paths = load_paths;
        train_if_needed(&paths, false, false).map_err(|e| BotError::Config(format!("training the models: {e:#}")))?;
        Ok(Nlu::load(&paths.root, &languages)?)
    })
    .await??;
    let store = Store::open(&config.database_url).await?;
    let backoffice = match config.orders_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => BackOffice::Remote(RemoteOrders::new(url)?),
        None => {
            seed_demo_orders(&store, now_ms()).await?;
            BackOffice::Demo(store.clone())
        }
    };
    let content = paths.content();
    let responses = Responses::load(&content.join("responses"))?;
    // The intents as the NLU loaded them: the content is read once.
    let script = Script::load(&content.join("dialogue.toml"), &nlu.defs, &responses)?;
    let widget_strings: Arc<str> = Arc::from(load_widget_strings_with_greeting(&content.join("widget"), &responses, &script)?);
    let handoff = load_handoff_settings(&content)?;
    let console_strings = load_widget_strings(&content.join("console"))?;
    let console_strings: Arc<str> = Arc::from(crate::http::console_labels::with_domain_labels(&console_strings, &handoff.texts, &responses)?);
    let phrases = crate::dialogue::phrases::Phrases::load(&content.join("phrases"))?;
    let dialogue = Arc::new(Dialogue { responses, script, backoffice: backoffice.clone(), phrases });
    let nlu = Arc::new(nlu);
    let quality = crate::quality::Quality::load(&paths.root, nlu.clone())?;
    let node = crate::cluster::Node::new(config.node_id.as_deref(), &config.database_url);
    let chat = Arc::new(
        Chat::new(store.clone(), nlu.clone(), dialogue, handoff, config.rate_burst, config.rate_per_second)
            .with_queue_updates(config.queue_update_seconds)
            .on_node(node),
    );
    let cluster = crate::cluster::start(chat.clone(), &config.database_url).await?;
    // Waiting times tick and offers to one agent expire: agents' queues are re-sent now and then;
    // waiting customers are told of changes that came too soon after their last update.
    // Every node re-sends its own consoles their queues; telling waiting customers is a chore of
    // the node that leads them.
    let ticker = {
        let chat = chat.clone();
        let leading = cluster.chores.leading.clone();
        let waiting_every = std::time::Duration::from_secs((config.queue_update_seconds / 6).clamp(1, 10));
        tokio::spawn(async move {
            let mut agents_every = tokio::time::interval(QUEUE_REFRESH);
            let mut waiting_every = tokio::time::interval(waiting_every);
            loop {
                tokio::select! {
                    _ = agents_every.tick() => chat.refresh_queues().await,
                    _ = waiting_every.tick() => {
                        if *leading.borrow() {
                            chat.tell_waiting().await;
                        }
                    }
                }
            }
        })
    };
    let admin_token_hash = token_hash(&admin_token(config)?);
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| BotError::Io { path: config.addr.to_string(), source })?;
    let addr = listener.local_addr().map_err(|source| BotError::Io { path: config.addr.to_string(), source })?;
    let telegram = config.telegram.as_ref().map(crate::telegram::Telegram::new).transpose()?;
    let running_store = store.clone();
    let hub = chat.hub().clone();
    let metrics = Arc::new(Metrics::default());
    let (metrics_addr, metrics_task) = match config.metrics_addr {
        Some(at) => {
            let (addr, task) = serve_metrics(at, metrics.clone()).await?;
            (Some(addr), Some(task))
        }
        None => (None, None),
    };
    let lifecycle = Arc::new(crate::http::Lifecycle::default());
    let app = router(AppState {
        store,
        chat: chat.clone(),
        backoffice,
        metrics,
        admin_token_hash,
        widget_strings,
        console_strings,
        agent_token_ttl_seconds: config.agent_token_ttl_seconds,
        limits: Arc::new(crate::http::Limits::default()),
        message_retry_seconds: if config.rate_per_second > 0.0 { (1.0 / config.rate_per_second).ceil().min(3600.0) as u64 } else { 60 },
        trusted_proxy_header: trusted_proxy_header(config)?,
        telegram: telegram.clone(),
        quality: quality.clone(),
        lifecycle: lifecycle.clone(),
    });
    let telegram = match telegram {
        Some(t) => Some(crate::telegram::start(t, chat.clone(), cluster.polling.leading.clone()).await?),
        None => None,
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .map_err(|source| BotError::Io { path: addr.to_string(), source })
    });
    tracing::info!(%addr, "komek is listening");
    let chores = {
        let (chat, store, settings) = (chat.clone(), running_store.clone(), config.purge());
        let sweep_every = std::time::Duration::from_secs(config.quality_sweep_seconds);
        crate::cluster::while_leading(cluster.chores.leading.clone(), move || {
            vec![crate::purge::spawn(chat.clone(), settings), quality.clone().spawn_sweeper(store.clone(), sweep_every)]
        })
    };
    let drain = if chat.node.shared { std::time::Duration::from_secs(config.drain_seconds) } else { std::time::Duration::ZERO };
    Ok(Running { addr, store: running_store, hub, chat, metrics_addr, chores, stop, task, ticker, metrics_task, telegram, cluster, lifecycle, drain })
}

/// The metrics-only listener; it stops with the process (nothing in flight there needs waiting for).
async fn serve_metrics(at: SocketAddr, metrics: Arc<Metrics>) -> Result<(SocketAddr, JoinHandle<()>), BotError> {
    let listener = TcpListener::bind(at).await.map_err(|source| BotError::Io { path: at.to_string(), source })?;
    let addr = listener.local_addr().map_err(|source| BotError::Io { path: at.to_string(), source })?;
    let app = crate::http::health::metrics_only(metrics);
    tracing::info!(%addr, "metrics on their own address");
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "the metrics listener stopped");
        }
    });
    Ok((addr, task))
}

/// `KOMEK_TRUSTED_PROXY_HEADER` as a header name.
fn trusted_proxy_header(config: &Config) -> Result<Option<axum::http::HeaderName>, BotError> {
    let Some(name) = config.trusted_proxy_header.as_deref().map(str::trim).filter(|h| !h.is_empty()) else { return Ok(None) };
    axum::http::HeaderName::try_from(name).map(Some).map_err(|_| BotError::Config(format!("KOMEK_TRUSTED_PROXY_HEADER: {name:?} is not a header name")))
}

/// The back-office token: configured, or one made on first start and kept beside the SQLite file
/// (readable by the owner only), so there is never a default.
fn admin_token(config: &Config) -> Result<String, BotError> {
    if let Some(t) = config.admin_token.as_ref().map(|t| t.expose()).filter(|t| !t.is_empty()) {
        return Ok(t.to_string());
    }
    // Only beside a SQLite file: with PostgreSQL (several nodes) the token must be given, never
    // written to whatever the working directory is.
    let Some(db) = config.database_url.strip_prefix("sqlite:").map(|p| p.trim_start_matches("//").split('?').next().unwrap_or_default().to_string()) else {
        return Err(BotError::Config("with PostgreSQL, set KOMEK_ADMIN_TOKEN (the same on every node)".into()));
    };
    let dir = std::path::Path::new(&db).parent().map(|d| d.to_path_buf()).filter(|d| !d.as_os_str().is_empty()).unwrap_or_else(|| std::path::PathBuf::from("."));
    let path = dir.join("admin-token");
    if let Ok(t) = std::fs::read_to_string(&path)
        && !t.trim().is_empty()
    {
        return Ok(t.trim().to_string());
    }
    let token = new_token();
    let io = |source| BotError::Io { path: path.display().to_string(), source };
    // Created with its mode: there is no moment when others could read it.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(io)?;
    std::io::Write::write_all(&mut file, format!("{token}\n").as_bytes()).map_err(io)?;
    tracing::info!(path = %path.display(), "made a back-office token (set KOMEK_ADMIN_TOKEN to choose one)");
    Ok(token)
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
