//! Headless Chromium for the end-to-end tests: Debian's chromedriver driven through `fantoccini`.
//!
//! `Browser::launch()` starts `chromedriver --port=PORT` on a free port, in a process group of its
//! own, and opens a session with a fresh profile; dropping the browser ends chromedriver and
//! everything it started. Whether a test may run at all is the harness's call ([`crate::trials`]):
//! it checks [`browser_tools`] first. The helpers below panic with what the page shows, so that a
//! failing test says why.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tempfile::TempDir;

/// How long a test waits for something the page should show.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often conditions are polled.
pub const POLL: Duration = Duration::from_millis(50);

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// Settings of one browser.
#[derive(Clone, Debug)]
pub struct BrowserOptions {
    /// The browser's UI language and `navigator.languages` (`--lang` and `intl.accept_languages`),
    /// e.g. `"kk"` or `"kk,ru"`; `None` keeps Chromium's default.
    pub lang: Option<String>,
    pub width: u32,
    pub height: u32,
    /// A phone's viewport of exactly `width`×`height` CSS pixels (Chromium's device emulation;
    /// a desktop window cannot be narrower than 500 px).
    pub phone: bool,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self { lang: None, width: 1280, height: 900, phone: false }
    }
}

/// The Chromium binary and chromedriver to use (`KOMEK_CHROMIUM`, `KOMEK_CHROMEDRIVER`, else
/// `/usr/bin/chromium` and `chromedriver` on `PATH` or in /usr/bin), or why they cannot be used.
pub fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("KOMEK_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| DEFAULT_CHROMIUM.into());
    if !chromium.is_file() {
        return Err(format!("{} does not exist", chromium.display()));
    }
    let driver = match std::env::var_os("KOMEK_CHROMEDRIVER") {
        Some(p) => PathBuf::from(p),
        None => find_in_path("chromedriver").unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver")),
    };
    if !driver.is_file() {
        return Err(format!("{} does not exist", driver.display()));
    }
    Ok((chromium, driver))
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free local port");
    listener.local_addr().unwrap().port()
}

/// chromedriver in a process group of its own; its log and the browser profile live in `work`.
struct Driver {
    child: Child,
    work: TempDir,
}

