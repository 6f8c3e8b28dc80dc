// The team (supervisors only): who is online and how many conversations each agent has. Presence
// changes arrive as a live `presence` frame (an agent's console connected or disconnected), which
// refreshes the list at once; the poll only keeps the conversation counts fresh.

import { ui, el, txt, clear } from './dom.js';
import { t, label, primary } from './i18n.js';
import { api, hasToken } from './api.js';

const TEAM_POLL_MS = 30000;
const REFRESH_DELAY_MS = 150; // several agents arriving together cost one request
let timer = null, refreshTimer = null, seq = 0;

export function startTeam() {
  ui.teamSection.hidden = false;
  if (timer) return;
  loadTeam();
  timer = setInterval(loadTeam, TEAM_POLL_MS);
}

// Someone came online or went offline (or this console reconnected): show it now.
export function refreshTeam() {
  if (!timer || refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = null; if (timer) loadTeam(); }, REFRESH_DELAY_MS);
}

export function stopTeam() {
  clearInterval(timer);
  clearTimeout(refreshTimer);
  timer = null;
  refreshTimer = null;
  seq++;
  ui.teamSection.hidden = true;
  clear(ui.team);
}

function loadTeam() {
  if (!hasToken()) return;
  const mine = ++seq; // an older answer arriving late must not undo a newer one
  api('GET', '/agents').then((d) => {
    if (mine !== seq || !d || !Array.isArray(d.agents)) return;
    clear(ui.team);
    d.agents.forEach((a) => { if (a) ui.team.appendChild(member(a)); });
  }, (e) => { if (e.status === 403) stopTeam(); });
}

function member(a) {
  const li = el('li', 'team-item', { 'data-online': a.online ? 'true' : 'false', 'data-username': a.username });
  const presence = a.online ? 'online' : 'offline';
  const dot = el('span', 'team-dot', { role: 'img', 'data-i18n-label': presence });
  dot.setAttribute('aria-label', t(presence));
  dot.title = t(presence);
  li.appendChild(dot);
  li.appendChild(txt('bdi', 'team-name', a.username, { dir: 'auto' }));
  if (a.role === 'supervisor') li.appendChild(label('span', 'team-role', 'role_supervisor'));
  if (Array.isArray(a.languages)) li.appendChild(txt('span', 'team-langs', a.languages.map((c) => primary(c).toUpperCase()).join(' ')));
  const active = Number(a.active_conversations);
  const n = txt('span', 'team-active', isFinite(active) ? String(active) : '0', { 'data-i18n-title': 'active_conversations' });
  n.title = t('active_conversations');
  li.appendChild(n);
  return li;
}
