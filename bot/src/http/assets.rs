//! The widget and the demo shop page, built into the binary (no build step, no files to deploy), and
//! the widget's UI strings from `models/content/widget/<lang>.toml`.

use std::collections::BTreeMap;
use std::path::Path;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use komek_nlu::Lang;
use serde::{Deserialize, Serialize};

use crate::error::BotError;

// The reconnecting WebSocket client (assets/shared/socket.js) is shared without a build step: the
// widget must stay one classic script that any site can embed, so the file holds plain declarations
// and is inlined here, by compile-time concatenation, into one function scope with widget.js, so
// nothing of it leaks into the host page.
const WIDGET_JS: &str = concat!(
    "(function () {\n'use strict';\n",
    include_str!("../../assets/shared/socket.js"),
    include_str!("../../assets/widget.js"),
    "})();\n"
);
const WIDGET_CSS: &str = include_str!("../../assets/widget.css");
const DEMO_HTML: &str = include_str!("../../assets/demo.html");
const CONSOLE_HTML: &str = include_str!("../../assets/console.html");
const CONSOLE_JS: &str = include_str!("../../assets/console.js");
const CONSOLE_CSS: &str = include_str!("../../assets/console.css");

/// Assets may be cached briefly; a new release is picked up within minutes.
const CACHE: &str = "public, max-age=300";

pub async fn widget_js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], WIDGET_JS).into_response()
}

pub async fn widget_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], WIDGET_CSS).into_response()
}

pub async fn demo_page() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], DEMO_HTML).into_response()
}

pub async fn console_page() -> Response {
    // The console is never framed by another site.
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::X_FRAME_OPTIONS, "DENY")], CONSOLE_HTML).into_response()
}

pub async fn console_js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], CONSOLE_JS).into_response()
}

pub async fn console_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], CONSOLE_CSS).into_response()
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
    serde_json::to_string(&serde_json::json!({"default": "en", "languages": languages}))
        .map_err(|e| BotError::Config(format!("widget strings: {e}")))
}
