// What the main area shows: nothing, a handoff's preview (with Claim), one conversation, or a panel
// (the reports, the quality view) on top of either; and which of its controls are live.

import { ui, str } from './dom.js';

export const view = {
  mode: 'empty',              // empty | preview | conversation
  selected: null,             // the previewed handoff
  open: null,                 // the open conversation: {id, state, brief, language, customer}
  seq: 0,                     // bumped on every switch; answers for an earlier view are dropped
  reportsOpen: false,         // the supervisor's reports replace the main area
  qualityOpen: false,         // the quality view replaces the main area
  claiming: false, sending: false, noting: false, acting: false // requests in flight
};

export function isOpen(cid) { return view.mode === 'conversation' && !!view.open && view.open.id === str(cid); }

// The panels (name → leave(), which gives the main area back without re-rendering): one is open at
// a time, and a conversation or preview being shown leaves them all.
const panels = {};
export function registerPanel(name, leave) { panels[name] = leave; }
export function leavePanels(except) { Object.keys(panels).forEach((name) => { if (name !== except) panels[name](); }); }
export function panelOpen() { return view.reportsOpen || view.qualityOpen; }

export function renderMode() {
  const { mode, reportsOpen, qualityOpen } = view;
  const panel = reportsOpen || qualityOpen;
  ui.main.setAttribute('data-mode', mode);
  ui.main.setAttribute('data-reports', reportsOpen ? 'true' : 'false');
  ui.main.setAttribute('data-quality', qualityOpen ? 'true' : 'false');
  ui.reports.hidden = !reportsOpen;
  ui.quality.hidden = !qualityOpen;
  ui.placeholder.hidden = panel || mode !== 'empty';
  ui.view.hidden = panel || mode === 'empty';
  // A preview shows the whole conversation too (read-only), so the agent knows it before claiming.
  ui.chat.hidden = mode === 'empty';
  ui.chat.setAttribute('data-preview', mode === 'preview' ? 'true' : 'false');
  ui.claim.hidden = mode !== 'preview';
  ui.release.hidden = mode !== 'conversation';
  ui.close.hidden = mode !== 'conversation';
  updateControls();
}

export function updateControls() {
  const conv = view.mode === 'conversation' && view.open;
  const active = !!(conv && view.open.state === 'with_agent');
  ui.reply.disabled = !active;
  ui.send.disabled = !active || view.sending;
  ui.release.disabled = !active || view.acting;
  ui.close.disabled = !active || view.acting;
  ui.note.disabled = !conv;
  ui.addNote.disabled = !conv || view.noting;
  ui.claim.disabled = view.mode !== 'preview' || view.claiming;
  ui.readOnly.hidden = !(conv && view.open.state && !active);
  ui.chat.setAttribute('data-active', active ? 'true' : 'false');
}
