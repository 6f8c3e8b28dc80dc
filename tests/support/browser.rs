//! A small W3C WebDriver client for end-to-end widget tests: headless Chromium driven by chromedriver.
//!
//! `Browser::launch()` starts `chromedriver --port=PORT` on a free port, opens a session with a fresh
//! profile, and returns `None` (after printing a notice) when Chromium or chromedriver is not installed,
//! unless `KOMEK_REQUIRE_BROWSER=1`, which turns that into a failure (CI installs both). Dropping the
//! browser ends the session and kills chromedriver and everything it started.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for something the page should show.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often conditions are polled.
pub const POLL: Duration = Duration::from_millis(50);
/// The W3C key under which an element reference travels.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The WebDriver key code of Enter.
pub const ENTER: &str = "\u{E007}";

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// Settings of one browser.
#[derive(Clone, Debug)]
pub struct BrowserOptions {
    /// The browser's UI language and `navigator.languages` (`--lang` and `intl.accept_languages`),
    /// e.g. `"kk"` or `"kk,ru"`; `None` keeps Chromium's default.
    pub lang: Option<String>,
    pub width: u32,
    pub height: u32,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self { lang: None, width: 1280, height: 900 }
    }
}

/// An error answered by the WebDriver server (or the transport).
#[derive(Clone, Debug)]
pub struct WdError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

/// The Chromium binary and chromedriver to use, or why they cannot be used.
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

fn require_browser() -> bool {
    std::env::var("KOMEK_REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    listener.local_addr().unwrap().port()
}

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{}-{nanos}", std::process::id())
}

/// The `value` of a WebDriver answer, or its error.
async fn wd_call(http: &reqwest::Client, method: reqwest::Method, url: &str, body: Option<Value>) -> Result<Value, WdError> {
    let mut request = http.request(method.clone(), url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .map_err(|e| WdError { error: "transport".into(), message: format!("{method} {url}: {e}") })?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|e| WdError { error: "transport".into(), message: format!("{method} {url}: body is not JSON: {e}") })?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() || value.get("error").is_some_and(Value::is_string) {
        return Err(WdError {
            error: value["error"].as_str().unwrap_or("unknown error").to_string(),
            message: value["message"].as_str().unwrap_or_default().lines().next().unwrap_or_default().to_string(),
        });
    }
    Ok(value)
}

/// A headless Chromium controlled over WebDriver.
pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    driver: Option<Child>,
    /// The profile and chromedriver's log (removed at the end).
    work_dir: PathBuf,
    driver_log: PathBuf,
}

impl Browser {
    /// A browser with default settings; `None` (with a notice printed) when Chromium is not installed.
    pub async fn launch() -> Option<Browser> {
        Self::launch_with(BrowserOptions::default()).await
    }

    pub async fn launch_with(options: BrowserOptions) -> Option<Browser> {
        let (chromium, driver) = match browser_tools() {
            Ok(tools) => tools,
            Err(why) => {
                if require_browser() {
                    panic!("KOMEK_REQUIRE_BROWSER is set but chromium/chromedriver is not usable: {why}");
                }
                eprintln!("skipping browser test: chromium/chromedriver not installed ({why}); .ci/run installs them");
                return None;
            }
        };
        Some(Self::start(&chromium, &driver, &options).await)
    }

