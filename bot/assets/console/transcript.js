// The open conversation's transcript: messages in id order with internal notes among them by time,
// attachments, and the "customer is typing" line; and the same drawing read-only for the Quality view.

import { ui, el, txt, clear, str } from './dom.js';
import { label, primary } from './i18n.js';
import { fetchFile } from './api.js';
import { time, fmtTime, fmtDateTime } from './format.js';
import { ROLES } from './labels.js';
import { view } from './view.js';

const TYPING_SHOW_MS = 5000;  // how long "customer is typing" stays without a new frame

let items = [];               // {kind: 'm' | 'n', id, at, node}, in the order shown
const keys = new Set();       // kind:id of every item shown
let typingTimer = null;

export function resetTranscript() {
  items = [];
  keys.clear();
  clear(ui.transcript);
}

export function showLoading() { ui.transcript.appendChild(label('div', 'transcript-loading', 'loading', { role: 'status' })); }
export function hideLoading() { ui.transcript.querySelectorAll('.transcript-loading').forEach((n) => n.remove()); }

function nearBottom() { const m = ui.transcript; return m.scrollHeight - m.scrollTop - m.clientHeight < 80; }
export function scrollToEnd() { ui.transcript.scrollTop = ui.transcript.scrollHeight; }

// Ids are compared numerically when they are numbers ("m_9" < "m_10" as well).
const collator = window.Intl && Intl.Collator ? new Intl.Collator('en', { numeric: true }) : null;
function idCmp(a, b) {
  const na = Number(a), nb = Number(b);
  if (a !== '' && b !== '' && isFinite(na) && isFinite(nb)) return na - nb;
  return collator ? collator.compare(str(a), str(b)) : (str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0);
}

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

// Adds a message ('m') or a note ('n') of the open (or previewed) conversation once, in its place.
export function addItem(kind, obj) {
  if (!(view.open || view.mode === 'preview') || !obj || obj.id == null || obj.id === '') return;
  const key = kind + ':' + str(obj.id);
  if (keys.has(key)) return;
  const item = { kind: kind, id: obj.id, at: time(obj.created_at), node: kind === 'n' ? noteNode(obj) : messageNode(obj) };
  let i = items.length;
  while (i > 0 && before(item, items[i - 1])) i--;
  const stick = nearBottom() || (kind === 'm' && obj.role === 'agent') || kind === 'n';
  ui.transcript.insertBefore(item.node, i < items.length ? items[i].node : null);
  items.splice(i, 0, item);
  keys.add(key);
  if (stick) scrollToEnd();
}

// A read-only transcript (the Quality view): the same messages and notes drawn the same way and in
// the same order, into `container`. Returns the items shown ({kind, id, at, node}), in order.
export function renderTranscript(container, messages, notes) {
  clear(container);
  const shown = [], seen = new Set();
  const add = (kind, obj) => {
    if (!obj || obj.id == null || obj.id === '' || seen.has(kind + ':' + str(obj.id))) return;
    seen.add(kind + ':' + str(obj.id));
    const item = { kind: kind, id: obj.id, at: time(obj.created_at), node: kind === 'n' ? noteNode(obj) : messageNode(obj) };
    let i = shown.length;
    while (i > 0 && before(item, shown[i - 1])) i--;
    shown.splice(i, 0, item);
  };
  (Array.isArray(messages) ? messages : []).forEach((m) => add('m', m));
  (Array.isArray(notes) ? notes : []).forEach((n) => add('n', n));
  shown.forEach((item) => container.appendChild(item.node));
  return shown;
}

function head(whoKey, author, createdAt) {
  const h = el('div', 'msg-head');
  h.appendChild(label('span', 'msg-who', whoKey));
  if (author) h.appendChild(txt('bdi', 'msg-author', str(author), { dir: 'auto' }));
  const tm = fmtTime(createdAt);
  if (tm) h.appendChild(txt('time', 'msg-time', tm, { datetime: str(createdAt), title: fmtDateTime(createdAt) }));
  return h;
}

function messageNode(m) {
  const role = ROLES.indexOf(m.role) >= 0 ? m.role : 'system';
  const wrap = el('div', 'msg msg-' + role, { 'data-id': str(m.id), 'data-role': role });
  wrap.appendChild(head('role_' + role, role === 'agent' ? m.author : null, m.created_at));
  const survey = m.kind === 'survey' ? surveyScore(m.button) : null;
  if (survey) wrap.setAttribute('data-survey', survey.question);
  const body = survey ? surveyNode(survey) : txt('div', 'msg-text', str(m.text), { dir: 'auto' });
  const ml = primary(m.lang);
  if (/^[a-z]{2,3}$/.test(ml)) body.setAttribute('lang', ml);
  wrap.appendChild(body);
  if (m.attachment) wrap.appendChild(attachmentNode(m.attachment));
  return wrap;
}

// `ces_6` → the question, the score and its scale.
function surveyScore(button) {
  const m = /^(ces|csat)_(\d+)$/.exec(str(button));
  return m ? { question: m[1], score: Number(m[2]), scale: m[1] === 'ces' ? 7 : 5 } : null;
}

// A survey answer as the agent reads it: "Customer effort (CES): 6 / 7".
function surveyNode(s) {
  const body = el('div', 'msg-text msg-survey');
  body.appendChild(label('span', 'survey-question', 'reports_' + s.question));
  body.appendChild(txt('b', 'survey-score', ': ' + s.score + ' / ' + s.scale));
  return body;
}

// A customer's photo or document (Telegram): fetched with the agent's token and opened from a
// blob, so no file link ever carries a credential.
function attachmentNode(a) {
  const name = str(a.file_name || a.kind);
  if (!a.file_id) return txt('div', 'msg-attachment', '📎 ' + name, { dir: 'auto' });
  const b = txt('button', 'msg-attachment', '📎 ' + name, { type: 'button', dir: 'auto', 'data-kind': str(a.kind) });
  b.addEventListener('click', () => {
    fetchFile(a.file_id)
      .then((blob) => { window.open(URL.createObjectURL(blob), '_blank', 'noopener'); })
      .catch(() => { b.disabled = true; });
  });
  return b;
}

function noteNode(n) {
  const wrap = el('div', 'msg msg-note', { 'data-id': str(n.id), 'data-role': 'note' });
  wrap.appendChild(head('note_label', n.author, n.created_at));
  wrap.appendChild(txt('div', 'msg-text', str(n.text), { dir: 'auto' }));
  return wrap;
}

// Only while an agent handles the conversation (the customer's typing means nothing otherwise).
export function showTyping() {
  if (!view.open || view.open.state !== 'with_agent') return;
  ui.typing.hidden = false;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, TYPING_SHOW_MS);
}

export function hideTyping() { clearTimeout(typingTimer); ui.typing.hidden = true; }
