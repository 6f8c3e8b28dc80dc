// A handoff from the queue in the main area before anyone takes it: its brief, how long the customer
// has waited, and Claim (one agent wins; the others are told).

import { ui, el, txt, clear } from './dom.js';
import { label } from './i18n.js';
import { api, enc, convPath, errKey } from './api.js';
import { fmtWait } from './format.js';
import { channelLabel } from './labels.js';
import { view, renderMode, updateControls, leavePanels } from './view.js';
import { findHandoff, removeHandoff, waitedSince, loadQueue } from './queue.js';
import { loadMine } from './my-conversations.js';
import { showConversation, loadConversation, closeView, renderHeader, markSelection, setComposeError, renderSuggestionList, useSuggestion } from './conversation.js';
import { resetTranscript, hideTyping, addItem, showLoading, hideLoading, scrollToEnd } from './transcript.js';
import { renderBrief, resetBrief } from './brief.js';
import { setNotice } from './notice.js';

let gone = false;             // the previewed handoff left the queue (and the agent was told)

export function initPreview() { ui.claim.addEventListener('click', () => claim()); }

// The agent picked a handoff in the queue.
export function selectHandoff(id) {
  const h = findHandoff(id);
  if (!h) return;
  leavePanels();
  view.seq++;
  view.open = null;
  view.selected = h;
  view.mode = 'preview';
  gone = false;
  setNotice(null);
  setComposeError(null);
  hideTyping();
  resetBrief();
  resetTranscript();
  renderMode();
  render();
  markSelection();
  loadTranscript(h.conversation_id, true);
  ui.claim.focus({ preventScroll: true });
}

// The whole conversation before the claim: everything the customer and the bot said.
function loadTranscript(cid, first) {
  const seq = view.seq;
  if (first) showLoading();
  api('GET', convPath(cid)).then((d) => {
    if (seq !== view.seq || view.mode !== 'preview') return;
    hideLoading();
    if (d && Array.isArray(d.messages)) d.messages.forEach((m) => addItem('m', m));
    scrollToEnd();
  }, () => { if (seq === view.seq) hideLoading(); });
}


// The queue changed: keep the preview in sync; tell the agent when the request left the queue.
export function queueChanged() {
  if (view.mode !== 'preview' || !view.selected) return;
  const fresh = findHandoff(view.selected.id);
  if (fresh) {
    // The customer wrote meanwhile (their brief changed): fetch what is new.
    const wrote = JSON.stringify(fresh.brief || {}) !== JSON.stringify(view.selected.brief || {});
    view.selected = fresh;
    gone = false;
    render();
    if (wrote) loadTranscript(fresh.conversation_id, false);
  } else if (!gone && !view.claiming) {
    gone = true;
    setNotice('handoff_gone', 'warn');
  }
}

// Every second: the waiting time.
export function tickPreview() {
  if (view.mode === 'preview' && view.selected) renderExtra();
}

function render() {
  const h = view.selected, b = h.brief || {};
  renderHeader(b.customer, h.language || b.language, 'waiting_agent');
  renderExtra();
  renderBrief(Object.assign({ reason: h.reason, rule: h.rule, language: h.language }, b));
  // Readable in full before the claim; one click claims and puts the reply in the box to edit.
  renderSuggestionList(Array.isArray(b.suggested_replies) ? b.suggested_replies : [], h.language || b.language, (text) => claim(text));
  updateControls();
}

function renderExtra() {
  const h = view.selected;
  clear(ui.convExtra);
  const t0 = waitedSince(h.id);
  if (t0 != null) {
    const w = el('span', 'conv-wait');
    w.appendChild(label('span', 'conv-extra-label', 'waiting'));
    w.appendChild(txt('b', null, fmtWait((Date.now() - t0) / 1000)));
    ui.convExtra.appendChild(w);
  }
  ui.convExtra.appendChild(channelLabel('span', 'conv-channel', h.channel));
}

// Claims the previewed handoff; `text` (a suggested reply) goes into the reply box, to edit and send.
function claim(text) {
  const h = view.selected;
  if (view.mode !== 'preview' || !h || view.claiming) return;
  view.claiming = true;
  updateControls();
  setNotice(null);
  api('POST', '/handoffs/' + enc(h.id) + '/claim').then((d) => {
    view.claiming = false;
    const cid = (d && d.conversation_id) || h.conversation_id;
    removeHandoff(h.id);
    showConversation(cid, { brief: (d && d.brief) || h.brief, messages: d && d.messages, state: (d && d.state) || 'with_agent' });
    loadConversation(cid, false); // notes are not part of the claim answer
    loadMine();
    if (typeof text === 'string') useSuggestion(text);
  }, (e) => {
    view.claiming = false;
    updateControls();
    if (e.status === 401) return;
    if (e.status === 409) {
      closeView();
      setNotice('error_already_claimed', 'warn');
      loadQueue();
    } else {
      setNotice(errKey(e), 'error');
    }
  });
}
