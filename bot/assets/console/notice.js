// The notice above the main area: one UI string at a time (info, warn or error).

import { ui } from './dom.js';
import { t, onLanguageChange } from './i18n.js';

let noticeKey = null;

export function setNotice(key, kind) {
  noticeKey = key;
  ui.notice.setAttribute('data-kind', kind || 'info');
  renderNotice();
}

function renderNotice() {
  ui.noticeText.textContent = noticeKey ? t(noticeKey) : '';
  ui.notice.hidden = !noticeKey;
}

onLanguageChange(renderNotice);

export function initNotice() {
  ui.noticeDismiss.addEventListener('click', () => setNotice(null));
}