impl Driver {
    fn start(driver: &Path, port: u16) -> Driver {
        let work = tempfile::Builder::new().prefix("komek-browser-").tempdir().expect("a temporary folder");
        let log = std::fs::File::create(work.path().join("chromedriver.log")).expect("chromedriver log file");
        let mut command = Command::new(driver);
        command.arg(format!("--port={port}")).stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log);
        // Its own process group, so that everything it starts can be ended with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().unwrap_or_else(|e| panic!("starting {}: {e}", driver.display()));
        Driver { child, work }
    }

    fn profile(&self) -> PathBuf {
        self.work.path().join("profile")
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.work.path().join("chromedriver.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Waits until chromedriver answers `/status` as ready.
    async fn wait_ready(&mut self, root: &str) {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = http.get(format!("{root}/status")).send().await
                && let Ok(status) = response.json::<Value>().await
                && status["value"]["ready"] == json!(true)
            {
                return;
            }
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!("chromedriver exited at start ({exit}):\n{}", self.log_tail());
            }
            if Instant::now() > deadline {
                panic!("chromedriver did not answer at {root} within 30 s:\n{}", self.log_tail());
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        // The group is chromedriver's own (process_group(0) above): chromedriver and the browser it started.
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(POLL);
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver's own endpoint for the browser console (not in the W3C protocol).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (reqwest::Method, Option<String>) {
        (reqwest::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

/// A headless Chromium controlled over WebDriver. Fields drop in order: the session, then chromedriver.
pub struct Browser {
    client: fantoccini::Client,
    driver: Driver,
}

impl Browser {
    /// A browser with default settings.
    pub async fn launch() -> Browser {
        Self::launch_with(BrowserOptions::default()).await
    }

    /// Panics when Chromium or chromedriver cannot be used (the harness has checked before).
    pub async fn launch_with(options: BrowserOptions) -> Browser {
        let (chromium, driver) = browser_tools().unwrap_or_else(|why| panic!("chromium/chromedriver: {why}"));
        let port = free_port();
        let mut driver = Driver::start(&driver, port);
        let root = format!("http://127.0.0.1:{port}");
        driver.wait_ready(&root).await;

        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            format!("--window-size={},{}", options.width, options.height),
            format!("--user-data-dir={}", driver.profile().display()),
        ];
        let mut prefs = json!({});
        if let Some(lang) = &options.lang {
            let first = lang.split(',').next().unwrap_or(lang).trim();
            args.push(format!("--lang={first}"));
            prefs["intl.accept_languages"] = json!(lang);
        }
        let mut chrome = json!({"binary": chromium.display().to_string(), "args": args, "prefs": prefs});
        if options.phone {
            chrome["mobileEmulation"] = json!({"deviceMetrics": {"width": options.width, "height": options.height, "pixelRatio": 2.0, "touch": true}});
        }
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"script": 30_000, "pageLoad": 60_000, "implicit": 0},
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": chrome,
        });
        let Value::Object(capabilities) = capabilities else { unreachable!("an object") };
        // chromedriver speaks plain HTTP on localhost: no TLS connector needed.
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&root)
            .await
            .unwrap_or_else(|e| panic!("creating a Chromium session: {e}\n{}", driver.log_tail()));
        Browser { client, driver }
    }

    /// Panics on a WebDriver error, with what the page shows.
    async fn must<T>(&self, what: &str, result: Result<T, CmdError>) -> T {
        match result {
            Ok(v) => v,
            Err(e) => panic!("WebDriver {what}: {e}\n{}", self.snapshot().await),
        }
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.must(&format!("goto {url}"), self.client.goto(url).await).await;
    }

    pub async fn refresh(&self) {
        self.must("refresh", self.client.refresh().await).await;
    }

    /// The first element matching `css`; panics (with the page's state) when there is none.
    pub async fn find(&self, css: &str) -> Element {
        let found = self.client.find(Locator::Css(css)).await;
        Element { inner: self.must(&format!("finding {css:?}"), found).await, css: css.to_string() }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.client.find_all(Locator::Css(css)).await;
        let found = self.must(&format!("finding all {css:?}"), found).await;
        found.into_iter().map(|inner| Element { inner, css: css.to_string() }).collect()
    }

    /// Runs `script` (a function body: use `arguments[i]` and `return`) in the page.
    pub async fn try_execute(&self, script: &str, args: Vec<Value>) -> Result<Value, CmdError> {
        self.client.execute(script, args).await
    }

    /// Like [`Browser::try_execute`], panicking on a script error.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        match self.try_execute(script, args).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}\nscript: {script}\n{}", self.snapshot().await),
        }
    }

    /// Presses `keys` together (e.g. `[Key::Shift, Key::Tab]`) on whatever has the focus, as a person
    /// at the keyboard does (WebDriver actions: real key events, so `:focus-visible` applies).
    pub async fn press(&self, keys: &[fantoccini::key::Key]) {
        let chars: Vec<char> = keys.iter().map(|&k| k.into()).collect();
        let down = chars.iter().map(|&value| KeyAction::Down { value });
        let up = chars.iter().rev().map(|&value| KeyAction::Up { value });
        let actions = down.chain(up).fold(KeyActions::new("keyboard".into()), |actions, action| actions.then(action));
        self.must("pressing keys", self.client.perform_actions(actions).await).await;
    }

    /// Sets the outer window size (in headless mode this is the viewport).
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.must("setting the window size", self.client.set_window_size(width, height).await).await;
    }

    /// Polls `condition` every 50 ms until it gives `Some`; panics after `timeout` with `what` and
    /// the page's state.
    pub async fn wait_until<T>(&self, what: &str, timeout: Duration, mut condition: impl AsyncFnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = condition().await {
                return v;
            }
            if Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {what}\n{}", self.failure_report().await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls a script until it returns something truthy (not null/false/0/""/undefined) and
    /// returns that; script errors count as not yet.
    pub async fn wait_js(&self, what: &str, timeout: Duration, script: &str, args: Vec<Value>) -> Value {
        let deadline = Instant::now() + timeout;
        let mut last_error = None;
        loop {
            match self.try_execute(script, args.clone()).await {
                Ok(v) if truthy(&v) => return v,
                Ok(_) => {}
                Err(e) => last_error = Some(e),
            }
            if Instant::now() > deadline {
                let error = last_error.map(|e| format!("last script error: {e}\n")).unwrap_or_default();
                panic!("timed out after {timeout:?} waiting for {what}\n{error}{}", self.failure_report().await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits for an element matching `css` that is displayed.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let script = "const e = document.querySelector(arguments[0]); \
                      if (!e) return null; const r = e.getBoundingClientRect(); \
                      const s = getComputedStyle(e); \
                      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';";
        self.wait_js(&format!("{css:?} to be displayed"), timeout, script, vec![json!(css)]).await;
        self.find(css).await
    }

    /// What the page shows of the widget (root attributes, messages, status and error lines),
    /// or of the page when there is no widget, plus the browser console: for failure messages.
    pub async fn snapshot(&self) -> String {
        const SCRIPT: &str = r#"
            const w = document.querySelector('#komek-widget');
            const out = ['page: ' + location.href + ' (' + document.readyState + ')'];
            if (!w) {
                out.push('no #komek-widget on the page; body text: ' + (document.body ? document.body.innerText.slice(0, 1500) : '(no body)'));
                return out.join('\n');
            }
            out.push('#komek-widget data-connected=' + w.getAttribute('data-connected') + ' data-state=' + w.getAttribute('data-state') + ' data-lang=' + w.getAttribute('data-lang'));
            const t = (sel) => { const e = w.querySelector(sel); return e ? JSON.stringify(e.textContent.trim()) : '(none)'; };
            out.push('.komek-status: ' + t('.komek-status') + '  .komek-error: ' + t('.komek-error'));
            const msgs = w.querySelectorAll('.komek-msg');
            out.push(msgs.length + ' messages:');
            msgs.forEach((m) => {
                const body = m.querySelector('.komek-msg-text') || m;
                const choices = Array.from(m.querySelectorAll('.komek-choice')).map((b) => b.getAttribute('data-id'));
                out.push('  #' + m.getAttribute('data-id') + ' ' + m.getAttribute('data-role') + ': ' + JSON.stringify(body.textContent) + (choices.length ? ' buttons=' + choices.join(',') : ''));
            });
            return out.join('\n');
        "#;
        let page = match self.try_execute(SCRIPT, vec![]).await {
            Ok(v) => v.as_str().unwrap_or_default().to_string(),
            Err(e) => format!("(could not read the page: {e})"),
        };
        let console = self.console_log().await;
        let console = if console.is_empty() { String::new() } else { format!("\nbrowser console:\n{}", console.join("\n")) };
        format!("--- widget ---\n{page}{console}\n--------------")
    }

    /// The snapshot plus a screenshot kept in the temporary folder (its path is in the text).
    pub async fn failure_report(&self) -> String {
        let snapshot = self.snapshot().await;
        match self.screenshot().await {
            Ok(path) => format!("{snapshot}\nscreenshot: {}", path.display()),
            Err(e) => format!("{snapshot}\n(no screenshot: {e})"),
        }
    }

    /// Saves a PNG of the viewport as `komek-browser-failure-*.png` in the temporary folder, kept.
    pub async fn screenshot(&self) -> Result<PathBuf, String> {
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        let file = tempfile::Builder::new().prefix("komek-browser-failure-").suffix(".png").tempfile().map_err(|e| e.to_string())?;
        std::fs::write(file.path(), png).map_err(|e| format!("{}: {e}", file.path().display()))?;
        file.keep().map(|(_, path)| path).map_err(|e| e.to_string())
    }

    /// The page as a PNG (for the README's pictures).
    pub async fn png(&self) -> Vec<u8> {
        self.must("screenshot", self.client.screenshot().await).await
    }

    /// The browser console entries since the last call (best effort).
    pub async fn console_log(&self) -> Vec<String> {
        match self.client.issue_cmd(BrowserLog).await {
            Ok(Value::Array(entries)) => entries
                .iter()
                .map(|e| format!("  [{}] {}", e["level"].as_str().unwrap_or("?"), e["message"].as_str().unwrap_or("")))
                .collect(),
            _ => vec![],
        }
    }

    /// Ends the session, then chromedriver (dropping the browser ends chromedriver too).
    pub async fn quit(self) {
        let Browser { client, driver } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
    }

    /// The elements matching `item` (with `data-id` and `data-role`), each with the text of its
    /// `text` child: the one reader of the messages a page (widget or console) shows.
    pub async fn shown_messages(&self, item: &str, text: &str) -> Vec<ShownMessage> {
        const READ: &str = r#"
            return Array.from(document.querySelectorAll(arguments[0])).map((m) => {
                const body = m.querySelector(arguments[1]);
                return { id: m.getAttribute('data-id'), role: m.getAttribute('data-role'), text: body ? body.textContent : '' };
            });
        "#;
        serde_json::from_value(self.execute(READ, vec![json!(item), json!(text)]).await).expect("messages on the page")
    }
}

/// JavaScript truthiness of a script's result.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// An element of the page and the selector it was found by (for failure messages).
#[derive(Clone, Debug)]
pub struct Element {
    inner: fantoccini::elements::Element,
    pub css: String,
}

impl Element {
    fn must<T>(&self, what: &str, result: Result<T, CmdError>) -> T {
        result.unwrap_or_else(|e| panic!("WebDriver {what} on {:?}: {e}", self.css))
    }

    /// The reference to pass as a script argument.
    pub fn to_arg(&self) -> Value {
        serde_json::to_value(&self.inner).expect("an element reference")
    }

    pub async fn click(&self) {
        self.must("click", self.inner.click().await)
    }

    /// Types `text` (`fantoccini::key::Key` values as text for special keys).
    pub async fn send_keys(&self, text: &str) {
        self.must("send_keys", self.inner.send_keys(text).await)
    }

    pub async fn clear(&self) {
        self.must("clear", self.inner.clear().await)
    }

    /// The rendered text.
    pub async fn text(&self) -> String {
        self.must("text", self.inner.text().await)
    }

    pub async fn attribute(&self, name: &str) -> Option<String> {
        self.must(&format!("attribute {name:?}"), self.inner.attr(name).await)
    }
}

/// A message as a page shows it (widget or console), read from the DOM.
#[derive(Clone, Debug, serde::Deserialize, PartialEq)]
pub struct ShownMessage {
    pub id: Option<String>,
    pub role: Option<String>,
    pub text: String,
}

impl ShownMessage {
    pub fn is(&self, role: &str) -> bool {
        self.role.as_deref() == Some(role)
    }
}

// ---------- the agent console ----------

/// `shown(css)`: whether the element `css` is displayed, as a function for longer scripts.
pub const IS_DISPLAYED_FN: &str = "const shown = (css) => { const e = document.querySelector(css); if (!e) return false; \
                                   const r = e.getBoundingClientRect(); const s = getComputedStyle(e); \
                                   return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };";

/// Whether the element `css` is displayed.
pub async fn is_displayed(browser: &Browser, css: &str) -> bool {
    browser.execute(&format!("{IS_DISPLAYED_FN} return shown(arguments[0]);"), vec![json!(css)]).await == json!(true)
}

/// Opens the console and waits for the login form.
pub async fn open_console(browser: &Browser, service: &crate::TestService) {
    browser.goto(&service.url("/console")).await;
    browser.wait_for("#login-form", WAIT).await;
}

/// Fills the console's login form and submits it with its button.
pub async fn submit_login(browser: &Browser, username: &str, password: &str) {
    let user = browser.find("#username").await;
    user.clear().await;
    user.send_keys(username).await;
    let pass = browser.find("#password").await;
    pass.clear().await;
    pass.send_keys(password).await;
    browser.find("#login-form button[type=\"submit\"]").await.click().await;
}

/// Waits until the console is shown for `username` with its WebSocket connected.
pub async fn wait_logged_in(browser: &Browser, username: &str) {
    browser
        .wait_js(
            &format!("#console to be shown with data-agent={username:?} and data-connected=\"true\""),
            WAIT,
            &format!(
                "{IS_DISPLAYED_FN} const c = document.querySelector('#console'); \
                 return shown('#console') && !shown('#login-form') && c.getAttribute('data-agent') === arguments[0] \
                        && c.getAttribute('data-connected') === 'true';"
            ),
            vec![json!(username)],
        )
        .await;
}

/// Opens the console and signs in as `username` (with the test agents' password), connected.
pub async fn log_in(browser: &Browser, service: &crate::TestService, username: &str) {
    open_console(browser, service).await;
    submit_login(browser, username, crate::agent::PASSWORD).await;
    wait_logged_in(browser, username).await;
}

/// The console's UI strings in `lang` (`models/content/console/LANG.toml`), as the page shows them.
pub fn ui_strings(lang: &str) -> std::collections::HashMap<String, String> {
    let path = crate::models_dir().join(format!("content/console/{lang}.toml"));
    let file: toml::Value = toml::from_str(&std::fs::read_to_string(&path).expect("console strings")).expect("TOML");
    file["ui"].as_table().expect("[ui]").iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()
}

/// Picks `lang` in the console's language menu and waits until the page is shown in it.
pub async fn set_ui_language(browser: &Browser, lang: &str) {
    browser
        .execute("const s = document.querySelector('#lang'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", vec![json!(lang)])
        .await;
    let title = ui_strings(lang)["app_title"].clone();
    browser
        .wait_js(
            &format!("the console in {lang}"),
            WAIT,
            "return document.documentElement.lang === arguments[0] && document.querySelector('.brand-sub').textContent === arguments[1];",
            vec![json!(lang), json!(title)],
        )
        .await;
}
