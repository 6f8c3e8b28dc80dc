// The queue: customers waiting for an agent, in the server's order, with waiting times that tick up
// every second. Live from the WebSocket ('queue' frames), fetched over HTTP after (re)connecting.

import { ui, el, txt, clear, str, activateOnKey } from './dom.js';
import { t, fill, label, onLanguageChange } from './i18n.js';
import { api, hasToken } from './api.js';
import { fmtWait } from './format.js';
import { customerName, langBadge, reasonLabel, factName, channelLabel, topicLabel } from './labels.js';

let queue = [];               // handoffs, in the server's order
const waitingSince = new Map(); // handoff id -> Date.now() when it had waited 0 s
const nodes = new Map();      // handoff id -> <li>
let selectedId = null;        // the handoff shown in the preview
let seq = 0;                  // the newest request or frame; older answers are dropped
let tickTimer = null;
let hooks = null;

// hooks: onSelect(id) when the agent picks a handoff, onChange() after the queue changed,
// onTick() every second.
export function initQueue(queueHooks) { hooks = queueHooks; }

export function findHandoff(id) { return queue.find((h) => str(h.id) === str(id)) || null; }
export function waitedSince(id) { return waitingSince.get(str(id)); }

export function loadQueue() {
  const mine = ++seq;
  return api('GET', '/queue').then((d) => {
    if (mine === seq && d && Array.isArray(d.handoffs)) setQueue(d.handoffs);
  }, () => { /* the WebSocket also delivers the queue */ });
}

export function setQueue(list) {
  seq++; // a frame is newer than any GET still in flight
  const now = Date.now();
  queue = list.filter((h) => h && h.id != null);
  const ids = new Set();
  queue.forEach((h) => {
    const id = str(h.id);
    ids.add(id);
    const w = Number(h.waiting_seconds);
    waitingSince.set(id, now - (isFinite(w) && w > 0 ? w * 1000 : 0));
  });
  waitingSince.forEach((_, id) => { if (!ids.has(id)) waitingSince.delete(id); });
  renderQueue();
  hooks.onChange();
}

// The handoff was claimed here: it leaves the list without waiting for the next frame.
export function removeHandoff(id) {
  queue = queue.filter((h) => str(h.id) !== str(id));
  waitingSince.delete(str(id));
  renderQueue();
}

export function resetQueue() {
  seq++; // an answer for the old session is not wanted
  clearInterval(tickTimer);
  tickTimer = null;
  queue = [];
  waitingSince.clear();
  nodes.clear();
  clear(ui.queue);
  renderQueueMeta();
}

export function markSelected(id) {
  selectedId = id == null ? null : str(id);
  nodes.forEach((li, hid) => {
    li.classList.toggle('selected', hid === selectedId);
    li.setAttribute('aria-pressed', hid === selectedId ? 'true' : 'false');
  });
}

export function startTick() { if (!tickTimer) tickTimer = setInterval(tick, 1000); }

function renderQueue() {
  const seen = new Set();
  queue.forEach((h, i) => {
    const id = str(h.id);
    seen.add(id);
    let li = nodes.get(id);
    if (!li) {
      li = el('li', 'queue-item', { tabindex: '0', role: 'button' });
      li.addEventListener('click', () => hooks.onSelect(id));
      li.addEventListener('keydown', activateOnKey(() => hooks.onSelect(id)));
      nodes.set(id, li);
    }
    fillItem(li, h);
    if (ui.queue.children[i] !== li) ui.queue.insertBefore(li, ui.queue.children[i] || null);
  });
  nodes.forEach((li, id) => { if (!seen.has(id)) { li.remove(); nodes.delete(id); } });
  renderQueueMeta();
  tick();
}

