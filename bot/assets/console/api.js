// The agent HTTP API (/api/v1/agent/...) and the agent's bearer token, kept for this tab only.

import { str } from './dom.js';
import { stored, store } from './storage.js';

const BASE = '/api/v1/agent';
const K_TOKEN = 'komek.agent';

let token = readToken();
let onExpired = () => {};

function readToken() {
  const raw = stored('sessionStorage', K_TOKEN);
  if (!raw) return null;
  // The token itself is stored; also accept {"token": …} in case an older page stored an object.
  if (raw.charAt(0) === '{') {
    try { const o = JSON.parse(raw); return (o && typeof o.token === 'string' && o.token) || null; } catch (e) { return null; }
  }
  return raw;
}

export function hasToken() { return !!token; }
export function saveToken(tk) { token = tk || null; store('sessionStorage', K_TOKEN, token); }

// `expired` runs when the server answers 401 to the token still in use.
export function whenExpired(expired) { onExpired = expired; }

// Resolves with the JSON body ({} for 204); rejects with {status, code}; status 0 = no answer.
export function api(method, path, body) {
  const headers = { Accept: 'application/json' }, sent = token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (sent) headers.Authorization = 'Bearer ' + sent;
  return fetch(BASE + path, {
    method: method, headers: headers, cache: 'no-store', credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body)
  }).catch(() => { throw { status: 0, code: 'network' }; }).then((res) => res.text().catch(() => '').then((raw) => {
    let data = null;
    try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
    if (res.ok) return data || {};
    if (res.status === 401 && sent && sent === token) onExpired();
    throw { status: res.status, code: data && data.error && data.error.code };
  }));
}

// A file the agent API makes (the Quality CSV), fetched with the token: resolves with the Blob;
// rejects like api() with {status, code}.
export function fetchBlob(path) {
  const sent = token, headers = {};
  if (sent) headers.Authorization = 'Bearer ' + sent;
  return fetch(BASE + path, { headers: headers, cache: 'no-store', credentials: 'same-origin' })
    .catch(() => { throw { status: 0, code: 'network' }; })
    .then((res) => {
      if (res.ok) return res.blob();
      if (res.status === 401 && sent && sent === token) onExpired();
      throw { status: res.status, code: null };
    });
}

// A file a customer sent (Telegram), fetched with the token so no link ever carries a credential.
export function fetchFile(fileId) {
  return fetch(BASE + '/files/telegram/' + enc(fileId), { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' })
    .then((res) => { if (!res.ok) throw res; return res.blob(); });
}

// The agent WebSocket's address, or null when signed out.
export function socketUrl() {
  if (!token) return null;
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + BASE + '/ws?token=' + encodeURIComponent(token);
}

export function enc(id) { return encodeURIComponent(str(id)); }
export function convPath(id, suffix) { return '/conversations/' + enc(id) + (suffix || ''); }

// The UI string that explains a failed call.
export function errKey(e) {
  if (!e) return 'error_generic';
  const byCode = {
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