    async fn start(chromium: &Path, driver: &Path, options: &BrowserOptions) -> Browser {
        let work = std::env::temp_dir().join(format!("komek-browser-{}", unique_suffix()));
        let profile = work.join("profile");
        std::fs::create_dir_all(&profile).expect("a browser profile folder");
        let driver_log = work.join("chromedriver.log");
        let port = free_port();
        let log = std::fs::File::create(&driver_log).expect("chromedriver log file");
        let mut command = Command::new(driver);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // Its own process group, so that everything it starts can be ended with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().unwrap_or_else(|e| panic!("starting {}: {e}", driver.display()));
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        let mut browser = Browser { http, session: String::new(), driver: Some(child), work_dir: work, driver_log };
        let root = format!("http://127.0.0.1:{port}");

        // Wait for chromedriver to answer.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(status) = wd_call(&browser.http, reqwest::Method::GET, &format!("{root}/status"), None).await
                && status["ready"].as_bool() == Some(true)
            {
                break;
            }
            if let Some(child) = browser.driver.as_mut()
                && let Ok(Some(exit)) = child.try_wait()
            {
                panic!("chromedriver exited at start ({exit}):\n{}", browser.driver_log_tail());
            }
            if Instant::now() > deadline {
                panic!("chromedriver did not answer on port {port} within 30 s:\n{}", browser.driver_log_tail());
            }
            tokio::time::sleep(POLL).await;
        }

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
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut prefs = json!({});
        if let Some(lang) = &options.lang {
            let first = lang.split(',').next().unwrap_or(lang).trim();
            args.push(format!("--lang={first}"));
            prefs["intl.accept_languages"] = json!(lang);
        }
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": {"script": 30_000, "pageLoad": 60_000, "implicit": 0},
                    "goog:loggingPrefs": {"browser": "ALL"},
                    "goog:chromeOptions": {
                        "binary": chromium.display().to_string(),
                        "args": args,
                        "prefs": prefs,
                    }
                }
            }
        });
        let created = wd_call(&browser.http, reqwest::Method::POST, &format!("{root}/session"), Some(capabilities))
            .await
            .unwrap_or_else(|e| panic!("creating a Chromium session: {e}\n{}", browser.driver_log_tail()));
        let id = created["sessionId"].as_str().expect("a session id").to_string();
        browser.session = format!("{root}/session/{id}");
        browser
    }

    fn driver_log_tail(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.driver_log) {
            let _ = f.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        wd_call(&self.http, method, &format!("{}{path}", self.session), body).await
    }

    async fn must(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        match self.call(method.clone(), path, body).await {
            Ok(v) => v,
            Err(e) => panic!("WebDriver {method} {path}: {e}\n{}", self.snapshot().await),
        }
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.must(reqwest::Method::POST, "/url", Some(json!({ "url": url }))).await;
    }

    pub async fn refresh(&self) {
        self.must(reqwest::Method::POST, "/refresh", Some(json!({}))).await;
    }

    pub async fn current_url(&self) -> String {
        self.must(reqwest::Method::GET, "/url", None).await.as_str().unwrap_or_default().to_string()
    }

    /// The first element matching `css`, or `None`.
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        let found =
            self.call(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        match found {
            Ok(v) => Some(self.element(&v, css)),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("finding {css:?}: {e}"),
        }
    }

    /// The first element matching `css`; panics (with the widget's state) when there is none.
    pub async fn find(&self, css: &str) -> Element {
        match self.try_find(css).await {
            Some(e) => e,
            None => panic!("no element matches {css:?}\n{}", self.snapshot().await),
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let found =
            self.must(reqwest::Method::POST, "/elements", Some(json!({"using": "css selector", "value": css}))).await;
        found.as_array().into_iter().flatten().map(|v| self.element(v, css)).collect()
    }

    fn element(&self, reference: &Value, css: &str) -> Element {
        let id = reference[ELEMENT_KEY].as_str().expect("an element reference").to_string();
        Element { http: self.http.clone(), session: self.session.clone(), id, css: css.to_string() }
    }

    /// Runs `script` (a function body: use `arguments[i]` and `return`) in the page.
    pub async fn try_execute(&self, script: &str, args: Vec<Value>) -> Result<Value, WdError> {
        self.call(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    /// Like [`Browser::try_execute`], panicking on a script error.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        match self.try_execute(script, args).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}\nscript: {script}\n{}", self.snapshot().await),
        }
    }

    /// Sets the outer window size (in headless mode this is the viewport).
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.must(reqwest::Method::POST, "/window/rect", Some(json!({"width": width, "height": height}))).await;
    }

    /// Polls `condition` every 50 ms until it gives `Some`; panics after `timeout` with `what` and
    /// the page's widget state.
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

    /// The snapshot plus a screenshot saved to the temporary folder (its path is in the text).
    pub async fn failure_report(&self) -> String {
        let snapshot = self.snapshot().await;
        let path = std::env::temp_dir().join(format!("komek-browser-failure-{}.png", unique_suffix()));
        match self.screenshot(&path).await {
            Ok(()) => format!("{snapshot}\nscreenshot: {}", path.display()),
            Err(e) => format!("{snapshot}\n(no screenshot: {e})"),
        }
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await.map_err(|e| e.to_string())?;
        let png = base64_decode(data.as_str().unwrap_or_default()).ok_or("the screenshot is not base64")?;
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The browser console entries since the last call (chromedriver's log endpoint; best effort).
    pub async fn console_log(&self) -> Vec<String> {
        match self.call(reqwest::Method::POST, "/se/log", Some(json!({"type": "browser"}))).await {
            Ok(Value::Array(entries)) => entries
                .iter()
                .map(|e| format!("  [{}] {}", e["level"].as_str().unwrap_or("?"), e["message"].as_str().unwrap_or("")))
                .collect(),
            _ => vec![],
        }
    }

    /// Ends the session and chromedriver now (drop does the same).
    pub async fn quit(mut self) {
        if !self.session.is_empty() {
            let _ = tokio::time::timeout(Duration::from_secs(10), self.call(reqwest::Method::DELETE, "", None)).await;
            self.session.clear();
        }
        self.kill_driver();
    }

    fn kill_driver(&mut self) {
        if let Some(mut child) = self.driver.take() {
            let group = format!("-{}", child.id());
            // The group is chromedriver's own (process_group(0) above): chromedriver and the browser it started.
            let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(POLL);
            }
            let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.work_dir);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Drop may run inside the test's runtime: end the session from a thread of its own.
            let http = self.http.clone();
            let url = std::mem::take(&mut self.session);
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                runtime.block_on(async {
                    tokio::time::timeout(Duration::from_secs(10), wd_call(&http, reqwest::Method::DELETE, &url, None))
                        .await
                        .ok()
                })
            })
            .join();
        }
        self.kill_driver();
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// An element of the page.
#[derive(Clone, Debug)]
pub struct Element {
    http: reqwest::Client,
    session: String,
    pub id: String,
    /// The selector it was found by (for messages).
    pub css: String,
}

