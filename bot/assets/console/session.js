// Who is signed in: the login form, the agent's name and role in the top bar, sign-out and the
// token's expiry. What starts and stops with a session is wired by main.js (initSession hooks).

import { ui, str } from './dom.js';
import { t, setKey, primary, onLanguageChange } from './i18n.js';
import { api, errKey, hasToken, saveToken, whenExpired } from './api.js';
import { time } from './format.js';

let agent = null;             // {id, username, role, languages}
let loginErrorKey = null;
let expiryTimer = null;
let hooks = null;

export function currentAgent() { return agent; }
export function isSupervisor() { return !!(agent && agent.role === 'supervisor'); }

// hooks: signedIn() once the console is shown, signedOut() when the session ends, agentChanged()
// whenever the agent's details arrive.
export function initSession(sessionHooks) {
  hooks = sessionHooks;
  whenExpired(expire);
  ui.loginForm.addEventListener('submit', login);
  ui.logout.addEventListener('click', logout);
}

// Shows the login form, or checks a token from this tab's earlier page load and learns who we are.
export function startSession() {
  if (!hasToken()) { showLogin(null); return; }
  ui.loginView.hidden = true;
  api('GET', '/me').then((d) => {
    enter((d && d.agent) || null);
  }, (e) => {
    if (e.status === 401) return; // expire() already showed the login form
    if (e.status === 0 || e.status >= 500) enter(null); // server unreachable: the socket keeps retrying
    else signOut('session_expired');
  });
}

export function setAgent(a) {
  agent = a && typeof a === 'object' ? a : agent;
  ui.console.setAttribute('data-agent', agent && agent.username ? str(agent.username) : '');
  renderMe();
  hooks.agentChanged();
}

function enter(a) {
  setAgent(a);
  ui.loginView.hidden = true;
  ui.console.hidden = false;
  ui.sessionBar.hidden = false;
  setLoginError(null);
  hooks.signedIn();
}

function showLogin(messageKey) {
  ui.console.hidden = true;
  ui.sessionBar.hidden = true;
  ui.loginView.hidden = false;
  setLoginError(messageKey || null);
  ui.loginSubmit.disabled = false;
  setKey(ui.loginSubmit, 'login');
  setTimeout(() => (ui.username.value ? ui.password : ui.username).focus(), 0);
}

// The token is gone (logout, 401, expiry): forget everything that belonged to this agent.
function signOut(messageKey) {
  saveToken(null);
  agent = null;
  clearTimeout(expiryTimer);
  hooks.signedOut();
  ui.console.setAttribute('data-agent', '');
  ui.password.value = '';
  showLogin(messageKey);
}
function expire() { if (hasToken()) signOut('session_expired'); }

function scheduleExpiry(expiresAt) {
  clearTimeout(expiryTimer);
  const at = time(expiresAt);
  if (!at) return;
  // Timers cap at ~24.8 days; the server stays the judge: ask it once the token should be stale.
  const delay = Math.min(Math.max(at - Date.now() + 1000, 1000), 2147000000);
  expiryTimer = setTimeout(() => { if (hasToken()) api('GET', '/me').catch(() => {}); }, delay);
}

function login(e) {
  e.preventDefault();
  const username = ui.username.value.trim(), password = ui.password.value;
  if (!username || !password) { setLoginError('error_credentials_required'); return; }
  ui.loginSubmit.disabled = true;
  setKey(ui.loginSubmit, 'signing_in');
  setLoginError(null);
  api('POST', '/login', { username: username, password: password }).then((d) => {
    ui.loginSubmit.disabled = false;
    setKey(ui.loginSubmit, 'login');
    if (!d || !d.token) { setLoginError('error_generic'); return; }
    saveToken(d.token);
    ui.password.value = '';
    scheduleExpiry(d.expires_at);
    enter(d.agent || { username: username });
  }, (err) => {
    ui.loginSubmit.disabled = false;
    setKey(ui.loginSubmit, 'login');
    setLoginError(err.status === 401 || err.code === 'invalid_credentials' ? 'error_invalid_credentials' : errKey(err));
    ui.password.focus();
    ui.password.select();
  });
}

function logout() {
  if (!hasToken()) return;
  api('POST', '/logout').catch(() => { /* the token is dropped locally anyway */ });
  signOut('logged_out');
}

function setLoginError(key) { loginErrorKey = key; renderLoginError(); }
function renderLoginError() {
  ui.loginError.textContent = loginErrorKey ? t(loginErrorKey) : '';
  ui.loginError.hidden = !loginErrorKey;
  ui.loginError.setAttribute('data-kind', loginErrorKey === 'logged_out' ? 'info' : 'error');
}

function renderMe() {
  ui.meName.textContent = agent ? str(agent.username) : '';
  ui.meRole.textContent = agent ? t(agent.role === 'supervisor' ? 'role_supervisor' : 'role_agent') : '';
  ui.meRole.title = agent && Array.isArray(agent.languages) ? agent.languages.map((c) => primary(c).toUpperCase()).join(' · ') : '';
}

onLanguageChange(renderLoginError);
onLanguageChange(renderMe);
