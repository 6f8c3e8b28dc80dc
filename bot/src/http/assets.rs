//! The widget, the demo shop page and the agent console, built into the binary (no build step, no
//! files to deploy), and the widget's UI strings from `models/content/widget/<lang>.toml`.

use std::collections::BTreeMap;
use std::path::Path;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use komek_nlu::Lang;
use serde::{Deserialize, Serialize};

use crate::error::BotError;

// One WebSocket client (assets/shared/socket.js) for both pages, without a build step. The console
// imports it as an ES module, but the widget must stay one classic script that any site can embed,
// and a classic script cannot import. So the file holds plain declarations and both copies are made
// here by compile-time concatenation: the console's gets an export line appended; the widget's is
// wrapped together with widget.js in one function scope, so nothing of it leaks into the host page.
const SOCKET_MODULE: &str = concat!(include_str!("../../assets/shared/socket.js"), "export { liveSocket };\n");
const WIDGET_JS: &str = concat!(
    "(function () {\n'use strict';\n",
    include_str!("../../assets/shared/socket.js"),
    include_str!("../../assets/widget.js"),
    "})();\n"
);
const WIDGET_CSS: &str = include_str!("../../assets/widget.css");
const DEMO_HTML: &str = include_str!("../../assets/demo.html");
const CONSOLE_HTML: &str = include_str!("../../assets/console.html");
const CONSOLE_CSS: &str = include_str!("../../assets/console.css");

/// The console's ES modules by URL: console.html loads /console/main.js, which imports the rest by
/// relative paths that match the files under `assets/`.
const CONSOLE_MODULES: &[(&str, &str)] = &[
    ("/console/main.js", include_str!("../../assets/console/main.js")),
    ("/console/api.js", include_str!("../../assets/console/api.js")),
    ("/console/brief.js", include_str!("../../assets/console/brief.js")),
    ("/console/conversation.js", include_str!("../../assets/console/conversation.js")),
    ("/console/dom.js", include_str!("../../assets/console/dom.js")),
    ("/console/format.js", include_str!("../../assets/console/format.js")),
    ("/console/i18n.js", include_str!("../../assets/console/i18n.js")),
    ("/console/labels.js", include_str!("../../assets/console/labels.js")),
    ("/console/live.js", include_str!("../../assets/console/live.js")),
    ("/console/my-conversations.js", include_str!("../../assets/console/my-conversations.js")),
    ("/console/notice.js", include_str!("../../assets/console/notice.js")),
    ("/console/preview.js", include_str!("../../assets/console/preview.js")),
    ("/console/queue.js", include_str!("../../assets/console/queue.js")),
    ("/console/reports.js", include_str!("../../assets/console/reports.js")),
    ("/console/session.js", include_str!("../../assets/console/session.js")),
    ("/console/storage.js", include_str!("../../assets/console/storage.js")),
    ("/console/strings-en.js", include_str!("../../assets/console/strings-en.js")),
    ("/console/team.js", include_str!("../../assets/console/team.js")),
    ("/console/transcript.js", include_str!("../../assets/console/transcript.js")),
    ("/console/view.js", include_str!("../../assets/console/view.js")),
    ("/shared/socket.js", SOCKET_MODULE),
];

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
/// The pages load only their own scripts, talk only to this service, and are framed by no one.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// Assets may be cached briefly; a new release is picked up within minutes.
const CACHE: &str = "public, max-age=300";

/// The pages and their scripts and styles (the UI strings are served with the app state).
/// The widget's and the console's interface strings in every language.
pub fn strings_routes() -> Router<super::AppState> {
    Router::new().route("/widget/i18n.json", get(widget_strings)).route("/console/i18n.json", get(console_strings))
}

async fn widget_strings(State(state): State<super::AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], state.widget_strings.to_string()).into_response()
}

async fn console_strings(State(state): State<super::AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], state.console_strings.to_string()).into_response()
}

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let router = Router::new()
        .route("/", get(|| async { ([(header::CONTENT_TYPE, HTML), (header::CONTENT_SECURITY_POLICY, CSP)], DEMO_HTML).into_response() }))
        .route("/widget.js", get(|| async { cached(JS, WIDGET_JS) }))
        .route("/widget.css", get(|| async { cached(CSS, WIDGET_CSS) }))
        // The console is never framed by another site.
        .route(
            "/console",
            get(|| async { ([(header::CONTENT_TYPE, HTML), (header::X_FRAME_OPTIONS, "DENY"), (header::CONTENT_SECURITY_POLICY, CSP)], CONSOLE_HTML).into_response() }),
        )
        .route("/console.css", get(|| async { cached(CSS, CONSOLE_CSS) }));
    CONSOLE_MODULES
        .iter()
        .fold(router, |router, &(path, source)| router.route(path, get(move || async move { cached(JS, source) })))
}

