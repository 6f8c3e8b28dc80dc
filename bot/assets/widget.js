/* Komek chat widget — embed with:
 *   <script src="https://HOST/widget.js" defer></script>
 * Optional attributes: data-locale="kk" (the UI language, instead of the browser's), data-api="https://HOST".
 * The UI language is, first to last: the one the customer picked in the language menu, the language
 * the bot speaks in the conversation, data-locale, the browser's languages.
 * Plain ES2018, no dependencies. Untrusted text (bot/agent/customer/button labels/UI strings)
 * is only ever written with textContent, never innerHTML.
 * Served with ../shared/socket.js inlined before it in one private scope (bot/src/http/assets.rs):
 * `liveSocket` and `backoff` come from there. */
(function () {
  'use strict';
  if (window.Komek) return; // the tag was included twice

  // document.currentScript is only valid while this file first runs, so capture it now.
  var script = document.currentScript;
  var API = ((script && script.getAttribute('data-api')) ||
    (script && script.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, '');
  var FORCED_LANG = primary(script && script.getAttribute('data-locale'));
  var LANGS = ['ru', 'kk', 'en', 'uk', 'uz', 'tr', 'de', 'es', 'fr', 'zh', 'ar'];
  var ROLES = ['bot', 'agent', 'customer', 'system'];
  var STATES = ['bot', 'waiting_agent', 'with_agent', 'closed'];
  var MAX_CHARS = 4000;
  var TYPING_MS = 4000;
  var TYPING_SEND_MS = 3000;
  var K_SESSION = 'komek.session', K_LANG = 'komek.lang', K_OPEN = 'komek.open', K_OUTBOX = 'komek.outbox';

  // Used until (or if never) /widget/i18n.json arrives, so the widget is never blank.
  var FALLBACK = {
    title: 'Customer support', subtitle: 'We usually reply within a few minutes',
    open: 'Open chat', close: 'Close chat', placeholder: 'Type your message…', send: 'Send',
    retry: 'Retry', connecting: 'Connecting…', reconnecting: 'Connection lost. Reconnecting…',
    offline: 'You are offline. Your messages will be sent when the connection is back.',
    state_waiting_agent: 'Waiting for an agent.',
    queue_status: 'Waiting for an agent · number {position} in the queue · about {minutes} min',
    queue_no_agent: 'Waiting for an agent · number {position} in the queue · nobody who speaks your language is online yet',
    state_with_agent: 'You are chatting with an agent.',
    state_closed: 'This conversation has ended. Write to us any time if you have more questions.',
    typing: 'Typing…', language_label: 'Language', messages_label: 'Chat messages',
    error_too_long: 'This message is too long. Please shorten it to 4000 characters.',
    error_rate_limited: 'You are sending messages too quickly. Please wait a moment and try again.',
    error_empty: 'Please type a message first.',
    error_network: 'The message could not be sent. We will try again automatically.',
    error_generic: 'Something went wrong. Please try again.',
    you: 'You', bot: 'Assistant', agent: 'Agent', sending: 'Sending…', failed: 'Not sent'
  };

  // ---------- small helpers ----------
  function primary(tag) { return tag ? String(tag).toLowerCase().split(/[-_]/)[0] : ''; }
  // localStorage can throw (Safari private mode, sandboxed iframes); the widget must still work.
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, val) {
    try { if (val == null) localStorage.removeItem(key); else localStorage.setItem(key, val); } catch (e) { /* ignore */ }
  }
  function loadJSON(key) { try { return JSON.parse(load(key) || 'null'); } catch (e) { return null; } }
  function el(tag, cls, attrs) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (attrs) Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    return n;
  }

  // ---------- state ----------
  var i18n = null;                 // {default, languages:{code:{name,dir,ui,greeting,menu}}} once loaded
  var lang = 'en', langExplicit = false;
  var langPicked = false;          // the customer chose the UI language in the menu: nothing overrides it
  var convLang = null;             // the language of the bot's newest message
  var session = loadJSON(K_SESSION);
  if (!session || !session.session_id || !session.token) session = null;
  var outbox = loadJSON(K_OUTBOX);
  if (!Array.isArray(outbox)) outbox = [];
  var convState = 'bot';
  var queue = null;                // {position, expected_wait_seconds, agents_online_for_language} while waiting
  var byId = new Map();            // message id -> element, for de-duplication
  var maxId = 0;
  var live = liveSocket({
    url: function () {
      return session ? API.replace(/^http/, 'ws') + sessionPath('/ws') + '?token=' + encodeURIComponent(session.token) : null;
    },
    onStatus: function () {
      ui.root.setAttribute('data-connected', live.status() === 'open' ? 'true' : 'false');
      renderStatus();
    },
    onOpen: function () {
      sync();
      if (langDirty) pushLang();
      if (outbox.length) { retryAttempt = 0; flush(); }
    },
    onFrame: function (d) {
      if (d.type === 'message') renderMessage(d.message);
      else if (d.type === 'state') applyState(d.state, d.queue);
      else if (d.type === 'typing') showTyping(d.role);
      else if (d.type === 'resync') sync(); // frames were dropped on the way: fetch what is missing
    },
    onRefused: function () { return sync(); } // a GET tells whether the session is gone
  });
  var flushing = false, inflight = null, retryAttempt = 0, retryTimer = null, creating = null;
  var errorKey = null, errorRetry = false, typingTimer = null, langDirty = false;
  var isOpen = false;
  var ui = {};                     // DOM references

  // ---------- UI language ----------
  function shipped() { return i18n && i18n.languages ? Object.keys(i18n.languages) : LANGS; }
  function resolveLang() {
    var avail = shipped(), stored = primary(load(K_LANG));
    langPicked = !!stored && avail.indexOf(stored) >= 0;
    langExplicit = true;
    if (langPicked) return stored;
    if (convLang && avail.indexOf(convLang) >= 0) return convLang;
    if (FORCED_LANG && avail.indexOf(FORCED_LANG) >= 0) return FORCED_LANG;
    langExplicit = false;
    var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < prefs.length; i++) {
      var p = primary(prefs[i]);
      if (p && avail.indexOf(p) >= 0) { langExplicit = true; return p; }
    }
    var d = i18n && i18n['default'];
    return d && avail.indexOf(d) >= 0 ? d : (avail.indexOf('en') >= 0 ? 'en' : avail[0]);
  }
  function langInfo(code) { return (i18n && i18n.languages && i18n.languages[code]) || null; }
  function t(key) {
    var cur = langInfo(lang), def = i18n && langInfo(i18n['default']);
    return (cur && cur.ui && cur.ui[key]) || (def && def.ui && def.ui[key]) || FALLBACK[key] || key;
  }
  // When nothing matched the browser, the server still gets the browser's own locale as a hint.
  function sessionLocale() { return langExplicit ? lang : (navigator.language || lang); }

  // ---------- DOM ----------
  function svgIcon(paths) {
    var NS = 'http://www.w3.org/2000/svg', svg = document.createElementNS(NS, 'svg');
    // width/height keep the icon small even before widget.css has loaded.
    var attrs = { viewBox: '0 0 24 24', width: '22', height: '22', 'aria-hidden': 'true', focusable: 'false' };
    Object.keys(attrs).forEach(function (k) { svg.setAttribute(k, attrs[k]); });
    paths.forEach(function (d) { var p = document.createElementNS(NS, 'path'); p.setAttribute('d', d); svg.appendChild(p); });
    return svg;
  }

  function build() {
    var root = ui.root = el('div', null, { id: 'komek-widget', 'data-connected': 'false', 'data-state': convState });
    // Stay invisible until our stylesheet applies, so the host page never flashes unstyled controls.
    root.style.visibility = 'hidden';
    var reveal = function () { root.style.visibility = ''; };
    var link = el('link', null, { rel: 'stylesheet', href: API + '/widget.css' });
    link.onload = function () { reveal(); autosize(); }; // the input's size depends on the styles
    link.onerror = reveal;
    setTimeout(reveal, 3000);
    document.head.appendChild(link);

    var launcher = ui.launcher = el('button', 'komek-launcher', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'komek-panel' });
    launcher.appendChild(svgIcon(['M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z']));
    launcher.appendChild(el('span', 'komek-badge', { 'aria-hidden': 'true' }));

    var panel = ui.panel = el('div', 'komek-panel', { id: 'komek-panel', role: 'dialog' });
    panel.hidden = true;

    var header = el('div', 'komek-header');
    var heads = el('div', 'komek-heading');
    ui.title = el('div', 'komek-title'); ui.subtitle = el('div', 'komek-subtitle');
    heads.appendChild(ui.title); heads.appendChild(ui.subtitle);
    ui.langSel = el('select', 'komek-lang');
    ui.closeBtn = el('button', 'komek-close', { type: 'button' });
    ui.closeBtn.appendChild(svgIcon(['M6 6l12 12M18 6L6 18']));
    header.appendChild(heads); header.appendChild(ui.langSel); header.appendChild(ui.closeBtn);

    ui.status = el('div', 'komek-status', { role: 'status' });
    ui.messages = el('div', 'komek-messages', { 'aria-live': 'polite', role: 'log' });
    ui.typing = el('div', 'komek-typing'); ui.typing.hidden = true;
    ui.typingText = el('span', 'komek-typing-text');
    ui.typing.appendChild(el('span', 'komek-dots', { 'aria-hidden': 'true' }));
    ui.typing.appendChild(ui.typingText);

    ui.error = el('div', 'komek-error', { role: 'alert' }); ui.error.hidden = true;
    ui.errorText = el('span', 'komek-error-text');
    ui.retryBtn = el('button', 'komek-retry', { type: 'button' });
    ui.error.appendChild(ui.errorText); ui.error.appendChild(ui.retryBtn);

    var form = el('div', 'komek-compose');
    ui.input = el('textarea', 'komek-input', { rows: '1', maxlength: String(MAX_CHARS) });
    ui.send = el('button', 'komek-send', { type: 'button' });
    ui.sendLabel = el('span', 'komek-send-label');
    ui.send.appendChild(svgIcon(['M3 11.5L21 3l-8.5 18-2.2-7.3L3 11.5z']));
    ui.send.appendChild(ui.sendLabel);
    form.appendChild(ui.input); form.appendChild(ui.send);

    [header, ui.status, ui.messages, ui.typing, ui.error, form].forEach(function (n) { panel.appendChild(n); });
    root.appendChild(panel); root.appendChild(launcher);
    document.body.appendChild(root);

    launcher.addEventListener('click', function () { isOpen ? close() : open(); });
    ui.closeBtn.addEventListener('click', function () { close(); launcher.focus(); });
    panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { close(); launcher.focus(); } });
    ui.send.addEventListener('click', sendFromInput);
    ui.input.addEventListener('keydown', function (e) {
      // isComposing: Enter confirms an IME candidate (Chinese, Japanese…) and must not send.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); sendFromInput(); }
    });
    ui.input.addEventListener('input', autosize);
    ui.input.addEventListener('input', sendTyping);
    ui.retryBtn.addEventListener('click', function () { retryAttempt = 0; flush(); live.connect(); });
    ui.langSel.addEventListener('change', function () { setLang(ui.langSel.value, true); });
    ui.messages.addEventListener('click', function (e) {
      var b = e.target.closest && e.target.closest('.komek-choice');
      if (b && ui.messages.contains(b)) choose(b, e.detail === 0);
    });
  }

  // Grows the input with its text up to its CSS max-height; only then may it scroll.
  function autosize() {
    var input = ui.input;
    if (!input.offsetParent) return; // the panel is closed: nothing to measure until it opens
    input.style.height = 'auto';
    var border = input.offsetHeight - input.clientHeight;
    var wanted = input.scrollHeight + border, max = parseFloat(getComputedStyle(input).maxHeight) || 140;
    input.style.height = Math.min(wanted, max) + 'px';
    input.style.overflowY = wanted > max ? 'auto' : 'hidden';
  }

  // Re-applies every UI string; called on load, when i18n.json arrives and when the language changes.
  function applyStrings() {
    var info = langInfo(lang);
    ui.root.setAttribute('data-lang', lang);
    ui.panel.setAttribute('dir', (info && info.dir) || 'ltr');
    ui.panel.setAttribute('lang', lang);
    ui.panel.setAttribute('aria-label', t('title'));
    ui.title.textContent = t('title');
    ui.subtitle.textContent = t('subtitle');
    ui.launcher.setAttribute('aria-label', isOpen ? t('close') : t('open'));
    ui.launcher.title = isOpen ? t('close') : t('open');
    ui.closeBtn.setAttribute('aria-label', t('close'));
    ui.closeBtn.title = t('close');
    ui.langSel.setAttribute('aria-label', t('language_label'));
    ui.langSel.title = t('language_label');
    ui.messages.setAttribute('aria-label', t('messages_label'));
    ui.input.placeholder = t('placeholder');
    ui.input.setAttribute('aria-label', t('placeholder'));
    ui.send.setAttribute('aria-label', t('send'));
    ui.sendLabel.textContent = t('send');
    ui.retryBtn.textContent = t('retry');
    ui.typingText.textContent = t('typing');
    ui.messages.querySelectorAll('.komek-msg-who').forEach(function (w) {
      w.textContent = t(w.parentNode.getAttribute('data-role') === 'customer' ? 'you' : w.parentNode.getAttribute('data-role'));
    });
    ui.messages.querySelectorAll('.komek-pending .komek-msg-note').forEach(function (n) {
      n.textContent = t(n.parentNode.classList.contains('komek-failed') ? 'failed' : 'sending');
    });
    if (errorKey) ui.errorText.textContent = t(errorKey);
    renderGreeting();
    renderStatus();
    autosize(); // a placeholder in another language may wrap differently
  }

  function fillLangSelect() {
    var sel = ui.langSel, codes = shipped();
    while (sel.firstChild) sel.removeChild(sel.firstChild);
    // Shipped order first (ru kk en …), then any extra language the server adds.
    codes.slice().sort(function (a, b) {
      var ia = LANGS.indexOf(a), ib = LANGS.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    }).forEach(function (code) {
      var info = langInfo(code), o = el('option', null, { value: code, lang: code });
      o.textContent = (info && info.name) || code;
      sel.appendChild(o);
    });
    sel.value = lang;
    sel.hidden = codes.length < 2;
  }

  function setLang(code, byUser) {
    if (shipped().indexOf(code) < 0) return;
    lang = code;
    if (byUser) { langExplicit = langPicked = true; store(K_LANG, code); pushLang(); }
    ui.langSel.value = code;
    applyStrings();
  }

  // The labels follow the language the bot speaks, unless the customer picked one in the menu.
  function followConversation(code) {
    if (shipped().indexOf(code) < 0) return;
    convLang = code;
    if (!langPicked && code !== lang) setLang(code, false);
  }

  // Tell the server so the bot answers in the picked language; retried on the next (re)connect if it fails.
  function pushLang() {
    if (!session) return;
    langDirty = true;
    api('POST', sessionPath('/language'), { lang: lang }).then(function () { langDirty = false; }, function () {});
  }

  // ---------- open / close ----------
  function open() {
    isOpen = true;
    ui.panel.hidden = false;
    ui.root.classList.add('komek-open');
    ui.launcher.setAttribute('aria-expanded', 'true');
    ui.launcher.classList.remove('komek-unread');
    store(K_OPEN, 'true');
    applyStrings();
    scrollToEnd();
    ui.input.focus({ preventScroll: true }); // the panel is fixed; never scroll the host page
  }
  function close() {
    isOpen = false;
    ui.panel.hidden = true;
    ui.root.classList.remove('komek-open');
    ui.launcher.setAttribute('aria-expanded', 'false');
    store(K_OPEN, 'false');
    applyStrings();
  }

  // ---------- status / errors / typing ----------
  function renderStatus() {
    var key = null;
    if (!navigator.onLine) key = 'offline';
    else if (session && live.status() !== 'open') key = live.status();
    else if (convState !== 'bot') key = 'state_' + convState;
    var text = key ? t(key) : '';
    // While waiting: the same place and estimate the bot's messages give.
    if (key === 'state_waiting_agent' && queue && queue.position) {
      var known = queue.expected_wait_seconds != null;
      key = known ? 'queue_status' : 'queue_no_agent';
      text = t(key).replace('{position}', String(queue.position))
        .replace('{minutes}', known ? String(Math.max(1, Math.ceil(queue.expected_wait_seconds / 60))) : '');
    }
    ui.status.textContent = text;
    ui.status.hidden = !key;
    ui.status.setAttribute('data-kind', key || '');
  }
  function applyState(s, q) {
    if (STATES.indexOf(s) < 0) return;
    convState = s;
    // A state without a queue keeps the last one known while still waiting (a message's answer
    // carries it; a reconnect's history too).
    if (s !== 'waiting_agent') queue = null;
    else if (q && typeof q === 'object') queue = q;
    ui.root.setAttribute('data-state', s);
    renderStatus();
  }
  // "The customer is typing" for the agent who has the conversation: at most one frame per interval.
  var lastTypingSent = 0;
  function sendTyping() {
    if (convState !== 'with_agent' || !ui.input.value || live.status() !== 'open') return;
    var now = Date.now();
    if (now - lastTypingSent < TYPING_SEND_MS) return;
    lastTypingSent = now;
    live.send({ type: 'typing' });
  }
  function showError(key, withRetry) {
    errorKey = key; errorRetry = !!withRetry;
    ui.errorText.textContent = t(key);
    ui.retryBtn.hidden = !errorRetry;
    ui.error.hidden = false;
  }
  function clearError() { errorKey = null; ui.error.hidden = true; }
  function codeToKey(code) {
    return { text_too_long: 'error_too_long', rate_limited: 'error_rate_limited', empty_text: 'error_empty' }[code] || 'error_generic';
  }
  function showTyping() {
    ui.typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_MS);
  }
  function hideTyping() { clearTimeout(typingTimer); ui.typing.hidden = true; }

  // ---------- messages ----------
  function nearBottom() { var m = ui.messages; return m.scrollHeight - m.scrollTop - m.clientHeight < 80; }
  function scrollToEnd() { ui.messages.scrollTop = ui.messages.scrollHeight; }

  function bubble(role, text) {
    var wrap = el('div', 'komek-msg', { 'data-role': role });
    if (role !== 'system') {
      var who = el('div', 'komek-msg-who');
      who.textContent = t(role === 'customer' ? 'you' : role);
      wrap.appendChild(who);
    }
    var body = el('div', 'komek-msg-text', { dir: 'auto' });
    body.textContent = text;
    wrap.appendChild(body);
    return wrap;
  }

  function renderMessage(m) {
    if (!m || typeof m.id !== 'number' || byId.has(m.id)) return;
    var role = ROLES.indexOf(m.role) >= 0 ? m.role : 'system';
    var stick = nearBottom() || role === 'customer';
    var node = bubble(role, String(m.text == null ? '' : m.text));
    node.setAttribute('data-id', String(m.id));
    if (m.created_at) {
      var d = new Date(m.created_at);
      if (!isNaN(d)) node.title = d.toLocaleString(lang);
    }
    if (Array.isArray(m.buttons) && m.buttons.length) node.appendChild(choiceRow(m.buttons));
    // Keep id order: walk back over pending bubbles (always last) and newer messages; the local
    // greeting (no id) stays first.
    var after = ui.messages.lastChild;
    while (after && (after.classList.contains('komek-pending') || Number(after.getAttribute('data-id')) > m.id)) after = after.previousSibling;
    ui.messages.insertBefore(node, after ? after.nextSibling : ui.messages.firstChild);
    byId.set(m.id, node);
    if (role === 'bot' && m.id > maxId && m.lang) followConversation(primary(m.lang));
    if (m.id > maxId) maxId = m.id;
    refreshChoices();
    if (role === 'bot' || role === 'agent') {
      hideTyping();
      if (!isOpen) ui.launcher.classList.add('komek-unread');
    }
    // The WebSocket may echo our own message before the POST answers: drop the pending copy then.
    if (role === 'customer' && inflight && !inflight.echoed && inflight.text.trim() === String(m.text).trim()) {
      inflight.echoed = true;
      removePending(inflight);
    }
    if (stick) scrollToEnd();
  }
  function renderMessages(list) { if (Array.isArray(list)) list.forEach(renderMessage); }

  function clearHistory() {
    byId.forEach(function (n) { n.remove(); });
    byId.clear(); maxId = 0; convLang = null;
    refreshChoices();
  }

  // ---------- buttons ----------
  function choiceRow(buttons) {
    var row = el('div', 'komek-choices');
    buttons.forEach(function (b) {
      if (!b || b.id == null) return;
      var btn = el('button', 'komek-choice', { type: 'button', 'data-id': String(b.id) });
      btn.textContent = String(b.label == null ? b.id : b.label);
      row.appendChild(btn);
    });
    return row;
  }

  // Only the newest message's buttons work, and only until one of them is clicked: an older choice
  // would answer a question the conversation has moved past.
  function refreshChoices() {
    var last = ui.messages.lastElementChild;
    ui.messages.querySelectorAll('.komek-choices').forEach(function (row) {
      var stale = row.hasAttribute('data-used') || row.parentNode !== last;
      row.querySelectorAll('.komek-choice').forEach(function (b) {
        b.disabled = stale;
        b.setAttribute('aria-disabled', stale ? 'true' : 'false');
      });
    });
  }

  function choose(button, byKeyboard) {
    if (button.disabled) return;
    var item = enqueue(button.textContent, button.getAttribute('data-id'));
    if (!item) return;
    button.parentNode.setAttribute('data-used', item.lid);
    button.classList.add('komek-chosen');
    refreshChoices();
    // The disabled button loses focus; a keyboard user continues in the input.
    if (byKeyboard) ui.input.focus({ preventScroll: true });
  }

  // A click the server refused (not sent): its buttons work again.
  function releaseChoice(item) {
    var row = ui.messages.querySelector('.komek-choices[data-used="' + item.lid + '"]');
    if (!row) return;
    row.removeAttribute('data-used');
    var chosen = row.querySelector('.komek-chosen');
    if (chosen) chosen.classList.remove('komek-chosen');
  }

  // On first open nothing has been said yet: the bot's greeting and its main options are shown here,
  // in the UI language, without a session (sessions cost and are limited per address); a click
  // sends the option like any other button and so starts the conversation. It stays first in the
  // list, in the current UI language.
  function renderGreeting() {
    var info = langInfo(lang) || (i18n && langInfo(i18n['default']));
    if (!info || !info.greeting) return;
    var node = ui.greeting;
    if (!node) {
      node = ui.greeting = bubble('bot', '');
      node.setAttribute('data-local', 'greeting');
      if (Array.isArray(info.menu) && info.menu.length) node.appendChild(choiceRow(info.menu));
      ui.messages.insertBefore(node, ui.messages.firstChild);
      refreshChoices();
    }
    node.querySelector('.komek-msg-text').textContent = String(info.greeting);
    var labels = {};
    (info.menu || []).forEach(function (b) { if (b && b.id != null) labels[b.id] = b.label; });
    node.querySelectorAll('.komek-choice').forEach(function (b) {
      var label = labels[b.getAttribute('data-id')];
      if (label != null) b.textContent = String(label);
    });
  }

  function pendingEl(item) { return ui.messages.querySelector('.komek-pending[data-local-id="' + item.lid + '"]'); }
  function addPending(item) {
    var node = bubble('customer', item.text);
    node.classList.add('komek-pending');
    node.setAttribute('data-local-id', item.lid);
    var note = el('div', 'komek-msg-note');
    note.textContent = t('sending');
    node.appendChild(note);
    ui.messages.appendChild(node);
    refreshChoices();
    scrollToEnd();
  }
  function markPending(item, failed) {
    var node = pendingEl(item);
    if (!node) return;
    node.classList.toggle('komek-failed', failed);
    node.querySelector('.komek-msg-note').textContent = t(failed ? 'failed' : 'sending');
  }
  function removePending(item) { var n = pendingEl(item); if (n) { n.remove(); refreshChoices(); } }

  // ---------- HTTP ----------
  function sessionPath(suffix) { return '/api/v1/chat/sessions/' + encodeURIComponent(session.session_id) + suffix; }

  // Rejects with {status, code}; status 0 means the request never got an answer (network).
  function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session) headers.Authorization = 'Bearer ' + session.token;
    return fetch(API + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .catch(function () { throw { status: 0, code: 'network' }; })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          if (res.ok) return data || {};
          throw { status: res.status, code: data && data.error && data.error.code };
        });
      });
  }

  function saveSession() { store(K_SESSION, session ? JSON.stringify(session) : null); }

  // A 401/404 means the server no longer knows this session: forget it and its history.
  function dropSession() {
    session = null; saveSession();
    live.stop();
    clearHistory(); applyState('bot'); hideTyping();
  }

  function ensureSession() {
    if (session) return Promise.resolve(session);
    if (!creating) {
      creating = api('POST', '/api/v1/chat/sessions', { locale: sessionLocale() }).then(function (d) {
        session = { session_id: d.session_id, token: d.token, conversation_id: d.conversation_id };
        saveSession();
        live.connect();
        return session;
      });
      creating.then(function () { creating = null; }, function () { creating = null; });
    }
    return creating;
  }

  // Fetches everything newer than what is shown (fills gaps after reconnects and page reloads).
  var syncing = null;
  function sync() {
    if (!session) return Promise.resolve();
    if (syncing) return syncing;
    var s = session;
    syncing = api('GET', sessionPath('/messages' + (maxId ? '?after=' + maxId : ''))).then(function (d) {
      if (s !== session) return;
      renderMessages(d.messages); applyState(d.state, d.queue);
    }, function (e) {
      if (s === session && (e.status === 401 || e.status === 404)) dropSession();
    });
    syncing.then(function () { syncing = null; });
    return syncing;
  }

  // ---------- outbox: nothing the customer typed is ever dropped ----------
  function saveOutbox() {
    store(K_OUTBOX, outbox.length ? JSON.stringify(outbox.map(function (i) {
      return i.button ? { lid: i.lid, text: i.text, button: i.button } : { lid: i.lid, text: i.text };
    })) : null);
  }

  function sendFromInput() {
    var text = ui.input.value;
    if (!text.trim()) { showError('error_empty'); ui.input.focus(); return; }
    if (Array.from(text).length > MAX_CHARS) { showError('error_too_long'); return; }
    if (enqueue(text)) { ui.input.value = ''; autosize(); }
    ui.input.focus();
  }

  function enqueue(text, button) {
    text = String(text == null ? '' : text).trim();
    if (!text) { showError('error_empty'); return false; }
    if (Array.from(text).length > MAX_CHARS) { showError('error_too_long'); return false; }
    var item = { lid: Date.now().toString(36) + Math.random().toString(36).slice(2, 8), text: text };
    if (button) item.button = String(button);
    outbox.push(item); saveOutbox();
    addPending(item);
    if (errorKey && !errorRetry) clearError();
    flush();
    return item;
  }

  // Sends queued messages one at a time, in order.
  function flush() {
    if (flushing || !outbox.length) return;
    flushing = true;
    clearTimeout(retryTimer);
    var item = inflight = outbox[0];
    markPending(item, false);
    ensureSession().then(function () {
      var body = { text: item.text };
      if (item.button) body.button = item.button;
      return api('POST', sessionPath('/messages'), body);
    }).then(function (d) {
      done(item);
      renderMessages(d.messages); applyState(d.state, d.queue);
      if (errorKey) clearError();
      retryAttempt = 0;
      next();
    }, function (e) {
      if (item.echoed) { done(item); next(); return; } // the server got it; only the answer was lost
      if ((e.status === 401 || e.status === 404) && !item.renewed) {
        item.renewed = true; dropSession(); next(); return; // stale session: start a new one and resend
      }
      if (e.status >= 400 && e.status < 500) {
        // Rate limited: everything queued would fail too, so hand all of it back at once, in order.
        var back = e.status === 429 ? outbox.slice() : [item];
        back.forEach(releaseChoice);
        back.forEach(removePending);
        outbox.splice(0, back.length); saveOutbox();
        // Give the text back so the customer can edit it (button clicks are not re-typed).
        var texts = back.filter(function (i) { return !i.button; }).map(function (i) { return i.text; });
        if (ui.input.value) texts.push(ui.input.value);
        ui.input.value = texts.join('\n');
        autosize();
        showError(codeToKey(e.code));
        next(); return;
      }
      // Network failure or 5xx: keep the bubble and the outbox entry, retry later.
      outbox.forEach(function (i) { markPending(i, true); });
      showError('error_network', true);
      inflight = null; flushing = false;
      retryTimer = setTimeout(flush, backoff(retryAttempt++));
    });
    function done(it) { outbox.shift(); saveOutbox(); removePending(it); }
    function next() { inflight = null; flushing = false; flush(); }
  }

  function reconnectNow() {
    live.reconnectNow();
    if (outbox.length) { retryAttempt = 0; flush(); }
  }

  // ---------- start ----------
  function init() {
    lang = resolveLang();
    build();
    applyStrings();
    ui.langSel.hidden = true; // until the language names arrive
    outbox.forEach(addPending);
    if (load(K_OPEN) === 'true' || load(K_OPEN) === '1') open();

    fetch(API + '/widget/i18n.json').then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
      if (!d || !d.languages) return;
      i18n = d;
      lang = resolveLang();
      fillLangSelect();
      applyStrings();
    }).catch(function () { /* keep the built-in English strings */ });

    // Restore the conversation first so resent outbox messages land after the history.
    var restore = session
      ? api('GET', sessionPath('/messages')).then(function (d) {
          renderMessages(d.messages); applyState(d.state, d.queue);
        }, function (e) { if (e.status === 401 || e.status === 404) dropSession(); })
      : Promise.resolve();
    restore.then(function () { live.connect(); flush(); });

    window.addEventListener('online', function () { renderStatus(); reconnectNow(); });
    window.addEventListener('offline', renderStatus);
    document.addEventListener('visibilitychange', function () { if (!document.hidden) reconnectNow(); });
  }

  window.Komek = {
    open: function () { if (ui.root) open(); },
    close: function () { if (ui.root) close(); },
    send: function (text) { return ui.root ? !!enqueue(text) : false; },
    lang: function (code) { if (code && ui.root) setLang(primary(code), true); return lang; }
  };

  if (document.body) init(); else document.addEventListener('DOMContentLoaded', init);
})();
