// "My conversations": the conversations this agent handles, with the last message and a mark for
// unseen customer messages.

import { ui, el, txt, clear, str, activateOnKey } from './dom.js';
import { t, label } from './i18n.js';
import { api } from './api.js';
import { ROLES, STATES, customerName, langBadge } from './labels.js';

let mine = [];
const nodes = new Map();      // conversation id -> <li>
const unread = new Set();     // conversation ids with unseen customer messages
let activeId = null;          // the conversation open in the main area
let seq = 0;                  // the newest request; older answers are dropped
let onOpen = null;

// `open(id)` runs when the agent picks a conversation.
export function initMine(open) { onOpen = open; }

export function findMine(id) { return mine.find((c) => str(c.conversation_id) === str(id)) || null; }

export function loadMine() {
  const mineSeq = ++seq;
  return api('GET', '/conversations').then((d) => {
    if (mineSeq !== seq || !d || !Array.isArray(d.conversations)) return;
    mine = d.conversations.filter((c) => c && c.conversation_id != null);
    renderMine();
  }, () => {});
}

export function resetMine() {
  seq++; // an answer for the old session is not wanted
  mine = [];
  nodes.clear();
  clear(ui.mine);
  unread.clear();
  renderMineMeta();
}

// A customer wrote in a conversation that is not open.
export function markUnread(cid) { unread.add(str(cid)); }

// A live message for one of my conversations: update its preview line without a round trip.
export function touchMine(cid, m) {
  const c = findMine(cid);
  if (!c) { loadMine(); return; }
  c.last_message = m;
  const li = nodes.get(str(cid));
  if (li) fillItem(li, c);
}

// A conversation changed state (a 'state' frame): show it at once, then ask the server which
// conversations are still mine.
export function stateChanged(cid, state) {
  if (!findMine(cid) && state !== 'with_agent') return;
  mine.forEach((c) => { if (str(c.conversation_id) === str(cid)) c.state = state; });
  renderMine();
  loadMine();
}

// This agent released or closed the conversation.
export function forget(cid) {
  unread.delete(str(cid));
  mine = mine.filter((c) => str(c.conversation_id) !== str(cid));
  renderMine();
  loadMine();
}

export function markActive(id) {
  activeId = id == null ? null : str(id);
  nodes.forEach((li, cid) => {
    const on = cid === activeId;
    li.classList.toggle('active', on);
    if (on) li.setAttribute('aria-current', 'true'); else li.removeAttribute('aria-current');
    if (on && unread.delete(cid)) {
      const c = findMine(cid);
      if (c) fillItem(li, c);
    }
  });
}

function renderMine() {
  const seen = new Set();
  mine.forEach((c, i) => {
    const id = str(c.conversation_id);
    seen.add(id);
    let li = nodes.get(id);
    if (!li) {
      li = el('li', 'conversation-item', { tabindex: '0', role: 'button' });
      li.addEventListener('click', () => onOpen(id));
      li.addEventListener('keydown', activateOnKey(() => onOpen(id)));
      nodes.set(id, li);
    }
    fillItem(li, c);
    if (ui.mine.children[i] !== li) ui.mine.insertBefore(li, ui.mine.children[i] || null);
  });
  nodes.forEach((li, id) => { if (!seen.has(id)) { li.remove(); nodes.delete(id); } });
  renderMineMeta();
}

function fillItem(li, c) {
  const id = str(c.conversation_id);
  const active = id === activeId;
  if (active) unread.delete(id);
  li.setAttribute('data-conversation-id', id);
  li.setAttribute('data-language', str(c.language));
  li.setAttribute('data-state', str(c.state));
  li.setAttribute('data-unread', unread.has(id) ? 'true' : 'false');
  li.classList.toggle('active', active);
  if (active) li.setAttribute('aria-current', 'true'); else li.removeAttribute('aria-current');
  clear(li);
  const top = el('div', 'ci-top');
  top.appendChild(langBadge(c.language));
  const name = customerName(c.customer);
  if (name) top.appendChild(txt('bdi', 'ci-name', name, { dir: 'auto' }));
  else top.appendChild(label('span', 'ci-name', 'customer_anonymous'));
  if (c.customer && c.customer.vip) top.appendChild(label('span', 'badge badge-vip', 'vip'));
  if (unread.has(id)) {
    top.appendChild(el('span', 'ci-unread', { 'data-i18n-title': 'unread', title: t('unread'), role: 'img', 'aria-label': t('unread') }));
  }
  li.appendChild(top);
  const last = c.last_message;
  if (last && last.text != null) {
    const row = el('div', 'ci-last');
    const role = ROLES.indexOf(last.role) >= 0 ? last.role : 'system';
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
