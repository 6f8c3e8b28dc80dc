/* Komek agent console — served at /console (console.html loads this file and /console.css).
 * Plain ES2018, no dependencies, no build step. Everything that comes from the server (customer and
 * bot text, names, facts, notes, UI strings) is written with textContent or setAttribute only, never
 * as HTML: customer text is hostile. The API contract is the agent HTTP/WS API (/api/v1/agent/...). */
(function () {
  'use strict';
  if (window.KomekConsole) return;

  var LANGS = ['ru', 'kk', 'en', 'uk', 'uz', 'tr', 'de', 'es', 'fr', 'zh', 'ar'];
  // Used for the language picker until (or if never) /console/i18n.json arrives.
  var NAMES = {
    ru: 'Русский', kk: 'Қазақша', en: 'English', uk: 'Українська', uz: 'Oʻzbekcha', tr: 'Türkçe',
    de: 'Deutsch', es: 'Español', fr: 'Français', zh: '中文', ar: 'العربية'
  };
  var RTL = { ar: true };
  var ROLES = ['customer', 'bot', 'agent', 'system'];
  var STATES = ['bot', 'waiting_agent', 'with_agent', 'closed'];
  var EMOTIONS = ['angry', 'upset', 'neutral', 'positive'];
  var REASONS = ['customer_request', 'negative_emotion', 'sensitive_intent', 'repeated_misunderstanding', 'repeat_contact', 'business_rule'];
  var FACTS = ['order_id', 'phone', 'email'];
  var CHANNELS = ['web', 'telegram'];
  var MAX_CHARS = 4000;
  var TYPING_SHOW_MS = 5000;     // how long "customer is typing" stays without a new frame
  var TYPING_SEND_MS = 3000;     // at most one agent typing frame per this interval
  var TEAM_POLL_MS = 30000;
  var REPORTS_POLL_MS = 60000;   // the reports panel refreshes this often while it is open
  var REPORT_DAYS = [1, 7, 30, 90], REPORT_DAYS_DEFAULT = 7;
  // The summary cards (#reports .kpi[data-kpi]) and the columns of the by-language/by-channel tables.
  var KPIS = ['conversations', 'containment_rate', 'handoffs', 'first_contact_resolution', 'service_level', 'ces', 'csat'];
  var REPORT_COLS = [
    { id: 'conversations', key: 'reports_conversations' },
    { id: 'containment_rate', key: 'reports_containment' },
    { id: 'first_contact_resolution', key: 'reports_fcr' },
    { id: 'handoffs', key: 'reports_handoffs' },
    { id: 'wait_p50', key: 'reports_wait_p50' },
    { id: 'service_level', key: 'reports_service_level' },
    { id: 'ces', key: 'reports_ces' },
    { id: 'csat', key: 'reports_csat' }
  ];
  var REPORT_TIMES = [{ id: 'waiting_seconds', key: 'reports_wait' }, { id: 'first_reply_seconds', key: 'reports_first_reply' }];
  var K_TOKEN = 'komek.agent', K_LANG = 'komek.console.lang', K_DAYS = 'komek.console.reports.days';
  var API = '/api/v1/agent';

  // Built-in English copy of models/content/console/en.toml: the console works without i18n.json.
  var FALLBACK = {
    app_title: 'Agent console',
    language_label: 'Interface language',
    login_title: 'Sign in to the agent console',
    username: 'Username',
    password: 'Password',
    login: 'Sign in',
    signing_in: 'Signing in…',
    logout: 'Sign out',
    logged_out: 'You have signed out.',
    session_expired: 'Your session has expired. Please sign in again.',
    error_invalid_credentials: 'Incorrect username or password.',
    error_credentials_required: 'Enter your username and password.',
    connected: 'Online',
    connecting: 'Connecting…',
    reconnecting: 'Connection lost. Reconnecting…',
    role_supervisor: 'Supervisor',
    queue: 'Queue',
    queue_empty: 'No customers are waiting right now.',
    priority: 'Priority',
    waiting: 'Waiting time',
    channel: 'Channel',
    channel_web: 'Web chat',
    channel_telegram: 'Telegram',
    matches_languages: 'Speaks your language',
    my_conversations: 'My conversations',
    my_conversations_empty: 'You have no active conversations.',
    unread: 'New messages',
    team: 'Team',
    online: 'Online',
    offline: 'Offline',
    active_conversations: 'Active conversations',
    select_prompt: 'Select a customer in the queue to see the brief.',
    loading: 'Loading…',
    claim: 'Claim',
    error_already_claimed: 'This customer has already been taken by a colleague.',
    handoff_gone: 'This request is no longer in the queue.',
    customer_anonymous: 'Unnamed customer',
    vip: 'VIP',
    language: 'Language',
    state: 'Status',
    state_bot: 'With the bot',
    state_waiting_agent: 'Waiting for an agent',
    state_with_agent: 'With an agent',
    state_closed: 'Closed',
    brief: 'Brief',
    reason: 'Reason for handoff',
    rule: 'Rule',
    summary: 'Summary',
    intents: 'Topics',
    facts: 'Details',
    none: 'None',
    emotion: 'Customer mood',
    emotion_trend: 'Trend',
    emotion_angry: 'Angry',
    emotion_upset: 'Upset',
    emotion_neutral: 'Neutral',
    emotion_positive: 'Positive',
    past_contacts: 'Past contacts',
    no_past_contacts: 'No earlier contacts.',
    handed_off: 'Passed to an agent',
    bot_answers: 'Bot already answered',
    no_bot_answers: 'The bot has not answered anything yet.',
    reason_customer_request: 'Customer asked for an agent',
    reason_negative_emotion: 'Customer is upset',
    reason_sensitive_intent: 'Sensitive topic',
    reason_repeated_misunderstanding: 'Bot did not understand',
    reason_repeat_contact: 'Repeat contact',
    reason_business_rule: 'Business rule',
    fact_order_id: 'Order',
    fact_phone: 'Phone',
    fact_email: 'Email',
    transcript: 'Conversation history',
    role_customer: 'Customer',
    role_bot: 'Bot',
    role_agent: 'Agent',
    role_system: 'System',
    note_label: 'Internal note',
    customer_typing: 'Customer is typing…',
    suggestions: 'Suggested replies',
    reply_label: 'Reply to the customer',
    reply_placeholder: 'Write a reply… Enter sends, Shift+Enter starts a new line',
    send: 'Send',
    note_placeholder: 'Internal note for colleagues (the customer never sees it)',
    add_note: 'Add note',
    release: 'Hand back to bot',
    close: 'Close',
    confirm_close: 'Close this conversation? The customer will be asked to rate the support.',
    read_only: 'You no longer handle this conversation, so replying is turned off.',
    dismiss: 'Dismiss',
    error_empty: 'Type a message first.',
    error_too_long: 'The message is too long: 4000 characters at most.',
    error_rate_limited: 'Too many requests. Wait a moment and try again.',
    error_forbidden: 'You do not have access to this conversation.',
    error_not_found: 'This conversation was not found.',
    error_network: 'No connection to the server. Check your network and try again.',
    error_generic: 'Something went wrong. Please try again.',
    reports: 'Reports',
    reports_title: 'Support performance',
    reports_back: 'Back to conversations',
    reports_period: 'Period',
    reports_days_1: 'Last 24 hours',
    reports_days_7: 'Last 7 days',
    reports_days_30: 'Last 30 days',
    reports_days_90: 'Last 90 days',
    reports_refresh: 'Refresh',
    reports_updated: 'Updated at {time}',
    reports_overview: 'Key figures',
    reports_conversations: 'Conversations',
    reports_containment: 'Resolved by the bot',
    reports_handoffs: 'Passed to agents',
    reports_fcr: 'First-contact resolution',
    reports_service_level: 'Service level',
    reports_ces: 'Customer effort (CES)',
    reports_csat: 'Satisfaction (CSAT)',
    reports_of: '{n} of {total}',
    reports_sl_target: 'Answered within {time}',
    reports_responses: 'Responses: {n}',
    reports_reasons: 'Handoff reasons',
    reports_no_handoffs: 'No handoffs in this period.',
    reports_times: 'Response times',
    reports_wait: 'Waiting for an agent',
    reports_first_reply: 'First agent reply',
    reports_p50: 'Median',
    reports_p90: '90th percentile',
    reports_max: 'Longest',
    reports_cases: 'Cases',
    reports_wait_p50: 'Median wait',
    reports_by_language: 'By language',
    reports_by_channel: 'By channel',
    reports_no_data: 'No data for this period.',
    reports_forbidden: 'Reports are available to supervisors only.',
    duration_seconds: '{s} s',
    duration_minutes: '{m} min {s} s',
    duration_hours: '{h} h {m} min'
  };

  // ---------- small helpers ----------
  function primary(tag) { return tag ? String(tag).toLowerCase().split(/[-_]/)[0] : ''; }
  // Web storage can throw (private modes, disabled storage); the console must still work.
  function sget(store, key) { try { return window[store].getItem(key); } catch (e) { return null; } }
  function sset(store, key, val) {
    try { if (val == null) window[store].removeItem(key); else window[store].setItem(key, val); } catch (e) { /* ignore */ }
  }
  function el(tag, cls, attrs) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (attrs) Object.keys(attrs).forEach(function (k) { if (attrs[k] != null) n.setAttribute(k, attrs[k]); });
    return n;
  }
  function txt(tag, cls, text, attrs) { var n = el(tag, cls, attrs); n.textContent = str(text); return n; }
  // A node whose text is one UI string; applyStrings() re-translates it when the language changes.
  function label(tag, cls, key, attrs) { var n = el(tag, cls, attrs); setKey(n, key); return n; }
  function setKey(n, key) { n.setAttribute('data-i18n', key); n.textContent = t(key); }
  function str(v) {
    if (v == null) return '';
    if (typeof v === 'object') { try { return JSON.stringify(v); } catch (e) { return ''; } }
    return String(v);
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
  function enc(id) { return encodeURIComponent(str(id)); }
  function has(key) { return FALLBACK.hasOwnProperty(key) || !!lookup(key); }
  function backoff(attempt) { // 1 s doubling to 15 s, ±25 % jitter so agents do not reconnect in lockstep
    var base = Math.min(15000, 1000 * Math.pow(2, attempt));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }
  // Ids are compared numerically when they are numbers ("m_9" < "m_10" as well).
  var collator = (window.Intl && Intl.Collator) ? new Intl.Collator('en', { numeric: true }) : null;
  function idCmp(a, b) {
    var na = Number(a), nb = Number(b);
    if (a !== '' && b !== '' && isFinite(na) && isFinite(nb)) return na - nb;
    return collator ? collator.compare(str(a), str(b)) : (str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0);
  }
  function time(v) { var d = Date.parse(v); return isNaN(d) ? 0 : d; }
  function fmtTime(v) {
    var d = time(v);
    if (!d) return '';
    try { return new Date(d).toLocaleTimeString(shownLang(), { hour: '2-digit', minute: '2-digit' }); } catch (e) { return ''; }
  }
  function fmtDateTime(v) {
    var d = time(v);
    if (!d) return '';
    try { return new Date(d).toLocaleString(shownLang(), { dateStyle: 'medium', timeStyle: 'short' }); } catch (e) { return new Date(d).toLocaleString(); }
  }
  function fmtWait(sec) {
    sec = Math.max(0, Math.floor(sec));
    var h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
    var ss = (s < 10 ? '0' : '') + s;
    return h ? h + ':' + (m < 10 ? '0' : '') + m + ':' + ss : m + ':' + ss;
  }
  // Report figures, written with the UI language's number format; "—" when there is no value.
  function isNum(v) { return v != null && v !== '' && typeof v !== 'boolean' && isFinite(Number(v)); }
  function fmtNum(v, opts) {
    if (!isNum(v)) return '—';
    try { return Number(v).toLocaleString(shownLang(), opts); } catch (e) { return String(v); }
  }
  function fmtCount(v) { return fmtNum(isNum(v) ? Math.round(Number(v)) : v, { maximumFractionDigits: 0 }); }
  function fmtRate(v) { return fmtNum(v, { style: 'percent', maximumFractionDigits: 0 }); }
  function fmtMean(v) { return fmtNum(v, { minimumFractionDigits: 1, maximumFractionDigits: 1 }); }
  function pad2(n) { return fmtNum(n, { minimumIntegerDigits: 2, useGrouping: false }); }
  // "35 s", "1 min 05 s", "2 h 03 min" with the UI language's units (duration_* templates).
  function fmtDuration(v) {
    if (!isNum(v)) return '—';
    var sec = Math.max(0, Math.round(Number(v)));
    if (sec < 60) return fill('duration_seconds', { s: fmtCount(sec) });
    if (sec < 3600) return fill('duration_minutes', { m: fmtCount(Math.floor(sec / 60)), s: pad2(sec % 60) });
    var min = Math.round(sec / 60);
    return fill('duration_hours', { h: fmtCount(Math.floor(min / 60)), m: pad2(min % 60) });
  }
  // A UI string with {name} placeholders filled in (as plain text).
  function fill(key, vars) {
    return t(key).replace(/\{(\w+)\}/g, function (m, k) { return vars.hasOwnProperty(k) ? str(vars[k]) : m; });
  }
  function langBadge(code) {
    var b = txt('span', 'badge badge-lang', primary(code).toUpperCase() || '?');
    var name = lookupName(primary(code));
    if (name) b.title = name;
    return b;
  }
  function customerName(c) {
    c = c || {};
    return str(c.name || c.email || c.phone || '').trim();
  }

  // ---------- state ----------
  var i18n = null;                       // {default, languages:{code:{name,dir,ui}}} once loaded
  var i18nFailed = false;
  var lang = 'en';
  var token = readToken();
  var agent = null;                      // {id, username, role, languages}
  var queue = [];                        // handoffs, in the server's order
  var queueT0 = new Map();               // handoff id -> Date.now() when it had waited 0 s
  var queueNodes = new Map();            // handoff id -> <li>
  var mine = [];                         // conversations this agent owns
  var mineNodes = new Map();             // conversation id -> <li>
  var unread = new Set();                // conversation ids with unseen customer messages
  var mode = 'empty';                    // empty | preview | conversation
  var selected = null;                   // the previewed handoff
  var selectedGone = false;
  var claiming = false;
  var open = null;                       // {id, state, brief, items:[], keys:Map, language}
  var openSeq = 0;
  var sending = false, noting = false, acting = false;
  var ws = null, wsOpen = false, everConnected = false, wsAttempt = 0, wsTimer = null;
  var typingTimer = null, lastTypingSent = 0;
  var teamTimer = null, expiryTimer = null, tickTimer = null;
  var loginErrorKey = null, noticeKey = null, composeErrorKey = null;
  var reportsOpen = false;               // the supervisor's reports panel replaces the main view
  var reportsDenied = false;             // the server answered 403: no reports for this session
  var reportsData = null, reportsDataDays = 0, reportsAt = 0;
  var reportsDays = REPORT_DAYS_DEFAULT, reportsSeq = 0, reportsTimer = null, reportsErrorKey = null;
  var briefSig = '';
  var ui = {};

  function readToken() {
    var raw = sget('sessionStorage', K_TOKEN);
    if (!raw) return null;
    // The token itself is stored; also accept {"token": …} in case an older page stored an object.
    if (raw.charAt(0) === '{') { try { var o = JSON.parse(raw); return (o && typeof o.token === 'string' && o.token) || null; } catch (e) { return null; } }
    return raw;
  }

  // ---------- UI language ----------
  // Until i18n.json arrives every shipped language can be picked; if it never arrives, only English.
  function shipped() { return i18n && i18n.languages ? Object.keys(i18n.languages) : (i18nFailed ? ['en'] : LANGS.slice()); }
  // The language the page is actually shown in (English while the picked one's strings are missing).
  function shownLang() { return langInfo(lang) ? lang : 'en'; }
  function langInfo(code) { return (i18n && i18n.languages && i18n.languages[code]) || null; }
  function lookupName(code) { var i = langInfo(code); return (i && i.name) || NAMES[code] || ''; }
  function lookup(key) {
    var cur = langInfo(lang), def = i18n && langInfo(i18n['default'] || 'en');
    return (cur && cur.ui && cur.ui[key]) || (def && def.ui && def.ui[key]) || '';
  }
  function t(key) { return lookup(key) || FALLBACK[key] || key; }
  function resolveLang() {
    var avail = shipped(), stored = primary(sget('localStorage', K_LANG));
    if (stored && avail.indexOf(stored) >= 0) return stored;
    var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < prefs.length; i++) {
      var p = primary(prefs[i]);
      if (p && avail.indexOf(p) >= 0) return p;
    }
    return avail.indexOf('en') >= 0 ? 'en' : avail[0];
  }
  function fillLangSelect() {
    var sel = ui.lang;
    clear(sel);
    shipped().sort(function (a, b) {
      var ia = LANGS.indexOf(a), ib = LANGS.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    }).forEach(function (code) {
      var o = el('option', null, { value: code, lang: code });
      o.textContent = lookupName(code) || code;
      sel.appendChild(o);
    });
    sel.value = lang;
  }
  function setLang(code, byUser) {
    if (shipped().indexOf(code) < 0) return;
    lang = code;
    if (byUser) sset('localStorage', K_LANG, code);
    ui.lang.value = code;
    applyStrings();
  }
  function langDir(code) { var i = langInfo(code); return i && (i.dir === 'rtl' || i.dir === 'ltr') ? i.dir : (RTL[code] ? 'rtl' : 'ltr'); }

  // Re-applies every UI string on the page (static markup and dynamic nodes carry data-i18n*).
  function applyStrings() {
    var root = document.documentElement;
    root.setAttribute('lang', shownLang());
    root.setAttribute('dir', langDir(shownLang()));
    document.querySelectorAll('[data-i18n]').forEach(function (n) { n.textContent = t(n.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (n) {
      n.setAttribute('placeholder', t(n.getAttribute('data-i18n-placeholder')));
    });
    document.querySelectorAll('[data-i18n-label]').forEach(function (n) {
      var s = t(n.getAttribute('data-i18n-label'));
      n.setAttribute('aria-label', s);
      if (n.tagName === 'BUTTON' || n.tagName === 'SELECT') n.title = s;
    });
    document.querySelectorAll('[data-i18n-title]').forEach(function (n) {
      n.title = t(n.getAttribute('data-i18n-title'));
    });
    renderLoginError();
    renderNotice();
    renderComposeError();
    renderConn();
    renderMe();
    renderTitle();
    renderReports();
  }

  // ---------- HTTP ----------
  // Resolves with the JSON body ({} for 204); rejects with {status, code}; status 0 = no answer.
  // Any 401 on an authenticated call ends the session and shows the login form.
  function api(method, path, body) {
    var headers = { Accept: 'application/json' }, sent = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (sent) headers.Authorization = 'Bearer ' + sent;
    return fetch(path, {
      method: method, headers: headers, cache: 'no-store', credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).catch(function () { throw { status: 0, code: 'network' }; }).then(function (res) {
      return res.text().catch(function () { return ''; }).then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (res.ok) return data || {};
        var err = { status: res.status, code: data && data.error && data.error.code };
        if (res.status === 401 && sent && sent === token) expire();
        throw err;
      });
    });
  }
  function errKey(e) {
    if (!e) return 'error_generic';
    var byCode = {
      text_too_long: 'error_too_long', too_long: 'error_too_long', empty_text: 'error_empty', empty: 'error_empty',
      rate_limited: 'error_rate_limited', already_claimed: 'error_already_claimed', network: 'error_network'
    }[e.code];
    if (byCode) return byCode;
    if (e.status === 0) return 'error_network';
    if (e.status === 403) return 'error_forbidden';
    if (e.status === 404) return 'error_not_found';
    if (e.status === 429) return 'error_rate_limited';
    return 'error_generic';
  }
  function convPath(id, suffix) { return API + '/conversations/' + enc(id) + (suffix || ''); }

  // ---------- session ----------
  function saveToken(tk) { token = tk || null; sset('sessionStorage', K_TOKEN, token); }

  function showLogin(messageKey) {
    ui.console.hidden = true;
    ui.sessionBar.hidden = true;
    ui.loginView.hidden = false;
    setLoginError(messageKey || null);
    ui.loginSubmit.disabled = false;
    setKey(ui.loginSubmit, 'login');
    renderTitle();
    setTimeout(function () { (ui.username.value ? ui.password : ui.username).focus(); }, 0);
  }

  function enter(a) {
    setAgent(a);
    ui.loginView.hidden = true;
    ui.console.hidden = false;
    ui.sessionBar.hidden = false;
    setLoginError(null);
    connect();
    loadQueue();
    loadMine();
    startTick();
    renderTitle();
  }

  function setAgent(a) {
    agent = a && typeof a === 'object' ? a : agent;
    ui.console.setAttribute('data-agent', agent && agent.username ? str(agent.username) : '');
    renderMe();
    if (agent && agent.role === 'supervisor') startTeam(); else stopTeam();
    renderReportsAccess();
  }

  // The token is gone (logout, 401, expiry): forget everything that belonged to this agent.
  function dropSession(messageKey) {
    saveToken(null);
    agent = null;
    if (ws) { var old = ws; ws = null; old.onclose = null; try { old.close(); } catch (e) { /* ignore */ } }
    clearTimeout(wsTimer); clearTimeout(expiryTimer); clearInterval(tickTimer); tickTimer = null;
    stopTeam();
    leaveReports();
    reportsDenied = false; reportsData = null; reportsDataDays = 0; reportsAt = 0; reportsErrorKey = null;
    renderReportsAccess();
    renderReports();
    wsAttempt = 0; everConnected = false;
    setConnected(false);
    queue = []; queueT0.clear(); queueNodes.clear(); clear(ui.queue);
    mine = []; mineNodes.clear(); clear(ui.mine); unread.clear();
    renderQueueMeta(); renderMineMeta();
    closeView();
    setNotice(null);
    ui.console.setAttribute('data-agent', '');
    ui.password.value = '';
    showLogin(messageKey);
  }
  function expire() { if (token) dropSession('session_expired'); }

  function scheduleExpiry(expiresAt) {
    clearTimeout(expiryTimer);
    var at = time(expiresAt);
    if (!at) return;
    // Timers cap at ~24.8 days; the server stays the judge: ask it once the token should be stale.
    var delay = Math.min(Math.max(at - Date.now() + 1000, 1000), 2147000000);
    expiryTimer = setTimeout(function () { if (token) api('GET', API + '/me').catch(function () {}); }, delay);
  }

  function login(e) {
    e.preventDefault();
    var username = ui.username.value.trim(), password = ui.password.value;
    if (!username || !password) { setLoginError('error_credentials_required'); return; }
    ui.loginSubmit.disabled = true;
    setKey(ui.loginSubmit, 'signing_in');
    setLoginError(null);
    api('POST', API + '/login', { username: username, password: password }).then(function (d) {
      ui.loginSubmit.disabled = false;
      setKey(ui.loginSubmit, 'login');
      if (!d || !d.token) { setLoginError('error_generic'); return; }
      saveToken(d.token);
      ui.password.value = '';
      scheduleExpiry(d.expires_at);
      enter(d.agent || { username: username });
    }, function (err) {
      ui.loginSubmit.disabled = false;
      setKey(ui.loginSubmit, 'login');
      setLoginError(err.status === 401 || err.code === 'invalid_credentials' ? 'error_invalid_credentials' : errKey(err));
      ui.password.focus();
      ui.password.select();
    });
  }

  function logout() {
    if (!token) return;
    api('POST', API + '/logout').catch(function () { /* the token is dropped locally anyway */ });
    dropSession('logged_out');
  }

  function setLoginError(key) { loginErrorKey = key; renderLoginError(); }
  function renderLoginError() {
    if (!ui.loginError) return;
    ui.loginError.textContent = loginErrorKey ? t(loginErrorKey) : '';
    ui.loginError.hidden = !loginErrorKey;
    ui.loginError.setAttribute('data-kind', loginErrorKey === 'logged_out' ? 'info' : 'error');
  }

  function renderMe() {
    if (!ui.meName) return;
    ui.meName.textContent = agent ? str(agent.username) : '';
    ui.meRole.textContent = agent ? t(agent.role === 'supervisor' ? 'role_supervisor' : 'role_agent') : '';
    var langs = agent && Array.isArray(agent.languages) ? agent.languages.map(function (c) { return primary(c).toUpperCase(); }).join(' · ') : '';
    ui.meRole.title = langs;
  }

  function renderTitle() {
    var n = token && queue.length ? '(' + queue.length + ') ' : '';
    document.title = n + t('app_title') + ' · Komek';
  }

  // ---------- notices ----------
  function setNotice(key, kind) {
    noticeKey = key;
    ui.notice.setAttribute('data-kind', kind || 'info');
    renderNotice();
  }
  function renderNotice() {
    if (!ui.notice) return;
    ui.noticeText.textContent = noticeKey ? t(noticeKey) : '';
    ui.notice.hidden = !noticeKey;
  }
  function setComposeError(key) { composeErrorKey = key; renderComposeError(); }
  function renderComposeError() {
    if (!ui.composeError) return;
    ui.composeError.textContent = composeErrorKey ? t(composeErrorKey) : '';
    ui.composeError.hidden = !composeErrorKey;
  }

  // ---------- connection ----------
  function setConnected(on) {
    wsOpen = on;
    if (on) everConnected = true;
    ui.console.setAttribute('data-connected', on ? 'true' : 'false');
    renderConn();
  }
  function renderConn() {
    if (!ui.conn) return;
    var key = wsOpen ? 'connected' : (everConnected ? 'reconnecting' : 'connecting');
    ui.conn.setAttribute('data-state', wsOpen ? 'online' : (everConnected ? 'reconnecting' : 'connecting'));
    ui.connText.textContent = t(key);
    ui.conn.title = t(key);
  }

  function connect() {
    if (!token || ws) return;
    clearTimeout(wsTimer);
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + API + '/ws?token=' + encodeURIComponent(token);
    var sock, opened = false;
    try { sock = new WebSocket(url); } catch (e) { scheduleReconnect(); return; }
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock) return;
      opened = true; wsAttempt = 0;
      setConnected(true);
      resync();
    };
    sock.onmessage = function (ev) {
      if (ws !== sock) return;
      var d;
      try { d = JSON.parse(ev.data); } catch (e) { return; }
      if (d && typeof d === 'object') handleFrame(d);
    };
    sock.onerror = function () { /* onclose follows */ };
    sock.onclose = function () {
      if (ws !== sock) return;
      ws = null;
      setConnected(false);
      // A refused upgrade (e.g. an expired token) looks like any other failure: ask the API.
      if (!opened) {
        api('GET', API + '/me').then(function (d) {
          if (d && d.agent) setAgent(d.agent);
          scheduleReconnect();
        }, function (e) { if (e.status !== 401) scheduleReconnect(); });
      } else {
        scheduleReconnect();
      }
    };
  }
  function scheduleReconnect() {
    if (!token || ws) return;
    clearTimeout(wsTimer);
    wsTimer = setTimeout(connect, backoff(wsAttempt++));
  }
  function reconnectNow() { if (token && !ws) { wsAttempt = 0; connect(); } }

  // After (re)connecting: fill whatever was missed while offline.
  function resync() {
    if (!agent || !agent.username) {
      api('GET', API + '/me').then(function (d) { if (d && d.agent) setAgent(d.agent); }, function () {});
    }
    loadQueue();
    loadMine();
    if (mode === 'conversation' && open) loadConversation(open.id, false);
  }

  function handleFrame(d) {
    var cid = d.conversation_id;
    switch (d.type) {
      case 'queue':
        if (Array.isArray(d.handoffs)) setQueue(d.handoffs);
        break;
      case 'message':
        if (!d.message) return;
        if (isOpen(cid)) {
          addItem('m', d.message);
          if (d.message.role === 'customer') hideTyping();
        } else if (d.message.role === 'customer') {
          unread.add(str(cid));
        }
        touchMine(cid, d.message);
        break;
      case 'note':
        if (d.note && isOpen(cid)) addItem('n', d.note);
        break;
      case 'state':
        if (isOpen(cid)) setState(d.state);
        if (mine.some(function (c) { return str(c.conversation_id) === str(cid); }) || d.state === 'with_agent') {
          mine.forEach(function (c) { if (str(c.conversation_id) === str(cid)) c.state = d.state; });
          renderMine();
          loadMine();
        }
        break;
      case 'typing':
        if (isOpen(cid) && (!d.role || d.role === 'customer')) showTyping();
        break;
      case 'resync': // the server dropped frames for this slow client: fetch the current picture
        resync();
        break;
    }
  }
  function isOpen(cid) { return mode === 'conversation' && open && str(open.id) === str(cid); }

  // ---------- queue ----------
  var queueSeq = 0;
  function loadQueue() {
    var seq = ++queueSeq;
    return api('GET', API + '/queue').then(function (d) {
      if (seq === queueSeq && d && Array.isArray(d.handoffs)) setQueue(d.handoffs);
    }, function () { /* the WebSocket also delivers the queue */ });
  }

  function setQueue(list) {
    queueSeq++; // a frame is newer than any GET still in flight
    var now = Date.now();
    queue = list.filter(function (h) { return h && h.id != null; });
    var ids = new Set();
    queue.forEach(function (h) {
      var id = str(h.id);
      ids.add(id);
      var w = Number(h.waiting_seconds);
      queueT0.set(id, now - (isFinite(w) && w > 0 ? w * 1000 : 0));
    });
    queueT0.forEach(function (_, id) { if (!ids.has(id)) queueT0.delete(id); });
    renderQueue();
    // Keep the preview in sync; tell the agent when the request left the queue meanwhile.
    if (mode === 'preview' && selected) {
      var fresh = queue.find(function (h) { return str(h.id) === str(selected.id); });
      if (fresh) {
        selected = fresh;
        selectedGone = false;
        renderPreviewData();
      } else if (!selectedGone && !claiming) {
        selectedGone = true;
        setNotice('handoff_gone', 'warn');
      }
    }
  }

  function renderQueue() {
    var seen = new Set();
    queue.forEach(function (h, i) {
      var id = str(h.id);
      seen.add(id);
      var li = queueNodes.get(id);
      if (!li) {
        li = el('li', 'queue-item', { tabindex: '0', role: 'button' });
        li.addEventListener('click', function () { selectHandoff(id); });
        li.addEventListener('keydown', activateOnKey(function () { selectHandoff(id); }));
        queueNodes.set(id, li);
      }
      fillQueueItem(li, h);
      if (ui.queue.children[i] !== li) ui.queue.insertBefore(li, ui.queue.children[i] || null);
    });
    queueNodes.forEach(function (li, id) { if (!seen.has(id)) { li.remove(); queueNodes.delete(id); } });
    renderQueueMeta();
    tick();
  }

  function fillQueueItem(li, h) {
    var b = h.brief || {};
    li.setAttribute('data-handoff-id', str(h.id));
    li.setAttribute('data-conversation-id', str(h.conversation_id));
    li.setAttribute('data-language', str(h.language || b.language));
    li.setAttribute('data-matches', h.matches_my_languages ? 'true' : 'false');
    var p = Number(h.priority);
    li.setAttribute('data-priority-level', p >= 80 ? 'high' : p >= 50 ? 'medium' : 'low');
    li.classList.toggle('matches', !!h.matches_my_languages);
    var sel = mode === 'preview' && selected && str(selected.id) === str(h.id);
    li.classList.toggle('selected', !!sel);
    li.setAttribute('aria-pressed', sel ? 'true' : 'false');
    clear(li);

    var top = el('div', 'qi-top');
    top.appendChild(langBadge(h.language || b.language));
    top.appendChild(reasonLabel('span', 'qi-reason', h.reason || b.reason));
    var wait = el('span', 'qi-wait', { 'data-i18n-title': 'waiting' });
    wait.title = t('waiting');
    top.appendChild(wait);
    li.appendChild(top);

    var name = customerName(b.customer);
    if (name || (b.customer && b.customer.vip)) {
      var who = el('div', 'qi-customer');
      if (name) who.appendChild(txt('bdi', 'qi-name', name, { dir: 'auto' }));
      if (b.customer && b.customer.vip) who.appendChild(label('span', 'badge badge-vip', 'vip'));
      li.appendChild(who);
    }

    var summary = str(b.summary).replace(/\s+/g, ' ').trim();
    if (summary) {
      var sum = el('div', 'qi-summary');
      sum.appendChild(txt('bdi', null, summary, { dir: 'auto' }));
      li.appendChild(sum);
    }

    var facts = b.facts && typeof b.facts === 'object' ? Object.keys(b.facts) : [];
    if (facts.length) {
      var fl = el('div', 'qi-facts');
      facts.forEach(function (k) {
        if (b.facts[k] == null || b.facts[k] === '') return;
        var f = el('span', 'qi-fact', { 'data-name': k });
        f.appendChild(factName('span', 'qi-fact-name', k));
        f.appendChild(txt('bdi', 'qi-fact-value', str(b.facts[k]), { dir: 'auto' }));
        fl.appendChild(f);
      });
      li.appendChild(fl);
    }

    var meta = el('div', 'qi-meta');
    var pr = el('span', 'qi-priority');
    pr.appendChild(label('span', 'qi-meta-label', 'priority'));
    pr.appendChild(txt('b', null, isFinite(p) ? String(p) : '—'));
    meta.appendChild(pr);
    meta.appendChild(channelLabel('span', 'qi-channel', h.channel));
    if (h.matches_my_languages) meta.appendChild(label('span', 'qi-match', 'matches_languages'));
    li.appendChild(meta);
  }

  function renderQueueMeta() {
    ui.queueCount.textContent = String(queue.length);
    ui.queueEmpty.hidden = queue.length > 0;
    renderTitle();
  }

  // Waiting times tick up every second from waiting_seconds + time since the frame arrived.
  function tick() {
    var now = Date.now();
    queueNodes.forEach(function (li, id) {
      var w = li.querySelector('.qi-wait'), t0 = queueT0.get(id);
      if (!w || t0 == null) return;
      var sec = (now - t0) / 1000;
      w.textContent = fmtWait(sec);
      li.setAttribute('data-wait-level', sec >= 600 ? 'long' : sec >= 180 ? 'medium' : 'short');
    });
    if (mode === 'preview' && selected) renderPreviewExtra();
  }
  function startTick() { if (!tickTimer) tickTimer = setInterval(tick, 1000); }

  function activateOnKey(fn) {
    return function (e) {
      if (e.target !== e.currentTarget) return;
      if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') { e.preventDefault(); fn(); }
    };
  }

  // ---------- preview (a handoff in the queue) ----------
  function selectHandoff(id) {
    var h = queue.find(function (x) { return str(x.id) === str(id); });
    if (!h) return;
    leaveReports();
    openSeq++;
    open = null;
    selected = h;
    selectedGone = false;
    mode = 'preview';
    setNotice(null);
    setComposeError(null);
    hideTyping();
    briefSig = '';
    clear(ui.transcript);
    renderMode();
    renderPreviewData();
    markSelection();
    ui.claim.focus({ preventScroll: true });
  }

  function renderPreviewData() {
    var h = selected, b = h.brief || {};
    renderHeader(b.customer, h.language || b.language, 'waiting_agent');
    renderPreviewExtra();
    renderBrief(Object.assign({ reason: h.reason, rule: h.rule, language: h.language }, b));
    updateControls();
  }
  function renderPreviewExtra() {
    var h = selected;
    if (!h) return;
    clear(ui.convExtra);
    var t0 = queueT0.get(str(h.id));
    if (t0 != null) {
      var w = el('span', 'conv-wait');
      w.appendChild(label('span', 'conv-extra-label', 'waiting'));
      w.appendChild(txt('b', null, fmtWait((Date.now() - t0) / 1000)));
      ui.convExtra.appendChild(w);
    }
    ui.convExtra.appendChild(channelLabel('span', 'conv-channel', h.channel));
  }

  function claim() {
    var h = selected;
    if (mode !== 'preview' || !h || claiming) return;
    claiming = true;
    updateControls();
    setNotice(null);
    api('POST', API + '/handoffs/' + enc(h.id) + '/claim').then(function (d) {
      claiming = false;
      var cid = (d && d.conversation_id) || h.conversation_id;
      queue = queue.filter(function (x) { return str(x.id) !== str(h.id); });
      queueT0.delete(str(h.id));
      renderQueue();
      showConversation(cid, { brief: (d && d.brief) || h.brief, messages: d && d.messages, state: (d && d.state) || 'with_agent' });
      loadConversation(cid, false); // notes are not part of the claim answer
      loadMine();
    }, function (e) {
      claiming = false;
      updateControls();
      if (e.status === 401) return;
      if (e.status === 409) {
        closeView();
        setNotice('error_already_claimed', 'warn');
        loadQueue();
      } else {
        setNotice(errKey(e), 'error');
      }
    });
  }

  // ---------- my conversations ----------
  var mineSeq = 0;
  function loadMine() {
    var seq = ++mineSeq;
    return api('GET', API + '/conversations').then(function (d) {
      if (seq !== mineSeq || !d || !Array.isArray(d.conversations)) return;
      mine = d.conversations.filter(function (c) { return c && c.conversation_id != null; });
      renderMine();
    }, function () {});
  }

  function renderMine() {
    var seen = new Set();
    mine.forEach(function (c, i) {
      var id = str(c.conversation_id);
      seen.add(id);
      var li = mineNodes.get(id);
      if (!li) {
        li = el('li', 'conversation-item', { tabindex: '0', role: 'button' });
        li.addEventListener('click', function () { openConversation(id); });
        li.addEventListener('keydown', activateOnKey(function () { openConversation(id); }));
        mineNodes.set(id, li);
      }
      fillMineItem(li, c);
      if (ui.mine.children[i] !== li) ui.mine.insertBefore(li, ui.mine.children[i] || null);
    });
    mineNodes.forEach(function (li, id) { if (!seen.has(id)) { li.remove(); mineNodes.delete(id); } });
    renderMineMeta();
  }

  function fillMineItem(li, c) {
    var id = str(c.conversation_id);
    var active = isOpen(id);
    if (active) unread.delete(id);
    li.setAttribute('data-conversation-id', id);
    li.setAttribute('data-language', str(c.language));
    li.setAttribute('data-state', str(c.state));
    li.setAttribute('data-unread', unread.has(id) ? 'true' : 'false');
    li.classList.toggle('active', active);
    if (active) li.setAttribute('aria-current', 'true'); else li.removeAttribute('aria-current');
    clear(li);
    var top = el('div', 'ci-top');
    top.appendChild(langBadge(c.language));
    var name = customerName(c.customer);
    if (name) top.appendChild(txt('bdi', 'ci-name', name, { dir: 'auto' }));
    else top.appendChild(label('span', 'ci-name', 'customer_anonymous'));
    if (c.customer && c.customer.vip) top.appendChild(label('span', 'badge badge-vip', 'vip'));
    if (unread.has(id)) top.appendChild(el('span', 'ci-unread', { 'data-i18n-title': 'unread', title: t('unread'), role: 'img', 'aria-label': t('unread') }));
    li.appendChild(top);
    var last = c.last_message;
    if (last && last.text != null) {
      var row = el('div', 'ci-last');
      var role = ROLES.indexOf(last.role) >= 0 ? last.role : 'system';
      if (role !== 'customer') row.appendChild(label('span', 'ci-last-role', 'role_' + role));
      row.appendChild(txt('span', 'ci-last-text', str(last.text).replace(/\s+/g, ' ').trim(), { dir: 'auto' }));
      li.appendChild(row);
    }
    if (STATES.indexOf(c.state) >= 0) li.appendChild(label('div', 'ci-state', 'state_' + c.state, { 'data-state': c.state }));
  }

  function renderMineMeta() {
    ui.mineCount.textContent = String(mine.length);
    ui.mineEmpty.hidden = mine.length > 0;
  }

  // A live message for one of my conversations: update its preview line without a round trip.
  function touchMine(cid, m) {
    var c = mine.find(function (x) { return str(x.conversation_id) === str(cid); });
    if (!c) { loadMine(); return; }
    c.last_message = m;
    var li = mineNodes.get(str(cid));
    if (li) fillMineItem(li, c);
  }

  function markSelection() {
    queueNodes.forEach(function (li, id) {
      var on = mode === 'preview' && selected && str(selected.id) === id;
      li.classList.toggle('selected', !!on);
      li.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    mineNodes.forEach(function (li, id) {
      var on = isOpen(id);
      li.classList.toggle('active', on);
      if (on) { li.setAttribute('aria-current', 'true'); } else li.removeAttribute('aria-current');
      if (on && unread.delete(id)) {
        var c = mine.find(function (x) { return str(x.conversation_id) === id; });
        if (c) fillMineItem(li, c);
      }
    });
  }

  // ---------- team (supervisors) ----------
  function startTeam() {
    ui.teamSection.hidden = false;
    if (teamTimer) return;
    loadTeam();
    teamTimer = setInterval(loadTeam, TEAM_POLL_MS);
  }
  function stopTeam() {
    clearInterval(teamTimer); teamTimer = null;
    if (ui.teamSection) { ui.teamSection.hidden = true; clear(ui.team); }
  }
  function loadTeam() {
    if (!token) return;
    api('GET', API + '/agents').then(function (d) {
      if (!d || !Array.isArray(d.agents)) return;
      clear(ui.team);
      d.agents.forEach(function (a) {
        if (!a) return;
        var li = el('li', 'team-item', { 'data-online': a.online ? 'true' : 'false' });
        var dot = el('span', 'team-dot', { role: 'img', 'data-i18n-label': a.online ? 'online' : 'offline' });
        dot.setAttribute('aria-label', t(a.online ? 'online' : 'offline'));
        dot.title = t(a.online ? 'online' : 'offline');
        li.appendChild(dot);
        li.appendChild(txt('bdi', 'team-name', a.username, { dir: 'auto' }));
        if (a.role === 'supervisor') li.appendChild(label('span', 'team-role', 'role_supervisor'));
        if (Array.isArray(a.languages)) li.appendChild(txt('span', 'team-langs', a.languages.map(function (c) { return primary(c).toUpperCase(); }).join(' ')));
        var n = txt('span', 'team-active', isFinite(Number(a.active_conversations)) ? String(Number(a.active_conversations)) : '0', { 'data-i18n-title': 'active_conversations' });
        n.title = t('active_conversations');
        li.appendChild(n);
        ui.team.appendChild(li);
      });
    }, function (e) { if (e.status === 403) stopTeam(); });
  }

  // ---------- reports (supervisors) ----------
  // GET /analytics?days=N: overall figures, handoff reasons, waiting/first-reply times and the same
  // figures per language and per channel. The panel takes the main area's place; the conversation
  // or preview underneath keeps its state and comes back unchanged.
  function canReport() { return !!(token && agent && agent.role === 'supervisor' && !reportsDenied); }
  function renderReportsAccess() {
    if (!ui.reportsToggle) return;
    var ok = canReport();
    ui.reportsToggle.hidden = !ok;
    if (!ok && reportsOpen) closeReports();
    ui.reportsToggle.setAttribute('aria-pressed', reportsOpen ? 'true' : 'false');
  }
  function openReports() {
    if (!canReport()) return;
    if (!reportsOpen) {
      reportsOpen = true;
      clearInterval(reportsTimer);
      reportsTimer = setInterval(function () { if (!document.hidden) loadReports(); }, REPORTS_POLL_MS);
      ui.reportsToggle.setAttribute('aria-pressed', 'true');
      renderMode();
      renderReports();
    }
    loadReports();
    ui.reportsDays.focus(); // also brings the panel into view where it sits below the lists (phones)
  }
  // Leaves the panel without re-rendering (the caller switches the main area itself).
  function leaveReports() {
    if (!reportsOpen && !reportsTimer) return;
    reportsOpen = false;
    reportsSeq++; // an answer still in flight is not wanted any more
    clearInterval(reportsTimer); reportsTimer = null;
    if (ui.reportsToggle) ui.reportsToggle.setAttribute('aria-pressed', 'false');
  }
  function closeReports() {
    var was = reportsOpen;
    leaveReports();
    renderMode();
    if (was && !ui.reportsToggle.hidden) ui.reportsToggle.focus({ preventScroll: true });
  }

  function loadReports() {
    if (!reportsOpen || !canReport()) return;
    var seq = ++reportsSeq, days = reportsDays;
    ui.reports.setAttribute('aria-busy', 'true');
    renderReportsStatus();
    api('GET', API + '/analytics?days=' + days).then(function (d) {
      if (seq !== reportsSeq) return;
      ui.reports.setAttribute('aria-busy', 'false');
      reportsData = d && typeof d === 'object' ? d : {};
      reportsDataDays = days;
      reportsAt = Date.now();
      reportsErrorKey = null;
      renderReports();
    }, function (e) {
      if (seq !== reportsSeq) return;
      ui.reports.setAttribute('aria-busy', 'false');
      if (e.status === 401) return; // expire() already showed the login form
      if (e.status === 403) {
        // Not (or no longer) a supervisor: the reports are not for this session.
        reportsDenied = true;
        reportsData = null;
        renderReportsAccess();
        setNotice('reports_forbidden', 'warn');
        return;
      }
      reportsErrorKey = e.status === 0 ? 'error_network' : e.status === 429 ? 'error_rate_limited' : 'error_generic';
      renderReportsStatus();
    });
  }

  function renderReportsStatus() {
    if (!ui.reportsStatus) return;
    var key = reportsErrorKey;
    // "Loading…" only while nothing for the chosen period is shown yet; refreshes stay quiet.
    if (!key && reportsOpen && reportsDataDays !== reportsDays && ui.reports.getAttribute('aria-busy') === 'true') key = 'loading';
    ui.reportsStatus.textContent = key ? t(key) : '';
    ui.reportsStatus.hidden = !key;
    ui.reportsStatus.setAttribute('data-kind', reportsErrorKey ? 'error' : 'info');
  }

  // Renders everything from the last answer (again on a language change: numbers are localised too).
  function renderReports() {
    if (!ui.reports) return;
    var d = reportsData && reportsDataDays === reportsDays ? reportsData : null;
    var o = d && d.overall && typeof d.overall === 'object' ? d.overall : null;
    ui.reports.setAttribute('data-days', d ? String(reportsDataDays) : '');
    var from = d ? fmtDateTime(d.from) : '', to = d ? fmtDateTime(d.to) : '';
    ui.reportsRange.textContent = from && to ? from + ' – ' + to : '';
    ui.reportsUpdated.textContent = d && reportsAt ? fill('reports_updated', { time: fmtTime(new Date(reportsAt).toISOString()) }) : '';
    renderKpis(o);
    renderReasons(o, !!d);
    renderTimes(o);
    renderBreakdown(ui.reportsByLanguage, d && d.by_language, 'language', !!d);
    renderBreakdown(ui.reportsByChannel, d && d.by_channel, 'channel', !!d);
    renderReportsStatus();
  }

  function stat(s, name, field) { var v = s && s[name]; return v && typeof v === 'object' ? v[field] : null; }

  function renderKpis(o) {
    ui.reportsKpis.querySelectorAll('.kpi[data-kpi]').forEach(function (card) {
      var k = card.getAttribute('data-kpi'), value = '—', sub = '';
      var val = card.querySelector('.kpi-value'), subEl = card.querySelector('.kpi-sub');
      if (o) {
        switch (k) {
          case 'conversations': value = fmtCount(o.conversations); break;
          case 'handoffs':
            value = fmtCount(o.handoffs);
            if (isNum(o.handoffs) && isNum(o.conversations) && Number(o.conversations) > 0) {
              sub = fill('reports_of', { n: fmtCount(o.handoffs), total: fmtCount(o.conversations) });
            }
            break;
          case 'containment_rate':
            value = fmtRate(o.containment_rate);
            if (isNum(o.contained) && isNum(o.conversations)) sub = fill('reports_of', { n: fmtCount(o.contained), total: fmtCount(o.conversations) });
            break;
          case 'first_contact_resolution': value = fmtRate(o.first_contact_resolution); break;
          case 'service_level':
            value = fmtRate(o.service_level);
            if (isNum(o.service_level_target_seconds)) {
              sub = fill('reports_sl_target', { time: fill('duration_seconds', { s: fmtCount(o.service_level_target_seconds) }) });
            }
            break;
          case 'ces': case 'csat':
            value = fmtMean(stat(o, k, 'mean'));
            if (isNum(stat(o, k, 'n'))) sub = fill('reports_responses', { n: fmtCount(stat(o, k, 'n')) });
            break;
        }
      }
      if (val) { val.textContent = value; val.setAttribute('data-empty', value === '—' ? 'true' : 'false'); }
      if (subEl) subEl.textContent = sub;
    });
  }

  function reasonName(tag, cls, reason) {
    var r = str(reason);
    return REASONS.indexOf(r) >= 0 || has('reason_' + r) ? label(tag, cls, 'reason_' + r) : txt(tag, cls, r.replace(/_/g, ' '));
  }

  // Before the first answer the lists stay empty; "no data" is only said about a real answer.
  function renderReasons(o, loaded) {
    var list = ui.reportsReasons;
    clear(list);
    var map = o && o.handoff_reasons && typeof o.handoff_reasons === 'object' ? o.handoff_reasons : {};
    var keys = Object.keys(map).filter(function (k) { return isNum(map[k]) && Number(map[k]) >= 0; });
    var total = 0, max = 0;
    keys.forEach(function (k) { var n = Number(map[k]); total += n; if (n > max) max = n; });
    if (!total) {
      if (loaded) list.appendChild(label('li', 'reports-empty', 'reports_no_handoffs'));
      return;
    }
    keys.sort(function (a, b) {
      var d = Number(map[b]) - Number(map[a]);
      if (d) return d;
      var ia = REASONS.indexOf(a), ib = REASONS.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    keys.forEach(function (k) {
      var n = Number(map[k]);
      var li = el('li', 'reason-row', { 'data-reason': k, 'data-count': String(n) });
      li.appendChild(reasonName('span', 'reason-name', k));
      var bar = el('span', 'reason-bar', { 'aria-hidden': 'true' });
      var fillEl = el('span', 'reason-bar-fill');
      fillEl.style.width = (max ? Math.round(n / max * 1000) / 10 : 0) + '%';
      bar.appendChild(fillEl);
      li.appendChild(bar);
      li.appendChild(txt('span', 'reason-count', fmtCount(n)));
      li.appendChild(txt('span', 'reason-share', fmtRate(n / total)));
      list.appendChild(li);
    });
  }

  function renderTimes(o) {
    var table = ui.reportsTimes;
    clear(table);
    var head = el('tr');
    head.appendChild(el('td', 'reports-corner'));
    ['reports_p50', 'reports_p90', 'reports_max', 'reports_cases'].forEach(function (key) {
      head.appendChild(label('th', 'num', key, { scope: 'col' }));
    });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el('tbody');
    REPORT_TIMES.forEach(function (row) {
      var tr = el('tr', null, { 'data-key': row.id });
      tr.appendChild(label('th', null, row.key, { scope: 'row' }));
      ['p50', 'p90', 'max'].forEach(function (f) {
        tr.appendChild(txt('td', 'num', o ? fmtDuration(stat(o, row.id, f)) : '—', { 'data-col': f }));
      });
      tr.appendChild(txt('td', 'num', o ? fmtCount(stat(o, row.id, 'n')) : '—', { 'data-col': 'n' }));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
  }

  function breakdownCell(s, col) {
    switch (col) {
      case 'conversations': case 'handoffs': return fmtCount(s[col]);
      case 'containment_rate': case 'first_contact_resolution': case 'service_level': return fmtRate(s[col]);
      case 'wait_p50': return fmtDuration(stat(s, 'waiting_seconds', 'p50'));
      case 'ces': case 'csat': return fmtMean(stat(s, col, 'mean'));
    }
    return '—';
  }

  function renderBreakdown(table, map, kind, loaded) {
    clear(table);
    var head = el('tr');
    head.appendChild(label('th', null, kind, { scope: 'col' }));
    REPORT_COLS.forEach(function (c) { head.appendChild(label('th', 'num', c.key, { scope: 'col', 'data-col': c.id })); });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el('tbody');
    map = map && typeof map === 'object' ? map : {};
    var order = kind === 'language' ? LANGS : CHANNELS;
    var keys = Object.keys(map).filter(function (k) { return map[k] && typeof map[k] === 'object'; });
    keys.sort(function (a, b) {
      var ia = order.indexOf(a), ib = order.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    keys.forEach(function (k) {
      var s = map[k];
      var tr = el('tr', null, { 'data-key': k });
      var th = el('th', 'reports-key', { scope: 'row' });
      if (kind === 'language') {
        th.appendChild(langBadge(k));
        var name = lookupName(primary(k));
        if (name) th.appendChild(txt('span', 'reports-key-name', name, { lang: primary(k) }));
      } else {
        th.appendChild(channelLabel('span', 'reports-key-name', k));
      }
      tr.appendChild(th);
      REPORT_COLS.forEach(function (c) { tr.appendChild(txt('td', 'num', breakdownCell(s, c.id), { 'data-col': c.id })); });
      tbody.appendChild(tr);
    });
    if (!keys.length && loaded) {
      var tr = el('tr', 'reports-empty-row');
      tr.appendChild(label('td', 'reports-empty', 'reports_no_data', { colspan: String(REPORT_COLS.length + 1) }));
      tbody.appendChild(tr);
    }
    table.appendChild(tbody);
  }

  // ---------- conversation view ----------
  function openConversation(id) {
    if (isOpen(id)) {
      if (reportsOpen) closeReports();
      ui.reply.focus({ preventScroll: true });
      return;
    }
    var c = mine.find(function (x) { return str(x.conversation_id) === str(id); });
    showConversation(id, { state: c && c.state, customer: c && c.customer, language: c && c.language, loading: true });
    loadConversation(id, true);
  }

  // Switches the main area to a conversation and renders what is already known about it.
  function showConversation(id, d) {
    leaveReports();
    openSeq++;
    selected = null;
    mode = 'conversation';
    open = { id: str(id), state: null, brief: null, items: [], keys: new Map(), language: d.language || null, customer: d.customer || null };
    setNotice(null);
    setComposeError(null);
    hideTyping();
    clear(ui.transcript);
    briefSig = '';
    ui.reply.value = ''; autosize(); renderCount();
    ui.note.value = '';
    renderMode();
    if (d.loading) ui.transcript.appendChild(label('div', 'transcript-loading', 'loading', { role: 'status' }));
    applyConversation(d);
    markSelection();
    if (!d.loading) ui.reply.focus({ preventScroll: true });
  }

  function loadConversation(id, focus) {
    var seq = openSeq;
    api('GET', convPath(id)).then(function (d) {
      if (seq !== openSeq || !isOpen(id)) return;
      applyConversation(d || {});
      if (focus && !ui.reply.disabled) ui.reply.focus({ preventScroll: true });
    }, function (e) {
      if (seq !== openSeq || e.status === 401) return;
      ui.transcript.querySelectorAll('.transcript-loading').forEach(function (n) { n.remove(); });
      setNotice(errKey(e), 'error');
    });
  }

  function applyConversation(d) {
    if (!open) return;
    if (!d.loading) ui.transcript.querySelectorAll('.transcript-loading').forEach(function (n) { n.remove(); });
    if (d.brief && typeof d.brief === 'object') open.brief = d.brief;
    var b = open.brief || {};
    if (b.customer) open.customer = b.customer;
    if (b.language) open.language = b.language;
    if (d.language) open.language = d.language;
    if (d.customer) open.customer = open.customer || d.customer;
    if (Array.isArray(d.messages)) d.messages.forEach(function (m) { addItem('m', m); });
    if (Array.isArray(d.notes)) d.notes.forEach(function (n) { addItem('n', n); });
    renderHeader(open.customer, open.language, STATES.indexOf(d.state) >= 0 ? d.state : open.state);
    if (STATES.indexOf(d.state) >= 0) open.state = d.state;
    clear(ui.convExtra);
    if (open.brief) renderBrief(open.brief); else renderBrief({});
    renderSuggestions();
    updateControls();
    if (Array.isArray(d.messages) && d.messages.length) scrollToEnd();
  }

  function closeView() {
    openSeq++;
    open = null;
    selected = null;
    mode = 'empty';
    hideTyping();
    clear(ui.transcript);
    setComposeError(null);
    renderMode();
    markSelection();
  }

  function renderMode() {
    ui.main.setAttribute('data-mode', mode);
    ui.main.setAttribute('data-reports', reportsOpen ? 'true' : 'false');
    ui.reports.hidden = !reportsOpen;
    ui.placeholder.hidden = reportsOpen || mode !== 'empty';
    ui.view.hidden = reportsOpen || mode === 'empty';
    ui.chat.hidden = mode !== 'conversation';
    ui.claim.hidden = mode !== 'preview';
    ui.release.hidden = mode !== 'conversation';
    ui.close.hidden = mode !== 'conversation';
    updateControls();
  }

  function setState(s) {
    if (!open || STATES.indexOf(s) < 0) return;
    open.state = s;
    renderStateBadge(s);
    if (s !== 'with_agent') hideTyping();
    renderSuggestions();
    updateControls();
  }

  function renderStateBadge(s) {
    ui.state.setAttribute('data-state', s || '');
    if (s && STATES.indexOf(s) >= 0) setKey(ui.state, 'state_' + s);
    else { ui.state.removeAttribute('data-i18n'); ui.state.textContent = ''; }
    ui.state.setAttribute('data-i18n-title', 'state');
    ui.state.title = t('state');
  }

  function updateControls() {
    var conv = mode === 'conversation' && open;
    var active = !!(conv && open.state === 'with_agent');
    ui.reply.disabled = !active;
    ui.send.disabled = !active || sending;
    ui.release.disabled = !active || acting;
    ui.close.disabled = !active || acting;
    ui.note.disabled = !conv;
    ui.addNote.disabled = !conv || noting;
    ui.claim.disabled = mode !== 'preview' || claiming;
    ui.readOnly.hidden = !(conv && open.state && !active);
    ui.chat.setAttribute('data-active', active ? 'true' : 'false');
  }

  function renderHeader(customer, language, state) {
    var c = customer || {};
    var name = customerName(c);
    clear(ui.customerName);
    // <bdi>: a right-to-left (or hostile bidi) name stays isolated and does not flip the header.
    if (name) ui.customerName.appendChild(txt('bdi', 'customer-name-text', name, { dir: 'auto' }));
    else ui.customerName.appendChild(label('span', 'customer-name-text', 'customer_anonymous'));
    clear(ui.customerContacts);
    if (c.vip) ui.customerContacts.appendChild(label('span', 'badge badge-vip', 'vip'));
    if (c.phone) ui.customerContacts.appendChild(contact('phone', c.phone));
    if (c.email) ui.customerContacts.appendChild(contact('email', c.email));
    if (Array.isArray(c.channels)) c.channels.forEach(function (ch) { ui.customerContacts.appendChild(channelLabel('span', 'contact contact-channel', ch)); });
    clear(ui.convLang);
    var code = primary(language);
    ui.convLang.textContent = code ? code.toUpperCase() : '';
    ui.convLang.hidden = !code;
    ui.convLang.title = t('language') + (lookupName(code) ? ': ' + lookupName(code) : '');
    renderStateBadge(state);
  }
  function contact(kind, value) {
    var s = el('span', 'contact contact-' + kind);
    s.appendChild(factName('span', 'contact-label', kind));
    s.appendChild(txt('bdi', 'contact-value', str(value), { dir: 'auto' }));
    return s;
  }

  // ---------- brief ----------
  function reasonLabel(tag, cls, reason) {
    var r = str(reason);
    var key = REASONS.indexOf(r) >= 0 ? 'reason_' + r : 'reason_business_rule';
    var n = label(tag, cls, key, { 'data-reason': r });
    return n;
  }
  function factName(tag, cls, name) {
    var k = str(name);
    if (FACTS.indexOf(k) >= 0 || has('fact_' + k)) return label(tag, cls, 'fact_' + k);
    return txt(tag, cls, k.replace(/_/g, ' '));
  }
  function channelLabel(tag, cls, ch) {
    var c = str(ch);
    if (!c) return el(tag, cls);
    var n = CHANNELS.indexOf(c) >= 0 ? label(tag, cls, 'channel_' + c) : txt(tag, cls, c);
    n.setAttribute('data-channel', c);
    n.setAttribute('data-i18n-title', 'channel');
    n.title = t('channel');
    return n;
  }
  function emotionLabel(tag, cls, emo) {
    var e = str(emo);
    var n = EMOTIONS.indexOf(e) >= 0 ? label(tag, cls, 'emotion_' + e) : txt(tag, cls, e);
    n.setAttribute('data-emotion', e);
    return n;
  }
  function empty(key) { return label('p', 'brief-empty', key); }

  function renderBrief(b) {
    b = b || {};
    var sig;
    try { sig = JSON.stringify(b); } catch (e) { sig = String(Math.random()); }
    if (sig === briefSig) return;
    briefSig = sig;
    var root = ui.brief;
    var reason = root.querySelector('.brief-reason'), summary = root.querySelector('.brief-summary'),
        facts = root.querySelector('.brief-facts'), intents = root.querySelector('.brief-intents'),
        emotion = root.querySelector('.brief-emotion'), past = root.querySelector('.brief-past'),
        answers = root.querySelector('.brief-answers');
    [reason, facts, intents, emotion, past, answers].forEach(clear);

    // Reason + rule
    if (b.reason != null || b.rule != null) {
      reason.appendChild(reasonLabel('span', 'reason-label', b.reason));
      var r = str(b.reason);
      if (r && REASONS.indexOf(r) < 0) reason.appendChild(txt('code', 'reason-raw', r, { dir: 'ltr' }));
      if (b.rule != null && str(b.rule) !== '' && str(b.rule) !== r) {
        var rule = el('span', 'reason-rule');
        rule.appendChild(label('span', 'reason-rule-label', 'rule'));
        rule.appendChild(txt('code', 'reason-rule-value', str(b.rule), { dir: 'ltr' }));
        reason.appendChild(rule);
      }
    }
    reason.setAttribute('data-reason', str(b.reason));

    // Summary
    summary.textContent = str(b.summary);
    if (b.language) summary.setAttribute('lang', primary(b.language)); else summary.removeAttribute('lang');

    // Facts
    var keys = b.facts && typeof b.facts === 'object' ? Object.keys(b.facts) : [];
    keys.forEach(function (k) {
      var row = el('div', 'fact-row');
      row.appendChild(factName('dt', 'fact-name', k));
      row.appendChild(txt('dd', 'fact', str(b.facts[k]), { 'data-name': k, dir: 'auto' }));
      facts.appendChild(row);
    });
    if (!keys.length) facts.appendChild(label('div', 'brief-empty', 'none'));

    // Intents
    var ints = Array.isArray(b.intents) ? b.intents : [];
    ints.forEach(function (i) { intents.appendChild(txt('li', 'chip chip-intent', str(i), { dir: 'ltr', 'data-intent': str(i) })); });
    if (!ints.length) intents.appendChild(label('li', 'brief-empty', 'none'));

    // Emotion: current + trend
    var emo = b.emotion && typeof b.emotion === 'object' ? b.emotion : null;
    if (emo && emo.current) {
      emotion.setAttribute('data-emotion', str(emo.current));
      var cur = el('div', 'emotion-current');
      cur.appendChild(emotionLabel('span', 'emo emo-current', emo.current));
      var score = Number(emo.score);
      if (emo.score != null && isFinite(score)) cur.appendChild(txt('span', 'emotion-score', Math.round(score * 100) + '%'));
      emotion.appendChild(cur);
      if (Array.isArray(emo.trend) && emo.trend.length) {
        var tr = el('div', 'emotion-trend');
        tr.appendChild(label('span', 'emotion-trend-label', 'emotion_trend'));
        var ol = el('ol', 'emotion-steps');
        emo.trend.forEach(function (e) { var li = el('li'); li.appendChild(emotionLabel('span', 'emo', e)); ol.appendChild(li); });
        tr.appendChild(ol);
        emotion.appendChild(tr);
      }
    } else {
      emotion.removeAttribute('data-emotion');
      emotion.appendChild(label('p', 'brief-empty', 'none'));
    }

    // Past contacts
    var pcs = Array.isArray(b.past_contacts) ? b.past_contacts : [];
    pcs.forEach(function (pc) {
      if (!pc) return;
      var li = el('li', 'past-item', { 'data-conversation-id': str(pc.conversation_id) });
      var head = el('div', 'past-head');
      head.appendChild(txt('time', 'past-time', fmtDateTime(pc.started_at), { datetime: str(pc.started_at) }));
      if (pc.handed_off) head.appendChild(label('span', 'badge badge-handed', 'handed_off'));
      li.appendChild(head);
      if (Array.isArray(pc.intents) && pc.intents.length) {
        var ch = el('ul', 'chips');
        pc.intents.forEach(function (i) { ch.appendChild(txt('li', 'chip chip-intent', str(i), { dir: 'ltr' })); });
        li.appendChild(ch);
      }
      past.appendChild(li);
    });
    if (!pcs.length) past.appendChild(label('li', 'brief-empty', 'no_past_contacts'));

    // What the bot already answered
    var ans = Array.isArray(b.bot_answers) ? b.bot_answers : [];
    ans.forEach(function (a) {
      if (!a) return;
      var li = el('li', 'answer-item');
      var head = el('div', 'answer-head');
      if (a.intent) head.appendChild(txt('span', 'chip chip-intent', str(a.intent), { dir: 'ltr' }));
      if (a.at) head.appendChild(txt('time', 'answer-time', fmtTime(a.at), { datetime: str(a.at), title: fmtDateTime(a.at) }));
      li.appendChild(head);
      li.appendChild(txt('p', 'answer-text', str(a.text), { dir: 'auto' }));
      answers.appendChild(li);
    });
    if (!ans.length) answers.appendChild(label('li', 'brief-empty', 'no_bot_answers'));
  }

  function renderSuggestions() {
    clear(ui.suggestions);
    var list = open && open.brief && Array.isArray(open.brief.suggested_replies) ? open.brief.suggested_replies : [];
    var show = mode === 'conversation' && open && open.state === 'with_agent' && list.length > 0;
    if (show) {
      ui.suggestions.appendChild(label('span', 'suggestions-label', 'suggestions'));
      list.forEach(function (s) {
        // Replies may name the agent; fill it in if the server left the placeholder.
        var text = str(s).split('{agent}').join(agent && agent.username ? str(agent.username) : '');
        if (!text.trim()) return;
        var b = txt('button', 'suggestion', text, { type: 'button', dir: 'auto' });
        if (open.language) b.setAttribute('lang', primary(open.language));
        b.addEventListener('click', function () { useSuggestion(text); });
        ui.suggestions.appendChild(b);
      });
    }
    ui.suggestions.hidden = !show;
  }
  function useSuggestion(text) {
    if (ui.reply.disabled) return;
    ui.reply.value = text.slice(0, MAX_CHARS);
    autosize(); renderCount();
    ui.reply.focus();
    try { ui.reply.setSelectionRange(ui.reply.value.length, ui.reply.value.length); } catch (e) { /* ignore */ }
  }

  // ---------- transcript ----------
  function nearBottom() { var m = ui.transcript; return m.scrollHeight - m.scrollTop - m.clientHeight < 80; }
  function scrollToEnd() { ui.transcript.scrollTop = ui.transcript.scrollHeight; }

  // Messages keep id order; notes go among them by time. Within the same second, numeric ids decide
  // (notes and messages may share one sequence), else the message comes first.
  function before(a, b) {
    if (a.kind === b.kind) {
      if (a.kind === 'n' && a.at && b.at && a.at !== b.at) return a.at < b.at;
      return idCmp(a.id, b.id) < 0;
    }
    if (Math.abs(a.at - b.at) >= 1000) return a.at < b.at;
    if (isFinite(Number(a.id)) && isFinite(Number(b.id)) && str(a.id) !== '' && str(b.id) !== '') return Number(a.id) < Number(b.id);
    return a.kind === 'm';
  }

  function addItem(kind, obj) {
    if (!open || !obj || obj.id == null || obj.id === '') return;
    var key = kind + ':' + str(obj.id);
    if (open.keys.has(key)) return;
    var item = { kind: kind, id: obj.id, at: time(obj.created_at), node: kind === 'n' ? noteNode(obj) : messageNode(obj) };
    var items = open.items, i = items.length;
    while (i > 0 && before(item, items[i - 1])) i--;
    var stick = nearBottom() || (kind === 'm' && obj.role === 'agent') || kind === 'n';
    ui.transcript.insertBefore(item.node, i < items.length ? items[i].node : null);
    items.splice(i, 0, item);
    open.keys.set(key, item);
    if (stick) scrollToEnd();
  }

  function messageNode(m) {
    var role = ROLES.indexOf(m.role) >= 0 ? m.role : 'system';
    var wrap = el('div', 'msg msg-' + role, { 'data-id': str(m.id), 'data-role': role });
    var head = el('div', 'msg-head');
    head.appendChild(label('span', 'msg-who', 'role_' + role));
    if (role === 'agent' && m.author) head.appendChild(txt('bdi', 'msg-author', str(m.author), { dir: 'auto' }));
    var tm = fmtTime(m.created_at);
    if (tm) head.appendChild(txt('time', 'msg-time', tm, { datetime: str(m.created_at), title: fmtDateTime(m.created_at) }));
    wrap.appendChild(head);
    var body = txt('div', 'msg-text', str(m.text), { dir: 'auto' });
    var ml = primary(m.lang);
    if (/^[a-z]{2,3}$/.test(ml)) body.setAttribute('lang', ml);
    wrap.appendChild(body);
    if (m.attachment) wrap.appendChild(attachmentNode(m.attachment));
    return wrap;
  }

  // A customer's photo or document (Telegram): fetched with the agent's token and opened from a
  // blob, so no file link ever carries a credential.
  function attachmentNode(a) {
    var name = str(a.file_name || a.kind);
    if (!a.file_id) return txt('div', 'msg-attachment', '📎 ' + name, { dir: 'auto' });
    var b = txt('button', 'msg-attachment', '📎 ' + name, { type: 'button', dir: 'auto', 'data-kind': str(a.kind) });
    b.addEventListener('click', function () {
      fetch(API + '/files/telegram/' + enc(a.file_id), { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' })
        .then(function (res) { if (!res.ok) throw res; return res.blob(); })
        .then(function (blob) { window.open(URL.createObjectURL(blob), '_blank', 'noopener'); })
        .catch(function () { b.disabled = true; });
    });
    return b;
  }

  function noteNode(n) {
    var wrap = el('div', 'msg msg-note', { 'data-id': str(n.id), 'data-role': 'note' });
    var head = el('div', 'msg-head');
    head.appendChild(label('span', 'msg-who', 'note_label'));
    if (n.author) head.appendChild(txt('bdi', 'msg-author', str(n.author), { dir: 'auto' }));
    var tm = fmtTime(n.created_at);
    if (tm) head.appendChild(txt('time', 'msg-time', tm, { datetime: str(n.created_at), title: fmtDateTime(n.created_at) }));
    wrap.appendChild(head);
    wrap.appendChild(txt('div', 'msg-text', str(n.text), { dir: 'auto' }));
    return wrap;
  }

  function showTyping() {
    if (!open || open.state !== 'with_agent') return;
    ui.typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_SHOW_MS);
  }
  function hideTyping() { clearTimeout(typingTimer); if (ui.typing) ui.typing.hidden = true; }

  // ---------- composing ----------
  function autosize() {
    ui.reply.style.height = 'auto';
    ui.reply.style.height = Math.min(ui.reply.scrollHeight + 2, 200) + 'px';
  }
  function renderCount() {
    var n = Array.from(ui.reply.value).length;
    ui.replyCount.textContent = n > MAX_CHARS - 500 ? n + ' / ' + MAX_CHARS : '';
    ui.replyCount.setAttribute('data-over', n > MAX_CHARS ? 'true' : 'false');
  }

  function sendReply() {
    if (mode !== 'conversation' || !open || sending || ui.reply.disabled) return;
    var raw = ui.reply.value, text = raw.trim();
    if (!text) { setComposeError('error_empty'); ui.reply.focus(); return; }
    if (Array.from(text).length > MAX_CHARS) { setComposeError('error_too_long'); return; }
    var conv = open;
    sending = true;
    setComposeError(null);
    ui.reply.value = ''; autosize(); renderCount();
    updateControls();
    api('POST', convPath(conv.id, '/messages'), { text: text }).then(function (d) {
      sending = false;
      if (conv === open && d && d.message) addItem('m', d.message);
      if (d && d.message) touchMine(conv.id, d.message);
      updateControls();
      if (conv === open) ui.reply.focus({ preventScroll: true });
    }, function (e) {
      sending = false;
      if (e.status === 401) return;
      // Nothing the agent typed is lost: the text goes back into the box.
      if (conv === open) {
        ui.reply.value = ui.reply.value ? raw + '\n' + ui.reply.value : raw;
        autosize(); renderCount();
        // 403/409: the conversation is no longer this agent's (released, closed, taken over).
        setComposeError(e.status === 403 || e.status === 409 ? 'read_only' : errKey(e));
        if (e.status === 403 || e.status === 409) loadConversation(conv.id, false);
      }
      updateControls();
    });
  }

  function addNote() {
    if (mode !== 'conversation' || !open || noting) return;
    var raw = ui.note.value, text = raw.trim();
    if (!text) { setComposeError('error_empty'); ui.note.focus(); return; }
    if (Array.from(text).length > MAX_CHARS) { setComposeError('error_too_long'); return; }
    var conv = open;
    noting = true;
    setComposeError(null);
    ui.note.value = '';
    updateControls();
    api('POST', convPath(conv.id, '/notes'), { text: text }).then(function (d) {
      noting = false;
      if (conv === open && d && d.note) addItem('n', d.note);
      updateControls();
      if (conv === open) ui.note.focus({ preventScroll: true });
    }, function (e) {
      noting = false;
      if (e.status === 401) return;
      if (conv === open) {
        ui.note.value = ui.note.value ? raw + ' ' + ui.note.value : raw;
        setComposeError(errKey(e));
      }
      updateControls();
    });
  }

  function finish(action) {
    if (mode !== 'conversation' || !open || acting || open.state !== 'with_agent') return;
    if (action === 'close' && !window.confirm(t('confirm_close'))) return;
    var conv = open;
    acting = true;
    updateControls();
    api('POST', convPath(conv.id, '/' + action)).then(function (d) {
      acting = false;
      if (conv === open) setState((d && d.state) || (action === 'close' ? 'closed' : 'bot'));
      unread.delete(str(conv.id));
      mine = mine.filter(function (c) { return str(c.conversation_id) !== str(conv.id); });
      renderMine();
      loadMine();
      updateControls();
    }, function (e) {
      acting = false;
      updateControls();
      if (e.status === 401) return;
      setNotice(errKey(e), 'error');
      if (conv === open) loadConversation(conv.id, false);
    });
  }

  function sendTyping() {
    if (!ws || !wsOpen || !open || open.state !== 'with_agent') return;
    var now = Date.now();
    if (now - lastTypingSent < TYPING_SEND_MS) return;
    lastTypingSent = now;
    try { ws.send(JSON.stringify({ type: 'typing', conversation_id: open.id })); } catch (e) { /* ignore */ }
  }

  // ---------- start ----------
  function bind() {
    var ids = {
      loginView: 'login-view', loginForm: 'login-form', username: 'username', password: 'password',
      loginSubmit: 'login-submit', loginError: 'login-error', console: 'console', sessionBar: 'session-bar',
      conn: 'conn', connText: 'conn-text', meName: 'me-name', meRole: 'me-role', logout: 'logout', lang: 'lang',
      queue: 'queue', queueCount: 'queue-count', queueEmpty: 'queue-empty', mine: 'my-conversations',
      mineCount: 'mine-count', mineEmpty: 'mine-empty', teamSection: 'team-section', team: 'team',
      main: 'main', notice: 'notice', noticeText: 'notice-text', noticeDismiss: 'notice-dismiss',
      placeholder: 'placeholder', view: 'view', customerName: 'customer-name', customerContacts: 'customer-contacts',
      convLang: 'conv-lang', convExtra: 'conv-extra', state: 'state', claim: 'claim', release: 'release', close: 'close',
      chat: 'chat', transcript: 'transcript', typing: 'typing', readOnly: 'read-only', suggestions: 'suggestions',
      composeError: 'compose-error', reply: 'reply', send: 'send', replyCount: 'reply-count', note: 'note',
      addNote: 'add-note', brief: 'brief', reportsToggle: 'reports-toggle', reports: 'reports',
      reportsBack: 'reports-back', reportsDays: 'reports-days', reportsRefresh: 'reports-refresh',
      reportsRange: 'reports-range', reportsUpdated: 'reports-updated', reportsStatus: 'reports-status',
      reportsKpis: 'reports-kpis', reportsReasons: 'reports-reasons', reportsTimes: 'reports-times',
      reportsByLanguage: 'reports-by-language', reportsByChannel: 'reports-by-channel'
    };
    Object.keys(ids).forEach(function (k) { ui[k] = document.getElementById(ids[k]); });
    var missing = Object.keys(ids).filter(function (k) { return !ui[k]; });
    if (missing.length) throw new Error('console.html is missing #' + missing.map(function (k) { return ids[k]; }).join(', #'));

    ui.loginForm.addEventListener('submit', login);
    ui.logout.addEventListener('click', logout);
    ui.lang.addEventListener('change', function () { setLang(ui.lang.value, true); });
    ui.noticeDismiss.addEventListener('click', function () { setNotice(null); });
    ui.claim.addEventListener('click', claim);
    ui.release.addEventListener('click', function () { finish('release'); });
    ui.close.addEventListener('click', function () { finish('close'); });
    ui.send.addEventListener('click', sendReply);
    ui.reply.addEventListener('keydown', function (e) {
      // isComposing / 229: Enter confirms an IME candidate (Chinese, Japanese…) and must not send.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); sendReply(); }
    });
    ui.reply.addEventListener('input', function () {
      autosize(); renderCount();
      if (composeErrorKey === 'error_empty') setComposeError(null);
      if (ui.reply.value) sendTyping();
    });
    ui.addNote.addEventListener('click', addNote);
    ui.note.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); addNote(); }
    });
    ui.reportsToggle.addEventListener('click', function () { if (reportsOpen) closeReports(); else openReports(); });
    ui.reportsBack.addEventListener('click', closeReports);
    ui.reportsRefresh.addEventListener('click', loadReports);
    ui.reportsDays.addEventListener('change', function () {
      var d = Number(ui.reportsDays.value);
      if (REPORT_DAYS.indexOf(d) < 0) return;
      reportsDays = d;
      sset('localStorage', K_DAYS, String(d));
      reportsErrorKey = null;
      renderReports();
      loadReports();
    });
    ui.reports.addEventListener('keydown', function (e) {
      if ((e.key === 'Escape' || e.key === 'Esc') && e.target.tagName !== 'SELECT') { e.preventDefault(); closeReports(); }
    });
    window.addEventListener('online', reconnectNow);
    document.addEventListener('visibilitychange', function () {
      if (document.hidden) return;
      reconnectNow();
      // Polling pauses in a hidden tab; catch up when it is shown again.
      if (reportsOpen && Date.now() - reportsAt >= REPORTS_POLL_MS) loadReports();
    });
  }

  function init() {
    bind();
    var days = Number(sget('localStorage', K_DAYS));
    if (REPORT_DAYS.indexOf(days) >= 0) reportsDays = days;
    ui.reportsDays.value = String(reportsDays);
    lang = resolveLang();
    fillLangSelect();
    renderMode();
    applyStrings();

    fetch('/console/i18n.json', { cache: 'no-cache' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
      if (!d || !d.languages || typeof d.languages !== 'object' || !Object.keys(d.languages).length) throw new Error('no strings');
      i18n = d;
      lang = resolveLang();
      fillLangSelect();
      applyStrings();
    }).catch(function () {
      // Keep the built-in English strings (and offer only English, since nothing else can be shown).
      i18nFailed = true;
      lang = resolveLang();
      fillLangSelect();
      applyStrings();
    });

    if (!token) { showLogin(null); return; }
    // A token from this tab's earlier page load: check it and learn who we are.
    ui.loginView.hidden = true;
    api('GET', API + '/me').then(function (d) {
      enter((d && d.agent) || null);
    }, function (e) {
      if (e.status === 401) return; // expire() already showed the login form
      if (e.status === 0 || e.status >= 500) enter(null); // server unreachable: the socket keeps retrying
      else dropSession('session_expired');
    });
  }

  window.KomekConsole = {
    state: function () {
      var s = {
        agent: agent && agent.username != null ? str(agent.username) : null,
        openConversation: mode === 'conversation' && open ? open.id : null,
        queueLength: queue.length
      };
      if (token) s.token = token;
      return s;
    }
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
