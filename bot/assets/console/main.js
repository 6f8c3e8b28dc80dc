/* Komek agent console — served at /console (console.html loads this module and /console.css).
 * Plain ES modules, no dependencies, no build step. Everything that comes from the server is written
 * as text, never as HTML (dom.js). The API contract is the agent HTTP/WS API (/api/v1/agent/...).
 * This module wires the parts together: what starts and ends with a session, and where live frames go. */

import { bindUi } from './dom.js';
import { initLanguage, loadStrings, applyStrings } from './i18n.js';
import { api } from './api.js';
import { initSession, startSession, setAgent, currentAgent, isSupervisor } from './session.js';
import { initLive, connect, disconnect, reconnectNow } from './live.js';
import { initNotice, setNotice } from './notice.js';
import { initQueue, loadQueue, setQueue, resetQueue, startTick } from './queue.js';
import { initMine, loadMine, resetMine, markUnread, touchMine, stateChanged } from './my-conversations.js';
import { startTeam, stopTeam, refreshTeam } from './team.js';
import { initReports, renderReportsAccess, resetReports, catchUpReports } from './reports.js';
import { initQuality, renderQualityAccess, resetQuality } from './quality.js';
import { initPreview, selectHandoff, queueChanged, tickPreview } from './preview.js';
import { initConversation, openConversation, loadConversation, closeView, setState, briefChanged } from './conversation.js';
import { addItem, showTyping, hideTyping } from './transcript.js';
import { view, isOpen, renderMode } from './view.js';
import { dismissDialog } from './dialog.js';

function signedIn() {
  connect();
  loadQueue();
  loadMine();
  startTick();
}

function signedOut() {
  dismissDialog();
  disconnect();
  stopTeam();
  resetReports();
  resetQuality();
  resetQueue();
  resetMine();
  closeView();
  setNotice(null);
}

function agentChanged() {
  if (isSupervisor()) startTeam(); else stopTeam();
  renderReportsAccess();
  renderQualityAccess();
}

// After (re)connecting: fill whatever was missed while offline.
function resync() {
  const agent = currentAgent();
  if (!agent || !agent.username) {
    api('GET', '/me').then((d) => { if (d && d.agent) setAgent(d.agent); }, () => {});
  }
  loadQueue();
  loadMine();
  refreshTeam(); // this console's own presence changed too
  if (view.mode === 'conversation' && view.open) loadConversation(view.open.id, false);
}

function handleFrame(d) {
  const cid = d.conversation_id;
  switch (d.type) {
    case 'queue':
      if (Array.isArray(d.handoffs)) setQueue(d.handoffs);
      break;
    case 'message':
      if (!d.message) return;
      if (isOpen(cid)) {
        addItem('m', d.message);
        if (d.message.role === 'customer') hideTyping();
      } else if (d.message.role === 'customer') {
        markUnread(cid);
      }
      touchMine(cid, d.message);
      break;
    case 'note':
      if (d.note && isOpen(cid)) addItem('n', d.note);
      break;
    case 'state':
      if (isOpen(cid)) setState(d.state);
      stateChanged(cid, d.state);
      break;
    case 'brief':
      briefChanged(cid, d.brief);
      break;
    case 'typing':
      if (isOpen(cid) && (!d.role || d.role === 'customer')) showTyping();
      break;
    case 'resync': // the server dropped frames for this slow client: fetch the current picture
      resync();
      break;
    case 'presence': // an agent came online or went offline
      refreshTeam();
      break;
  }
}

function init() {
  bindUi();
  initLanguage();
  initNotice();
  initSession({ signedIn, signedOut, agentChanged });
  initLive({ onOpen: resync, onFrame: handleFrame });
  initQueue({ onSelect: selectHandoff, onChange: queueChanged, onTick: tickPreview });
  initMine(openConversation);
  initReports();
  initQuality();
  initPreview();
  initConversation();
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    reconnectNow();
    catchUpReports();
  });
  renderMode();
  applyStrings();
  loadStrings();
  startSession();
}

init();