fn cached(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, CACHE)], body).into_response()
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct UiFile {
    #[serde(skip_serializing)]
    lang: String,
    name: String,
    dir: String,
    ui: BTreeMap<String, String>,
}

/// Loads every language's UI strings (each with the same keys as English) as the JSON the widget
/// fetches from `/widget/i18n.json` (and the console from `/console/i18n.json`).
pub fn load_widget_strings(dir: &Path) -> Result<String, BotError> {
    let mut languages = BTreeMap::new();
    for path in komek_nlu::content::toml_files(dir)? {
        let err = |message: String| BotError::Content { file: path.display().to_string(), message };
        let text = std::fs::read_to_string(&path).map_err(|source| BotError::Io { path: path.display().to_string(), source })?;
        let file: UiFile = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        let lang = Lang::from_code(&file.lang).ok_or_else(|| err(format!("unsupported language {:?}", file.lang)))?;
        if file.dir != "ltr" && file.dir != "rtl" {
            return Err(err("dir must be \"ltr\" or \"rtl\"".into()));
        }
        languages.insert(lang.code().to_string(), file);
    }
    let en = languages.get("en").ok_or_else(|| BotError::Content { file: dir.display().to_string(), message: "en.toml is missing".into() })?;
    let keys: Vec<&String> = en.ui.keys().collect();
    for (code, file) in &languages {
        let theirs: Vec<&String> = file.ui.keys().collect();
        if theirs != keys || file.ui.values().any(|v| v.trim().is_empty()) {
            return Err(BotError::Content {
                file: dir.join(format!("{code}.toml")).display().to_string(),
                message: "must have exactly the [ui] keys of en.toml, none empty".into(),
            });
        }
    }
    Ok(serde_json::to_string(&serde_json::json!({"default": "en", "languages": languages}))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `assets/console/` is served, and every relative import in the console names
    /// a served module (a new module cannot be forgotten here).
    #[test]
    fn every_console_module_is_served_and_every_import_resolves() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/console");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| format!("/console/{}", entry.unwrap().file_name().to_string_lossy()))
            .collect();
        on_disk.sort();
        let mut served: Vec<String> =
            CONSOLE_MODULES.iter().map(|(path, _)| path.to_string()).filter(|path| path.starts_with("/console/")).collect();
        served.sort();
        assert_eq!(on_disk, served);

        for (path, source) in CONSOLE_MODULES {
            for line in source.lines().filter(|line| line.starts_with("import ")) {
                let spec = line.rsplit_once(" from '").and_then(|(_, rest)| rest.strip_suffix("';")).expect(line);
                let url = resolve(path, spec);
                assert!(CONSOLE_MODULES.iter().any(|(served, _)| *served == url), "{path} imports {spec} ({url}), which is not served");
            }
        }
    }

    /// A relative module specifier (`./x.js`, `../shared/x.js`) against the URL path that imports it.
    fn resolve(from: &str, spec: &str) -> String {
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        for segment in spec.split('/') {
            match segment {
                "." => {}
                ".." => {
                    parts.pop();
                }
                name => parts.push(name),
            }
        }
        parts.join("/")
    }

    /// The widget stays one classic script: no module syntax, the shared socket inside its scope.
    #[test]
    fn the_widget_is_a_classic_script_with_the_socket_inside() {
        assert!(!WIDGET_JS.lines().any(|line| line.starts_with("import ") || line.starts_with("export ")));
        assert!(WIDGET_JS.starts_with("(function () {") && WIDGET_JS.trim_end().ends_with("})();"));
        assert!(WIDGET_JS.contains("function liveSocket(options)") && WIDGET_JS.contains("liveSocket({"));
        assert!(SOCKET_MODULE.trim_end().ends_with("export { liveSocket };"));
    }

    /// The console's built-in English strings are exactly `models/content/console/en.toml`.
    #[test]
    fn console_fallback_strings_match_en_toml() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content/console/en.toml");
        let file: UiFile = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let source = CONSOLE_MODULES.iter().find(|(path, _)| *path == "/console/strings-en.js").unwrap().1;
        let fallback: BTreeMap<String, String> = source
            .lines()
            .filter_map(|line| {
                let (key, value) = line.trim().split_once(": '")?;
                Some((key.to_string(), value.trim_end_matches(',').strip_suffix('\'')?.to_string()))
            })
            .collect();
        assert_eq!(fallback, file.ui);
    }
}
