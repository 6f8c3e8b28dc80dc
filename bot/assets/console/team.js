// The team (supervisors only): who is online and how many conversations each agent has, polled.

import { ui, el, txt, clear } from './dom.js';
import { t, label, primary } from './i18n.js';
import { api, hasToken } from './api.js';

const TEAM_POLL_MS = 30000;
let timer = null;

export function startTeam() {
  ui.teamSection.hidden = false;
  if (timer) return;
  loadTeam();
  timer = setInterval(loadTeam, TEAM_POLL_MS);
}

export function stopTeam() {
  clearInterval(timer);
  timer = null;
  ui.teamSection.hidden = true;
  clear(ui.team);
}

function loadTeam() {
  if (!hasToken()) return;
  api('GET', '/agents').then((d) => {
    if (!d || !Array.isArray(d.agents)) return;
    clear(ui.team);
    d.agents.forEach((a) => { if (a) ui.team.appendChild(member(a)); });
  }, (e) => { if (e.status === 403) stopTeam(); });
}

function member(a) {
  const li = el('li', 'team-item', { 'data-online': a.online ? 'true' : 'false' });
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
