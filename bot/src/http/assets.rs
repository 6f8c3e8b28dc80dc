//! The widget, the demo shop page and the agent console, built into the binary (no build step, no
//! files to deploy), and the widget's UI strings from `models/content/widget/<lang>.toml`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use komek_nlu::Lang;
use serde::{Deserialize, Serialize};

use crate::dialogue::Script;
use crate::dialogue::responses::Responses;
use crate::error::BotError;
use crate::events::Button;

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
    ("/console/charts.js", include_str!("../../assets/console/charts.js")),
    ("/console/conversation.js", include_str!("../../assets/console/conversation.js")),
    ("/console/dialog.js", include_str!("../../assets/console/dialog.js")),
    ("/console/dom.js", include_str!("../../assets/console/dom.js")),
    ("/console/format.js", include_str!("../../assets/console/format.js")),
    ("/console/i18n.js", include_str!("../../assets/console/i18n.js")),
    ("/console/labels.js", include_str!("../../assets/console/labels.js")),
    ("/console/live.js", include_str!("../../assets/console/live.js")),
    ("/console/my-conversations.js", include_str!("../../assets/console/my-conversations.js")),
    ("/console/notice.js", include_str!("../../assets/console/notice.js")),
    ("/console/panel.js", include_str!("../../assets/console/panel.js")),
    ("/console/preview.js", include_str!("../../assets/console/preview.js")),
    ("/console/quality.js", include_str!("../../assets/console/quality.js")),
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

/// The bot's reply key for a greeting (responses/<lang>.ftl, buttons in dialogue.toml).
const GREETING: &str = "greeting";

/// The site icon: a white speech bubble on the widget's accent colour. Browsers that read SVG icons
/// take this one (linked from the pages); the rest ask for /favicon.ico, drawn from the same shapes.
const FAVICON_SVG: &str = concat!(
    r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">"##,
    r##"<rect width="32" height="32" rx="8" fill="#0f766e"/>"##,
    r##"<path d="M8 8h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H15l-5 4v-4H8a2 2 0 0 1-2-2v-9a2 2 0 0 1 2-2z" fill="#fff"/>"##,
    "</svg>\n"
);
static FAVICON_ICO: LazyLock<Vec<u8>> = LazyLock::new(favicon_ico);

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
        .route("/favicon.svg", get(|| async { cached("image/svg+xml", FAVICON_SVG) }))
        .route("/favicon.ico", get(|| async { cached("image/x-icon", FAVICON_ICO.as_slice()) }))
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

fn cached(content_type: &'static str, body: impl IntoResponse) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, CACHE)], body).into_response()
}

/// Side of the /favicon.ico bitmap, in pixels.
const ICO_SIZE: usize = 32;

/// FAVICON_SVG's picture as an ICO file holding one uncompressed 32-bit bitmap (no image crate
/// needed): the directory, the bitmap header (height doubled: colours, then the unused AND mask),
/// the pixels bottom row first.
fn favicon_ico() -> Vec<u8> {
    let pixels: Vec<u8> = (0..ICO_SIZE).rev().flat_map(|y| (0..ICO_SIZE).flat_map(move |x| favicon_pixel(x as f32 + 0.5, y as f32 + 0.5))).collect();
    let mask = vec![0u8; ICO_SIZE * ICO_SIZE / 8];
    let bitmap_len = (40 + pixels.len() + mask.len()) as u32;
    let side = ICO_SIZE as u8;
    let mut ico = Vec::with_capacity(22 + bitmap_len as usize);
    ico.extend([0, 0, 1, 0, 1, 0]); // reserved, type 1 (icon), one image
    ico.extend([side, side, 0, 0, 1, 0, 32, 0]); // width, height, no palette, 1 plane, 32 bits
    ico.extend(bitmap_len.to_le_bytes());
    ico.extend(22u32.to_le_bytes()); // the bitmap follows the 6 + 16 bytes of directory
    for field in [40, ICO_SIZE as u32, 2 * ICO_SIZE as u32] {
        ico.extend(field.to_le_bytes()); // header size, width, height of colours + mask
    }
    ico.extend([1, 0, 32, 0]); // 1 plane, 32 bits per pixel
    ico.extend(0u32.to_le_bytes()); // uncompressed
    ico.extend(((pixels.len() + mask.len()) as u32).to_le_bytes());
    ico.extend([0u8; 16]); // resolution and palette: unused
    ico.extend(pixels);
    ico.extend(mask);
    ico
}

/// The colour (BGRA) at a point of the 32×32 icon: FAVICON_SVG's rounded square and bubble.
fn favicon_pixel(x: f32, y: f32) -> [u8; 4] {
    let tail = (10.0..=15.0).contains(&x) && (21.0..=25.0).contains(&y) && x <= 15.0 - (y - 21.0) * 1.25;
    if in_rounded_rect(x, y, [6.0, 8.0, 26.0, 21.0], 2.0) || tail {
        [0xff, 0xff, 0xff, 0xff]
    } else if in_rounded_rect(x, y, [0.0, 0.0, 32.0, 32.0], 8.0) {
        [0x6e, 0x76, 0x0f, 0xff]
    } else {
        [0, 0, 0, 0]
    }
}

