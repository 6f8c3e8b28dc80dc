// The open conversation: loading it, its header and state, the reply box with suggested replies,
// internal notes, and handing back to the bot or closing. Agents reply only while they handle it
// (state with_agent); the transcript and the brief have their own modules.

import { ui, el, txt, clear, str, isEnter } from './dom.js';
import { t, label, setKey, primary, languageName, onLanguageChange } from './i18n.js';
import { api, convPath, errKey } from './api.js';
import { STATES, customerName, factName, channelLabel } from './labels.js';
import { view, isOpen, renderMode, updateControls, leavePanels, panelOpen } from './view.js';
import { addItem, resetTranscript, showLoading, hideLoading, scrollToEnd, hideTyping } from './transcript.js';
import { renderBrief, resetBrief } from './brief.js';
import { setNotice } from './notice.js';
import { currentAgent } from './session.js';
import { sendFrame } from './live.js';
import { markSelected } from './queue.js';
import { findMine, markActive, touchMine, forget } from './my-conversations.js';
import { confirmDialog } from './dialog.js';

const MAX_CHARS = 4000;
const TYPING_SEND_MS = 3000;  // at most one agent typing frame per this interval

let composeErrorKey = null;
let lastTypingSent = 0;

export function initConversation() {
  ui.release.addEventListener('click', () => finish('release'));
  ui.close.addEventListener('click', () => finish('close'));
  ui.send.addEventListener('click', sendReply);
  ui.reply.addEventListener('keydown', (e) => {
    if (isEnter(e) && !e.shiftKey) { e.preventDefault(); sendReply(); } // Shift+Enter starts a new line
  });
  ui.reply.addEventListener('input', () => {
    autosize(); renderCount();
    if (composeErrorKey === 'error_empty') setComposeError(null);
    if (ui.reply.value) sendTyping();
  });
  ui.addNote.addEventListener('click', addNote);
  ui.note.addEventListener('keydown', (e) => { if (isEnter(e)) { e.preventDefault(); addNote(); } });
}

// The agent picked one of their conversations in the sidebar.
export function openConversation(id) {
  if (isOpen(id)) {
    if (panelOpen()) { leavePanels(); renderMode(); }
    ui.reply.focus({ preventScroll: true });
    return;
  }
  const c = findMine(id);
  showConversation(id, { state: c && c.state, customer: c && c.customer, language: c && c.language, loading: true });
  loadConversation(id, true);
}

// Switches the main area to a conversation and renders what is already known about it.
export function showConversation(id, d) {
  leavePanels();
  view.seq++;
  view.selected = null;
  view.mode = 'conversation';
  view.open = { id: str(id), state: null, brief: null, language: d.language || null, customer: d.customer || null };
  setNotice(null);
  setComposeError(null);
  hideTyping();
  resetTranscript();
  resetBrief();
  ui.reply.value = ''; autosize(); renderCount();
  ui.note.value = '';
  renderMode();
  if (d.loading) showLoading();
  applyConversation(d);
  markSelection();
  if (!d.loading) ui.reply.focus({ preventScroll: true });
}

export function loadConversation(id, focus) {
  const seq = view.seq;
  api('GET', convPath(id)).then((d) => {
    if (seq !== view.seq || !isOpen(id)) return;
    applyConversation(d || {});
    if (focus && !ui.reply.disabled) ui.reply.focus({ preventScroll: true });
  }, (e) => {
    if (seq !== view.seq || e.status === 401) return;
    hideLoading();
    setNotice(errKey(e), 'error');
  });
}

function applyConversation(d) {
  const open = view.open;
  if (!open) return;
  if (!d.loading) hideLoading();
  if (d.brief && typeof d.brief === 'object') open.brief = d.brief;
  const b = open.brief || {};
  if (b.customer) open.customer = b.customer;
  if (b.language) open.language = b.language;
  if (d.language) open.language = d.language;
  if (d.customer) open.customer = open.customer || d.customer;
  if (Array.isArray(d.messages)) d.messages.forEach((m) => addItem('m', m));
  if (Array.isArray(d.notes)) d.notes.forEach((n) => addItem('n', n));
  if (STATES.indexOf(d.state) >= 0) open.state = d.state;
  renderHeader(open.customer, open.language, open.state);
  clear(ui.convExtra);
  renderBrief(open.brief);
  renderSuggestions();
  updateControls();
  if (Array.isArray(d.messages) && d.messages.length) scrollToEnd();
}

