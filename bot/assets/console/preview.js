// A handoff from the queue in the main area before anyone takes it: its brief, how long the customer
// has waited, and Claim (one agent wins; the others are told).

import { ui, el, txt, clear } from './dom.js';
import { label } from './i18n.js';
import { api, enc, errKey } from './api.js';
import { fmtWait } from './format.js';
import { channelLabel } from './labels.js';
import { view, renderMode, updateControls } from './view.js';
import { findHandoff, removeHandoff, waitedSince, loadQueue } from './queue.js';
import { loadMine } from './my-conversations.js';
import { showConversation, loadConversation, closeView, renderHeader, markSelection, setComposeError } from './conversation.js';
import { resetTranscript, hideTyping } from './transcript.js';
import { renderBrief, resetBrief } from './brief.js';
import { setNotice } from './notice.js';
import { leaveReports } from './reports.js';

let gone = false;             // the previewed handoff left the queue (and the agent was told)

export function initPreview() { ui.claim.addEventListener('click', claim); }

// The agent picked a handoff in the queue.
export function selectHandoff(id) {
  const h = findHandoff(id);
  if (!h) return;
  leaveReports();
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
  ui.claim.focus({ preventScroll: true });
}

// The queue changed: keep the preview in sync; tell the agent when the request left the queue.
export function queueChanged() {
  if (view.mode !== 'preview' || !view.selected) return;
  const fresh = findHandoff(view.selected.id);
  if (fresh) {
    view.selected = fresh;
    gone = false;
    render();
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

function claim() {
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