/// Whether (x, y) lies in the rectangle `[left, top, right, bottom]` with corners of radius `r`.
fn in_rounded_rect(x: f32, y: f32, [left, top, right, bottom]: [f32; 4], r: f32) -> bool {
    let dx = (left + r - x).max(x - (right - r)).max(0.0);
    let dy = (top + r - y).max(y - (bottom - r)).max(0.0);
    (left..=right).contains(&x) && (top..=bottom).contains(&y) && dx * dx + dy * dy <= r * r
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
    Ok(serde_json::to_string(&serde_json::json!({"default": "en", "languages": load_ui_files(dir)?}))?)
}

/// One language of `/widget/i18n.json`: its UI strings, and what the widget shows on first open
/// before any conversation exists (a session costs, so none is made just to greet).
#[derive(Serialize)]
struct WidgetLanguage<'a> {
    #[serde(flatten)]
    file: &'a UiFile,
    /// The bot's `greeting` reply (variant 0).
    greeting: String,
    /// The options the bot offers under its greeting, with this language's labels.
    menu: Vec<Button>,
}

/// The widget's `/widget/i18n.json`: [`load_widget_strings`] plus each language's greeting and menu,
/// the very words and buttons the bot's own `greeting` reply has.
pub fn load_widget_strings_with_greeting(dir: &Path, responses: &Responses, script: &Script) -> Result<String, BotError> {
    let files = load_ui_files(dir)?;
    let mut languages = BTreeMap::new();
    for (code, file) in &files {
        let lang = Lang::from_code(code).expect("checked at load");
        let menu = script.buttons(GREETING).iter().map(|id| Button { id: id.clone(), label: responses.button(lang, id) }).collect();
        languages.insert(code.as_str(), WidgetLanguage { file, greeting: responses.reply(lang, GREETING, &[], 0), menu });
    }
    Ok(serde_json::to_string(&serde_json::json!({"default": "en", "languages": languages}))?)
}

/// Each language's UI file by code, checked to have exactly English's keys.
fn load_ui_files(dir: &Path) -> Result<BTreeMap<String, UiFile>, BotError> {
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
    Ok(languages)
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

    /// Every language of the widget's strings has the bot's greeting and its menu, labelled in that
    /// language.
    #[test]
    fn widget_strings_carry_the_greeting_and_menu_of_each_language() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content");
        let intents = komek_nlu::content::Content::load(&content).unwrap().intents;
        let responses = Responses::load(&content.join("responses")).unwrap();
        let script = Script::load(&content.join("dialogue.toml"), &intents, &responses).unwrap();
        let json = load_widget_strings_with_greeting(&content.join("widget"), &responses, &script).unwrap();
        let strings: serde_json::Value = serde_json::from_str(&json).unwrap();
        let languages = strings["languages"].as_object().unwrap();
        assert_eq!(languages.len(), 11);
        for (code, info) in languages {
            let lang = Lang::from_code(code).unwrap();
            assert_eq!(info["greeting"], responses.reply(lang, GREETING, &[], 0), "{code}");
            let ids: Vec<&str> = info["menu"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap()).collect();
            assert_eq!(ids, script.buttons(GREETING), "{code}");
            assert_eq!(info["menu"][0]["label"], responses.button(lang, ids[0]), "{code}");
            assert!(info["ui"]["title"].is_string() && info["dir"].is_string(), "{code}");
        }
        assert_ne!(languages["kk"]["greeting"], languages["ru"]["greeting"]);
    }

    /// /favicon.ico is a well-formed one-image ICO: the bubble is white, the corners transparent.
    #[test]
    fn favicon_ico_is_a_32_pixel_icon() {
        let ico = favicon_ico();
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        let len = u32::from_le_bytes(ico[14..18].try_into().unwrap()) as usize;
        assert_eq!(ico.len(), 22 + len);
        assert_eq!(ico.len(), 22 + 40 + ICO_SIZE * ICO_SIZE * 4 + ICO_SIZE * ICO_SIZE / 8);
        let pixel = |x: usize, y: usize| {
            let at = 22 + 40 + ((ICO_SIZE - 1 - y) * ICO_SIZE + x) * 4;
            ico[at..at + 4].to_vec()
        };
        assert_eq!(pixel(16, 14), [0xff; 4], "the bubble");
        assert_eq!(pixel(16, 28), [0x6e, 0x76, 0x0f, 0xff], "the background");
        assert_eq!(pixel(0, 0)[3], 0, "a rounded corner");
        assert!(FAVICON_SVG.starts_with("<svg") && FAVICON_SVG.contains("#0f766e"));
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