/// An element's position and size in CSS pixels, relative to the viewport.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Element {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/element/{}{path}", self.session, self.id);
        match wd_call(&self.http, method.clone(), &url, body).await {
            Ok(v) => v,
            Err(e) => panic!("WebDriver {method} on {:?}{path}: {e}", self.css),
        }
    }

    /// The reference to pass as a script argument.
    pub fn to_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    pub async fn click(&self) {
        self.call(reqwest::Method::POST, "/click", Some(json!({}))).await;
    }

    /// Types `text` (use [`ENTER`] for the Enter key).
    pub async fn send_keys(&self, text: &str) {
        self.call(reqwest::Method::POST, "/value", Some(json!({ "text": text }))).await;
    }

    pub async fn clear(&self) {
        self.call(reqwest::Method::POST, "/clear", Some(json!({}))).await;
    }

    /// The rendered text.
    pub async fn text(&self) -> String {
        self.call(reqwest::Method::GET, "/text", None).await.as_str().unwrap_or_default().to_string()
    }

    pub async fn attribute(&self, name: &str) -> Option<String> {
        self.call(reqwest::Method::GET, &format!("/attribute/{name}"), None).await.as_str().map(str::to_string)
    }

    pub async fn property(&self, name: &str) -> Value {
        self.call(reqwest::Method::GET, &format!("/property/{name}"), None).await
    }

    pub async fn is_displayed(&self) -> bool {
        self.call(reqwest::Method::GET, "/displayed", None).await.as_bool().unwrap_or(false)
    }

    pub async fn rect(&self) -> Rect {
        let r = self.call(reqwest::Method::GET, "/rect", None).await;
        let n = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
        Rect { x: n("x"), y: n("y"), width: n("width"), height: n("height") }
    }

    pub async fn find(&self, css: &str) -> Element {
        let v = self.call(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        let id = v[ELEMENT_KEY].as_str().expect("an element reference").to_string();
        Element { http: self.http.clone(), session: self.session.clone(), id, css: format!("{} {css}", self.css) }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.call(reqwest::Method::POST, "/elements", Some(json!({"using": "css selector", "value": css}))).await;
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r[ELEMENT_KEY].as_str())
            .map(|id| Element {
                http: self.http.clone(),
                session: self.session.clone(),
                id: id.to_string(),
                css: format!("{} {css}", self.css),
            })
            .collect()
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

impl Browser {
    /// The elements matching `item` (with `data-id` and `data-role`), each with the text of its
    /// `text` child.
    pub async fn shown_messages(&self, item: &str, text: &str) -> Vec<ShownMessage> {
        const READ: &str = r#"
            return Array.from(document.querySelectorAll(arguments[0])).map((m) => {
                const body = m.querySelector(arguments[1]);
                return { id: m.getAttribute('data-id'), role: m.getAttribute('data-role'), text: body ? body.textContent : '' };
            });
        "#;
        serde_json::from_value(self.execute(READ, vec![serde_json::json!(item), serde_json::json!(text)]).await).expect("messages on the page")
    }
}
