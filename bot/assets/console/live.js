// The agent's WebSocket (/api/v1/agent/ws): live queue, messages, notes, states and typing, with
// the connection state in the top bar. The reconnecting socket itself is shared with the widget.

import { liveSocket } from '../shared/socket.js';
import { ui } from './dom.js';
import { t, onLanguageChange } from './i18n.js';
import { api, socketUrl } from './api.js';
import { setAgent } from './session.js';

let socket = null;

// handlers: onOpen() after every (re)connect, onFrame(frame) for each frame. Runs before the first
// applyStrings(), which renders the connection state.
export function initLive(handlers) {
  socket = liveSocket({
    url: socketUrl,
    onStatus: renderConn,
    onOpen: handlers.onOpen,
    onFrame: handlers.onFrame,
    onRefused: () => api('GET', '/me').then((d) => { if (d && d.agent) setAgent(d.agent); })
  });
  window.addEventListener('online', reconnectNow);
}

export function connect() { socket.connect(); }
export function disconnect() { socket.stop(); }
export function reconnectNow() { socket.reconnectNow(); }
export function sendFrame(frame) { return socket.send(frame); }

function renderConn() {
  const status = socket.status(); // open | reconnecting | connecting
  ui.console.setAttribute('data-connected', status === 'open' ? 'true' : 'false');
  ui.conn.setAttribute('data-state', status === 'open' ? 'online' : status);
  ui.connText.textContent = t(status === 'open' ? 'connected' : status);
  ui.conn.title = t(status === 'open' ? 'connected' : status);
}

onLanguageChange(renderConn);
