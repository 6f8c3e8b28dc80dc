// The page's elements and small builders. Everything from the server (customer and bot text, names,
// facts, notes, UI strings) is written with textContent or setAttribute only, never as HTML:
// customer text is hostile.

// The elements of console.html by name, filled by bindUi().
export const ui = {};

const IDS = {
  loginView: 'login-view', loginForm: 'login-form', username: 'username', password: 'password',
  loginSubmit: 'login-submit', loginError: 'login-error', console: 'console', sessionBar: 'session-bar',
  conn: 'conn', connText: 'conn-text', meName: 'me-name', meRole: 'me-role', logout: 'logout', lang: 'lang',
  queue: 'queue', queueCount: 'queue-count', queueEmpty: 'queue-empty', mine: 'my-conversations',
  mineCount: 'mine-count', mineEmpty: 'mine-empty', teamSection: 'team-section', team: 'team',
  main: 'main', notice: 'notice', noticeText: 'notice-text', noticeDismiss: 'notice-dismiss',
  placeholder: 'placeholder', view: 'view', customerName: 'customer-name', customerContacts: 'customer-contacts',
  convLang: 'conv-lang', convExtra: 'conv-extra', state: 'state', claim: 'claim', release: 'release', close: 'close',
  chat: 'chat', transcript: 'transcript', typing: 'typing', readOnly: 'read-only', suggestions: 'suggestions',
  composeError: 'compose-error', reply: 'reply', send: 'send', replyCount: 'reply-count', note: 'note',
  addNote: 'add-note', brief: 'brief', reportsToggle: 'reports-toggle', reports: 'reports',
  reportsBack: 'reports-back', reportsDays: 'reports-days', reportsRefresh: 'reports-refresh',
  reportsRange: 'reports-range', reportsUpdated: 'reports-updated', reportsStatus: 'reports-status',
  reportsKpis: 'reports-kpis', reportsReasons: 'reports-reasons', reportsTimes: 'reports-times',
  reportsByLanguage: 'reports-by-language', reportsByChannel: 'reports-by-channel',
  qualityToggle: 'quality-toggle', quality: 'quality', qualityBack: 'quality-back', qualityExport: 'quality-export',
  qualityDownload: 'quality-download', qualityRefresh: 'quality-refresh', qualityFilters: 'quality-filters',
  qualityDays: 'quality-days', qualityCriterion: 'quality-criterion', qualityAgentField: 'quality-agent-field',
  qualityAgent: 'quality-agent', qualityLanguage: 'quality-language', qualityChannel: 'quality-channel',
  qualityRange: 'quality-range', qualityUpdated: 'quality-updated', qualityStatus: 'quality-status',
  qualityOverview: 'quality-overview', qualityKpis: 'quality-kpis', qualityList: 'quality-list',
  qualityCriteria: 'quality-criteria', qualityAgents: 'quality-agents', qualityTrends: 'quality-trends',
  qualityDetail: 'quality-detail', qualityDetailBack: 'quality-detail-back', qualityDetailTitle: 'quality-detail-title',
  qualityDetailMeta: 'quality-detail-meta', qualityDetailStatus: 'quality-detail-status',
  qualityTranscript: 'quality-transcript', qualityScorecard: 'quality-scorecard', qualityEffort: 'quality-effort',
  qualityHelpList: 'quality-help-list'
};

export function bindUi() {
  for (const [name, id] of Object.entries(IDS)) ui[name] = document.getElementById(id);
  const missing = Object.keys(IDS).filter((name) => !ui[name]);
  if (missing.length) throw new Error('console.html is missing #' + missing.map((name) => IDS[name]).join(', #'));
}

// Any value as text ('' for null; objects as JSON).
export function str(v) {
  if (v == null) return '';
  if (typeof v === 'object') { try { return JSON.stringify(v); } catch (e) { return ''; } }
  return String(v);
}

export function el(tag, cls, attrs) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (attrs) Object.keys(attrs).forEach((k) => { if (attrs[k] != null) n.setAttribute(k, attrs[k]); });
  return n;
}

export function txt(tag, cls, text, attrs) {
  const n = el(tag, cls, attrs);
  n.textContent = str(text);
  return n;
}

export function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }

// Enter or Space on a focused list item acts like a click.
export function activateOnKey(fn) {
  return (e) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') { e.preventDefault(); fn(); }
  };
}

// Enter in a text field, but not while it confirms an IME candidate (Chinese, Japanese…:
// isComposing / keyCode 229).
export function isEnter(e) {
  return e.key === 'Enter' && !e.isComposing && e.keyCode !== 229;
}