export function closeView() {
  view.seq++;
  view.open = null;
  view.selected = null;
  view.mode = 'empty';
  hideTyping();
  resetTranscript();
  setComposeError(null);
  renderMode();
  markSelection();
}

// Marks the previewed handoff and the open conversation in the sidebar lists.
export function markSelection() {
  markSelected(view.mode === 'preview' && view.selected ? view.selected.id : null);
  markActive(view.mode === 'conversation' && view.open ? view.open.id : null);
}

export function setState(s) {
  if (!view.open || STATES.indexOf(s) < 0) return;
  view.open.state = s;
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

// The customer's name and contacts, the conversation's language and state (also for a preview).
export function renderHeader(customer, language, state) {
  const c = customer || {};
  const name = customerName(c);
  clear(ui.customerName);
  // <bdi>: a right-to-left (or hostile bidi) name stays isolated and does not flip the header.
  if (name) ui.customerName.appendChild(txt('bdi', 'customer-name-text', name, { dir: 'auto' }));
  else ui.customerName.appendChild(label('span', 'customer-name-text', 'customer_anonymous'));
  clear(ui.customerContacts);
  if (c.vip) ui.customerContacts.appendChild(label('span', 'badge badge-vip', 'vip'));
  if (c.phone) ui.customerContacts.appendChild(contact('phone', c.phone));
  if (c.email) ui.customerContacts.appendChild(contact('email', c.email));
  if (Array.isArray(c.channels)) c.channels.forEach((ch) => ui.customerContacts.appendChild(channelLabel('span', 'contact contact-channel', ch)));
  const code = primary(language);
  ui.convLang.textContent = code ? code.toUpperCase() : '';
  ui.convLang.hidden = !code;
  ui.convLang.title = t('language') + (languageName(code) ? ': ' + languageName(code) : '');
  renderStateBadge(state);
}

function contact(kind, value) {
  const s = el('span', 'contact contact-' + kind);
  s.appendChild(factName('span', 'contact-label', kind));
  s.appendChild(txt('bdi', 'contact-value', str(value), { dir: 'auto' }));
  return s;
}

// ---------- composing ----------

function renderSuggestions() {
  const open = view.open;
  const list = open && open.brief && Array.isArray(open.brief.suggested_replies) ? open.brief.suggested_replies : [];
  const active = view.mode === 'conversation' && open && open.state === 'with_agent';
  renderSuggestionList(active ? list : [], open && open.language, useSuggestion);
}

// The suggested replies, each readable in full; a click hands its text to `pick`.
export function renderSuggestionList(list, language, pick) {
  clear(ui.suggestions);
  const agent = currentAgent();
  const shown = [];
  list.forEach((s) => {
    // Replies may name the agent; fill it in if the server left the placeholder.
    const text = str(s).split('{agent}').join(agent && agent.username ? str(agent.username) : '');
    if (text.trim() && shown.indexOf(text) < 0) shown.push(text);
  });
  if (shown.length) {
    ui.suggestions.appendChild(label('span', 'suggestions-label', 'suggestions'));
    shown.forEach((text) => {
      const b = txt('button', 'suggestion', text, { type: 'button', dir: 'auto' });
      if (language) b.setAttribute('lang', primary(language));
      b.addEventListener('click', () => pick(text));
      ui.suggestions.appendChild(b);
    });
  }
  ui.suggestions.hidden = !shown.length;
}

// The brief changed while the agent chats (the customer wrote): fresh suggestions.
export function briefChanged(cid, brief) {
  if (!isOpen(cid) || !brief || typeof brief !== 'object') return;
  view.open.brief = brief;
  renderBrief(brief);
  renderSuggestions();
}

export function useSuggestion(text) {
  if (ui.reply.disabled) return;
  ui.reply.value = text.slice(0, MAX_CHARS);
  autosize(); renderCount();
  ui.reply.focus();
  try { ui.reply.setSelectionRange(ui.reply.value.length, ui.reply.value.length); } catch (e) { /* ignore */ }
}

function autosize() {
  ui.reply.style.height = 'auto';
  ui.reply.style.height = Math.min(ui.reply.scrollHeight + 2, 200) + 'px';
}

function renderCount() {
  const n = Array.from(ui.reply.value).length;
  ui.replyCount.textContent = n > MAX_CHARS - 500 ? n + ' / ' + MAX_CHARS : '';
  ui.replyCount.setAttribute('data-over', n > MAX_CHARS ? 'true' : 'false');
}

export function setComposeError(key) { composeErrorKey = key; renderComposeError(); }
function renderComposeError() {
  ui.composeError.textContent = composeErrorKey ? t(composeErrorKey) : '';
  ui.composeError.hidden = !composeErrorKey;
}
onLanguageChange(renderComposeError);

// The text of `input`, or null after showing why it cannot be sent.
function checkedText(input) {
  const text = input.value.trim();
  if (!text) { setComposeError('error_empty'); input.focus(); return null; }
  if (Array.from(text).length > MAX_CHARS) { setComposeError('error_too_long'); return null; }
  return text;
}

function sendReply() {
  if (view.mode !== 'conversation' || !view.open || view.sending || ui.reply.disabled) return;
  const raw = ui.reply.value, text = checkedText(ui.reply);
  if (text == null) return;
  const conv = view.open;
  view.sending = true;
  setComposeError(null);
  ui.reply.value = ''; autosize(); renderCount();
  updateControls();
  api('POST', convPath(conv.id, '/messages'), { text: text }).then((d) => {
    view.sending = false;
    if (conv === view.open && d && d.message) addItem('m', d.message);
    if (d && d.message) touchMine(conv.id, d.message);
    updateControls();
    if (conv === view.open) ui.reply.focus({ preventScroll: true });
  }, (e) => {
    view.sending = false;
    if (e.status === 401) return;
    // Nothing the agent typed is lost: the text goes back into the box.
    if (conv === view.open) {
      ui.reply.value = ui.reply.value ? raw + '\n' + ui.reply.value : raw;
      autosize(); renderCount();
      // 403/409: the conversation is no longer this agent's (released, closed, taken over).
      const gone = e.status === 403 || e.status === 409;
      setComposeError(gone ? 'read_only' : errKey(e));
      if (gone) loadConversation(conv.id, false);
    }
    updateControls();
  });
}

function addNote() {
  if (view.mode !== 'conversation' || !view.open || view.noting) return;
  const raw = ui.note.value, text = checkedText(ui.note);
  if (text == null) return;
  const conv = view.open;
  view.noting = true;
  setComposeError(null);
  ui.note.value = '';
  updateControls();
  api('POST', convPath(conv.id, '/notes'), { text: text }).then((d) => {
    view.noting = false;
    if (conv === view.open && d && d.note) addItem('n', d.note);
    updateControls();
    if (conv === view.open) ui.note.focus({ preventScroll: true });
  }, (e) => {
    view.noting = false;
    if (e.status === 401) return;
    if (conv === view.open) {
      ui.note.value = ui.note.value ? raw + ' ' + ui.note.value : raw;
      setComposeError(errKey(e));
    }
    updateControls();
  });
}

const CLOSE_DIALOG = { title: 'dialog_close_title', body: 'confirm_close', confirm: 'close', cancel: 'dialog_cancel' };

function canFinish(conv) {
  return view.mode === 'conversation' && !!conv && conv === view.open && !view.acting && conv.state === 'with_agent';
}

// Hands the conversation back to the bot ('release') or ends it ('close', after asking in a dialog;
// the conversation may have changed while the dialog was open).
function finish(action) {
  const conv = view.open;
  if (!canFinish(conv)) return;
  if (action !== 'close') { act(conv, action); return; }
  confirmDialog(CLOSE_DIALOG, true).then((yes) => { if (yes && canFinish(conv)) act(conv, action); });
}

function act(conv, action) {
  view.acting = true;
  updateControls();
  api('POST', convPath(conv.id, '/' + action)).then((d) => {
    view.acting = false;
    if (conv === view.open) setState((d && d.state) || (action === 'close' ? 'closed' : 'bot'));
    forget(conv.id);
    updateControls();
  }, (e) => {
    view.acting = false;
    updateControls();
    if (e.status === 401) return;
    setNotice(errKey(e), 'error');
    if (conv === view.open) loadConversation(conv.id, false);
  });
}

// Tells the customer the agent is typing, at most once per TYPING_SEND_MS.
function sendTyping() {
  const open = view.open;
  if (!open || open.state !== 'with_agent') return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_SEND_MS) return;
  if (sendFrame({ type: 'typing', conversation_id: open.id })) lastTypingSent = now;
}