function fillItem(li, h) {
  const b = h.brief || {};
  li.setAttribute('data-handoff-id', str(h.id));
  li.setAttribute('data-conversation-id', str(h.conversation_id));
  li.setAttribute('data-language', str(h.language || b.language));
  li.setAttribute('data-matches', h.matches_my_languages ? 'true' : 'false');
  const p = Number(h.priority);
  li.setAttribute('data-priority-level', p >= 80 ? 'high' : p >= 50 ? 'medium' : 'low');
  li.classList.toggle('matches', !!h.matches_my_languages);
  const selected = str(h.id) === selectedId;
  li.classList.toggle('selected', selected);
  li.setAttribute('aria-pressed', selected ? 'true' : 'false');
  clear(li);

  const top = el('div', 'qi-top');
  top.appendChild(langBadge(h.language || b.language));
  top.appendChild(reasonLabel('span', 'qi-reason', h.reason || b.reason));
  const wait = el('span', 'qi-wait', { 'data-i18n-title': 'waiting' });
  wait.title = t('waiting');
  top.appendChild(wait);
  li.appendChild(top);

  const name = customerName(b.customer);
  if (name || (b.customer && b.customer.vip)) {
    const who = el('div', 'qi-customer');
    if (name) who.appendChild(txt('bdi', 'qi-name', name, { dir: 'auto' }));
    if (b.customer && b.customer.vip) who.appendChild(label('span', 'badge badge-vip', 'vip'));
    li.appendChild(who);
  }

  // What the customer wants, in the console's language.
  const topics = Array.isArray(b.intents) ? b.intents : [];
  if (topics.length) {
    const sum = el('div', 'qi-summary');
    topics.forEach((i, n) => {
      if (n) sum.appendChild(document.createTextNode(', '));
      sum.appendChild(topicLabel('span', 'qi-topic', i));
    });
    li.appendChild(sum);
  }

  const facts = b.facts && typeof b.facts === 'object' ? Object.keys(b.facts) : [];
  if (facts.length) {
    const fl = el('div', 'qi-facts');
    facts.forEach((k) => {
      if (b.facts[k] == null || b.facts[k] === '') return;
      const f = el('span', 'qi-fact', { 'data-name': k });
      f.appendChild(factName('span', 'qi-fact-name', k));
      f.appendChild(txt('bdi', 'qi-fact-value', str(b.facts[k]), { dir: 'auto' }));
      fl.appendChild(f);
    });
    li.appendChild(fl);
  }

  const meta = el('div', 'qi-meta');
  const pr = el('span', 'qi-priority');
  pr.appendChild(label('span', 'qi-meta-label', 'priority'));
  pr.appendChild(txt('b', null, isFinite(p) ? String(p) : '—'));
  meta.appendChild(pr);
  meta.appendChild(channelLabel('span', 'qi-channel', h.channel));
  if (h.matches_my_languages) meta.appendChild(label('span', 'qi-match', 'matches_languages'));
  li.appendChild(meta);
  li.appendChild(whyHere(h));
}

// Why the card stands where it does: its priority and how long it has waited against the
// service-level target (the queue is sorted by the two combined), and whether it was offered here.
function whyHere(h) {
  const s = h.standing && typeof h.standing === 'object' ? h.standing : null;
  const why = el('div', 'qi-why');
  if (!s) return why;
  why.setAttribute('data-urgency', str(s.urgency));
  why.appendChild(label('span', 'qi-meta-label', 'why_here'));
  why.appendChild(document.createTextNode(' '));
  why.appendChild(txt('span', 'qi-why-text', fill('why_here_text', {
    priority: s.priority, waited: fmtWait(Number(s.waiting_seconds) || 0), target: fmtWait(Number(s.target_seconds) || 0)
  })));
  if (h.offered_to_me) why.appendChild(label('span', 'qi-offered', 'why_offered'));
  return why;
}

function renderQueueMeta() {
  ui.queueCount.textContent = String(queue.length);
  ui.queueEmpty.hidden = queue.length > 0;
  renderTitle();
}

// The tab's title counts the waiting customers while signed in.
function renderTitle() {
  const n = hasToken() && queue.length ? '(' + queue.length + ') ' : '';
  document.title = n + t('app_title') + ' · Komek';
}

// Waiting times tick up every second from waiting_seconds + time since the frame arrived.
function tick() {
  const now = Date.now();
  nodes.forEach((li, id) => {
    const w = li.querySelector('.qi-wait'), t0 = waitingSince.get(id);
    if (!w || t0 == null) return;
    const sec = (now - t0) / 1000;
    w.textContent = fmtWait(sec);
    li.setAttribute('data-wait-level', sec >= 600 ? 'long' : sec >= 180 ? 'medium' : 'short');
  });
  hooks.onTick();
}

onLanguageChange(renderTitle);
onLanguageChange(() => { if (queue.length) renderQueue(); });
