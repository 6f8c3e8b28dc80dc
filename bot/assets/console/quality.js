// The quality view (every agent): each ended conversation's automatic effort score (the CES scale,
// 7 = very easy) and QA scorecard from GET /quality, worst first, with filters; one conversation's
// transcript with its failing moments marked beside its scorecard (GET /conversations/{id}/quality);
// the agents' and the bot's scorecards with the daily score; and the same rows as a CSV file.
// Supervisors see everyone's; an agent sees the conversations they took part in (the server scopes
// it, so the view is the same). Like the reports, the panel takes the main area's place and the
// conversation underneath comes back unchanged. Numbers and labels are localised, so a language
// change re-renders it.

import { ui, el, txt, clear, str } from './dom.js';
import { t, fill, label, languageName, shownLang, LANGS, onLanguageChange } from './i18n.js';
import { api, fetchBlob, convPath, errKey, hasToken } from './api.js';
import { isNum, fmtCount, fmtRate, fmtMean, fmtTime, fmtDateTime } from './format.js';
import { CHANNELS, CRITERIA, langBadge, channelLabel, criterionLabel, effortReasonLabel } from './labels.js';
import { stored, store } from './storage.js';
import { isSupervisor } from './session.js';
import { view, renderMode, registerPanel, leavePanels } from './view.js';
import { closePanel, resetPanel } from './panel.js';
import { renderTranscript } from './transcript.js';
import { trendChart } from './charts.js';

const DAYS = [1, 7, 30, 90], DAYS_DEFAULT = 7;
const K_DAYS = 'komek.console.quality.days';
const BOT = 'bot';            // the bot's scorecard among the agents' (and the filter for bot-only conversations)
const EFFORT_SCALE = 7;
const DAY_MS = 86400000;

let filters = { days: DAYS_DEFAULT, criterion: '', agent: '', language: '', channel: '' };
let data = null, dataKey = '', loadedAt = 0, seq = 0, errorKey = null;
const agentNames = new Set(); // every agent a report has named: the choices of the agent filter
// The conversation shown in detail: its row of the list, and once loaded its scorecard and transcript.
let detail = null;            // {id, row, card, conv, cardError, convError, loading}
let detailSeq = 0;
let lastExport = null;        // {name, url, blob, rows} of the last CSV made
let exportStatus = null;      // the UI string (and its values) said after an export

export function initQuality() {
  registerPanel('quality', leaveQuality);
  const saved = Number(stored('localStorage', K_DAYS));
  if (DAYS.indexOf(saved) >= 0) filters.days = saved;
  ui.qualityDays.value = String(filters.days);
  ui.qualityToggle.addEventListener('click', () => { if (view.qualityOpen) closeQuality(); else openQuality(); });
  ui.qualityBack.addEventListener('click', closeQuality);
  ui.qualityRefresh.addEventListener('click', () => { loadQuality(); if (detail) loadDetail(detail.id); });
  ui.qualityExport.addEventListener('click', exportCsv);
  ui.qualityDetailBack.addEventListener('click', closeDetail);
  [ui.qualityDays, ui.qualityCriterion, ui.qualityAgent, ui.qualityLanguage, ui.qualityChannel].forEach((sel) => {
    sel.addEventListener('change', () => filterChanged(sel));
  });
  ui.quality.addEventListener('keydown', (e) => {
    if ((e.key === 'Escape' || e.key === 'Esc') && e.target.tagName !== 'SELECT') {
      e.preventDefault();
      if (detail) closeDetail(); else closeQuality();
    }
  });
  fillFilters();
  CRITERIA.forEach((c) => {
    ui.qualityHelpList.appendChild(label('dt', null, 'criterion_' + c, { 'data-criterion': c }));
    ui.qualityHelpList.appendChild(label('dd', null, 'criterion_' + c + '_help'));
  });
}

function canSee() { return hasToken(); }

// Shows the Quality button to everyone signed in; the agent filter only to supervisors (an agent
// sees their own conversations whatever they pick).
export function renderQualityAccess() {
  const ok = canSee();
  ui.qualityToggle.hidden = !ok;
  if (!ok && view.qualityOpen) closeQuality();
  ui.qualityToggle.setAttribute('aria-pressed', view.qualityOpen ? 'true' : 'false');
  const sup = isSupervisor();
  ui.qualityAgentField.hidden = !sup;
  if (!sup && filters.agent) { filters.agent = ''; if (view.qualityOpen) loadQuality(); }
  fillFilters();
}

function openQuality() {
  if (!canSee()) return;
  if (!view.qualityOpen) {
    leavePanels('quality');
    view.qualityOpen = true;
    ui.qualityToggle.setAttribute('aria-pressed', 'true');
    renderMode();
    renderQuality();
  }
  loadQuality();
  (detail ? ui.qualityDetailTitle : ui.qualityDays).focus();
}

// Leaves the panel without re-rendering (the caller switches the main area itself).
function leaveQuality() {
  if (!view.qualityOpen) return;
  view.qualityOpen = false;
  seq++; // an answer still in flight is not wanted any more
  detailSeq++;
  ui.qualityToggle.setAttribute('aria-pressed', 'false');
}

function closeQuality() {
  closePanel(view.qualityOpen, leaveQuality, ui.qualityToggle);
}

// The session ended: nothing of it stays (the agent filter's names, the export included).
export function resetQuality() {
  resetPanel(leaveQuality, () => {
    data = null; dataKey = ''; loadedAt = 0; errorKey = null; detail = null; exportStatus = null;
    filters = { days: filters.days, criterion: '', agent: '', language: '', channel: '' };
    agentNames.clear();
    forgetExport();
  }, renderQualityAccess, renderQuality);
}

// ---------- filters ----------

// The query of the chosen filters (without the format).
function query() {
  const q = ['days=' + filters.days];
  ['criterion', 'agent', 'language', 'channel'].forEach((k) => { if (filters[k]) q.push(k + '=' + encodeURIComponent(filters[k])); });
  return q.join('&');
}

function filterChanged(sel) {
  const name = sel.getAttribute('data-filter');
  if (name === 'days') {
    const d = Number(sel.value);
    if (DAYS.indexOf(d) < 0) return;
    filters.days = d;
    store('localStorage', K_DAYS, String(d));
  } else {
    filters[name] = str(sel.value);
  }
  errorKey = null;
  exportStatus = null;
  if (detail) closeDetail(true);
  renderQuality();
  loadQuality();
}

function option(value, text, key, attrs) {
  const o = key ? label('option', null, key, Object.assign({ value: value }, attrs || {})) : el('option', null, Object.assign({ value: value }, attrs || {}));
  if (!key) o.textContent = str(text);
  return o;
}

// The choices of the filters, in the UI language; the agents' from every report seen this session.
function fillFilters() {
  ui.qualityDays.value = String(filters.days);

  clear(ui.qualityCriterion);
  ui.qualityCriterion.appendChild(option('', null, 'quality_criterion_all'));
  CRITERIA.forEach((c) => ui.qualityCriterion.appendChild(option(c, null, 'criterion_' + c)));
  ui.qualityCriterion.value = filters.criterion;

  clear(ui.qualityAgent);
  ui.qualityAgent.appendChild(option('', null, 'quality_agent_all'));
  ui.qualityAgent.appendChild(option(BOT, null, 'quality_agent_bot'));
  const names = Array.from(agentNames).filter((n) => n !== BOT);
  if (filters.agent && filters.agent !== BOT && names.indexOf(filters.agent) < 0) names.push(filters.agent);
  names.sort((a, b) => a.localeCompare(b)).forEach((n) => ui.qualityAgent.appendChild(option(n, n, null, { dir: 'auto' })));
  ui.qualityAgent.value = filters.agent;

  clear(ui.qualityLanguage);
  ui.qualityLanguage.appendChild(option('', null, 'quality_language_all'));
  LANGS.forEach((code) => ui.qualityLanguage.appendChild(option(code, languageName(code) || code.toUpperCase(), null, { lang: code })));
  ui.qualityLanguage.value = filters.language;

  clear(ui.qualityChannel);
  ui.qualityChannel.appendChild(option('', null, 'quality_channel_all'));
  CHANNELS.forEach((ch) => ui.qualityChannel.appendChild(option(ch, null, 'channel_' + ch)));
  ui.qualityChannel.value = filters.channel;
}

// ---------- loading ----------

function loadQuality() {
  if (!view.qualityOpen || !canSee()) return;
  const mine = ++seq, key = query();
  ui.quality.setAttribute('aria-busy', 'true');
  renderStatus();
  api('GET', '/quality?' + key).then((d) => {
    if (mine !== seq) return;
    ui.quality.setAttribute('aria-busy', 'false');
    data = d && typeof d === 'object' ? d : {};
    dataKey = key;
    loadedAt = Date.now();
    errorKey = null;
    learnAgents(data);
    renderQuality();
  }, (e) => {
    if (mine !== seq) return;
    ui.quality.setAttribute('aria-busy', 'false');
    if (e.status === 401) return; // the session has ended and the login form is shown
    errorKey = e.status === 403 ? 'quality_forbidden' : e.status === 0 ? 'error_network' : e.status === 429 ? 'error_rate_limited' : 'error_generic';
    renderStatus();
  });
}

function learnAgents(d) {
  const before = agentNames.size;
  if (d.by_agent && typeof d.by_agent === 'object') Object.keys(d.by_agent).forEach((n) => agentNames.add(n));
  rows(d).forEach((c) => { if (Array.isArray(c.agents)) c.agents.forEach((n) => agentNames.add(str(n))); });
  if (agentNames.size !== before) fillFilters();
}

function rows(d) { return d && Array.isArray(d.conversations) ? d.conversations.filter((c) => c && c.conversation_id != null) : []; }

// The answer for the chosen filters, or null before it arrives.
function current() { return data && dataKey === query() ? data : null; }

function renderStatus() {
  let key = errorKey, vars = null;
  if (!key && view.qualityOpen && !current() && ui.quality.getAttribute('aria-busy') === 'true') key = 'loading';
  if (!key && exportStatus) { key = exportStatus.key; vars = exportStatus.vars; }
  ui.qualityStatus.textContent = key ? (vars ? fill(key, vars) : t(key)) : '';
  ui.qualityStatus.hidden = !key;
  ui.qualityStatus.setAttribute('data-kind', errorKey || (exportStatus && exportStatus.error) ? 'error' : 'info');
}

// ---------- the overview ----------

function renderQuality() {
  const d = current();
  ui.quality.setAttribute('data-days', d ? String(d.days || filters.days) : '');
  ui.quality.setAttribute('data-view', detail ? 'detail' : 'list');
  const from = d ? fmtDateTime(d.from) : '', to = d ? fmtDateTime(d.to) : '';
  ui.qualityRange.textContent = from && to ? from + ' – ' + to : '';
  ui.qualityUpdated.textContent = d && loadedAt ? fill('reports_updated', { time: fmtTime(new Date(loadedAt).toISOString()) }) : '';
  ui.qualityOverview.hidden = !!detail;
  ui.qualityDetail.hidden = !detail;
  renderKpis(d);
  renderList(d);
  renderCriteria(d);
  renderAgents(d);
  renderTrends(d);
  renderDetail();
  renderStatus();
}

onLanguageChange(() => { fillFilters(); renderQuality(); });

// "5 / 7": a score on the effort scale.
function fmtEffort(v, mean) {
  if (!isNum(v)) return '—';
  return fill('reports_score', { value: mean ? fmtMean(v) : fmtCount(v), max: fmtCount(EFFORT_SCALE) });
}

function renderKpis(d) {
  const list = rows(d), eff = d && d.effort && typeof d.effort === 'object' ? d.effort : {};
  const scores = list.map((c) => Number(c.score)).filter((v) => isFinite(v));
  ui.qualityKpis.querySelectorAll('.kpi[data-kpi]').forEach((card) => {
    const k = card.getAttribute('data-kpi');
    let value = '—', sub = '';
    if (d) {
      switch (k) {
        case 'conversations': value = fmtCount(list.length); break;
        case 'score': if (scores.length) value = fmtMean(scores.reduce((a, b) => a + b, 0) / scores.length); break;
        case 'effort_auto':
          value = fmtEffort(eff.mean, true);
          if (isNum(eff.n)) sub = fill('reports_scored', { n: fmtCount(eff.n) });
          break;
        case 'ces':
          value = fmtEffort(eff.survey_mean, true);
          if (isNum(eff.survey_n)) sub = fill('reports_responses', { n: fmtCount(eff.survey_n) });
          break;
      }
    }
    const val = card.querySelector('.kpi-value'), subEl = card.querySelector('.kpi-sub');
    val.textContent = value;
    val.setAttribute('data-empty', value === '—' ? 'true' : 'false');
    subEl.textContent = sub;
  });
}

const LIST_COLUMNS = [
  { id: 'score', key: 'quality_col_score', num: true },
  { id: 'effort', key: 'quality_col_effort', num: true },
  { id: 'failed', key: 'quality_col_failed' },
  { id: 'language', key: 'language' },
  { id: 'channel', key: 'channel' },
  { id: 'agents', key: 'quality_col_agents' },
  { id: 'started', key: 'quality_col_started' }
];

// The conversations, worst first (the server's order); each opens with its button or a click.
function renderList(d) {
  const table = ui.qualityList;
  clear(table);
  const head = el('tr');
  LIST_COLUMNS.forEach((c) => head.appendChild(label('th', c.num ? 'num' : null, c.key, { scope: 'col', 'data-col': c.id })));
  head.appendChild(el('td', 'reports-corner'));
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  const list = rows(d);
  list.forEach((c, i) => tbody.appendChild(listRow(c, i)));
  if (d && !list.length) {
    const tr = el('tr', 'reports-empty-row');
    tr.appendChild(label('td', 'reports-empty', 'quality_empty', { colspan: String(LIST_COLUMNS.length + 1) }));
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
}

function listRow(c, i) {
  const id = str(c.conversation_id);
  const failed = Array.isArray(c.failed) ? c.failed.map(str) : [];
  const tr = el('tr', 'quality-row', {
    'data-conversation-id': id, 'data-rank': String(i + 1), 'data-score': str(c.score),
    'data-language': str(c.language), 'data-channel': str(c.channel), 'data-failed': failed.join(' ')
  });
  tr.appendChild(txt('td', 'num quality-score', fmtCount(c.score), { 'data-col': 'score', 'data-level': scoreLevel(c.score) }));
  tr.appendChild(txt('td', 'num', fmtEffort(c.effort && c.effort.score, false), { 'data-col': 'effort' }));
  const fails = el('td', null, { 'data-col': 'failed' });
  if (failed.length) {
    const chips = el('ul', 'chips quality-fails');
    failed.forEach((f) => { const li = el('li', 'chip chip-fail'); li.appendChild(criterionLabel('span', null, f)); chips.appendChild(li); });
    fails.appendChild(chips);
  } else {
    fails.appendChild(label('span', 'quality-none', 'quality_no_failures'));
  }
  tr.appendChild(fails);
  const lang = el('td', null, { 'data-col': 'language' });
  if (c.language) lang.appendChild(langBadge(c.language));
  tr.appendChild(lang);
  const ch = el('td', null, { 'data-col': 'channel' });
  ch.appendChild(channelLabel('span', null, c.channel));
  tr.appendChild(ch);
  tr.appendChild(agentsCell(c.agents));
  tr.appendChild(txt('td', 'quality-started', fmtDateTime(c.started_at), { 'data-col': 'started' }));
  const open = el('td', 'quality-open-cell');
  const b = txt('button', 'btn quality-open', t('quality_open'), {
    type: 'button', 'aria-label': fill('quality_open_label', { time: fmtDateTime(c.started_at) }), 'data-conversation-id': id
  });
  b.addEventListener('click', () => openDetail(id));
  open.appendChild(b);
  tr.appendChild(open);
  // A click anywhere on the row opens it too (the button is the keyboard's way in).
  tr.addEventListener('click', (e) => { if (!e.target.closest('button, a, select')) openDetail(id); });
  return tr;
}

function scoreLevel(score) {
  const s = Number(score);
  return !isFinite(s) ? '' : s < 60 ? 'low' : s < 85 ? 'medium' : 'high';
}

function agentsCell(agents) {
  const td = el('td', 'quality-agents-cell', { 'data-col': 'agents' });
  const list = Array.isArray(agents) ? agents.map(str).filter(Boolean) : [];
  if (!list.length) td.appendChild(label('span', 'quality-bot', 'role_bot'));
  list.forEach((n, i) => {
    if (i) td.appendChild(document.createTextNode(', '));
    td.appendChild(txt('bdi', 'quality-agent-name', n, { dir: 'auto' }));
  });
  return td;
}

// How often each criterion failed where it applied, most failures first.
function renderCriteria(d) {
  const list = ui.qualityCriteria;
  clear(list);
  const map = d && d.by_criterion && typeof d.by_criterion === 'object' ? d.by_criterion : {};
  const keys = Object.keys(map).filter((k) => map[k] && isNum(map[k].judged) && Number(map[k].judged) > 0);
  if (!keys.length) {
    if (d) list.appendChild(label('li', 'reports-empty', 'reports_no_data'));
    return;
  }
  const order = (k) => { const i = CRITERIA.indexOf(k); return i < 0 ? 99 : i; };
  keys.sort((a, b) => Number(map[b].failed) - Number(map[a].failed) || order(a) - order(b));
  keys.forEach((k) => {
    const f = map[k], rate = isNum(f.rate) ? Number(f.rate) : 0;
    const li = el('li', 'reason-row', { 'data-criterion': k, 'data-failed': str(f.failed), 'data-judged': str(f.judged) });
    li.appendChild(criterionLabel('span', 'reason-name', k));
    const bar = el('span', 'reason-bar', { 'aria-hidden': 'true' });
    const fillEl = el('span', 'reason-bar-fill');
    fillEl.style.width = Math.round(rate * 1000) / 10 + '%';
    bar.appendChild(fillEl);
    li.appendChild(bar);
    li.appendChild(txt('span', 'reason-count', fill('reports_of', { n: fmtCount(f.failed), total: fmtCount(f.judged) })));
    li.appendChild(txt('span', 'reason-share', fmtRate(f.rate)));
    list.appendChild(li);
  });
}

// The bot first, then the agents by name.
function agentKeys(d) {
  const map = d && d.by_agent && typeof d.by_agent === 'object' ? d.by_agent : {};
  return Object.keys(map).filter((k) => map[k] && typeof map[k] === 'object')
    .sort((a, b) => (a === BOT ? -1 : b === BOT ? 1 : a.localeCompare(b)));
}

function agentName(tag, cls, name) {
  return name === BOT ? label(tag, cls, 'role_bot') : txt(tag, cls, name, { dir: 'auto' });
}

// One row per agent (and the bot): conversations, mean score and effort, their own failures.
function renderAgents(d) {
  const table = ui.qualityAgents;
  clear(table);
  const head = el('tr');
  head.appendChild(label('th', null, 'quality_col_agent', { scope: 'col' }));
  [['conversations', 'reports_conversations'], ['score_mean', 'quality_score_mean'], ['effort_mean', 'quality_col_effort_mean']].forEach(([id, key]) => {
    head.appendChild(label('th', 'num', key, { scope: 'col', 'data-col': id }));
  });
  head.appendChild(label('th', null, 'quality_col_failures', { scope: 'col', 'data-col': 'failed' }));
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  const keys = agentKeys(d);
  keys.forEach((name) => {
    const a = d.by_agent[name];
    const tr = el('tr', null, { 'data-agent': name });
    const th = el('th', 'reports-key', { scope: 'row' });
    th.appendChild(agentName('bdi', 'quality-agent-name', name));
    tr.appendChild(th);
    tr.appendChild(txt('td', 'num', fmtCount(a.conversations), { 'data-col': 'conversations' }));
    tr.appendChild(txt('td', 'num', isNum(a.score_mean) ? fmtMean(a.score_mean) : '—', { 'data-col': 'score_mean' }));
    tr.appendChild(txt('td', 'num', fmtEffort(a.effort_mean, true), { 'data-col': 'effort_mean' }));
    const td = el('td', null, { 'data-col': 'failed' });
    const failed = a.failed && typeof a.failed === 'object' ? a.failed : {};
    const names = Object.keys(failed).filter((c) => isNum(failed[c]) && Number(failed[c]) > 0);
    if (names.length) {
      const chips = el('ul', 'chips quality-fails');
      names.sort((x, y) => Number(failed[y]) - Number(failed[x]) || CRITERIA.indexOf(x) - CRITERIA.indexOf(y)).forEach((c) => {
        const li = el('li', 'chip chip-fail', { 'data-criterion': c, 'data-count': str(failed[c]) });
        li.appendChild(criterionLabel('span', null, c));
        li.appendChild(txt('b', 'chip-count', ': ' + fmtCount(failed[c])));
        chips.appendChild(li);
      });
      td.appendChild(chips);
    } else {
      td.appendChild(label('span', 'quality-none', 'quality_no_failures'));
    }
    tr.appendChild(td);
    tbody.appendChild(tr);
  });
  if (d && !keys.length) {
    const tr = el('tr', 'reports-empty-row');
    tr.appendChild(label('td', 'reports-empty', 'reports_no_data', { colspan: '5' }));
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
}

// The UTC calendar days of the period (the server counts days in UTC), oldest first.
function periodDays(d) {
  const from = Date.parse(d.from), to = Date.parse(d.to);
  if (isNaN(from) || isNaN(to) || to < from) return [];
  const out = [];
  for (let at = Math.floor(from / DAY_MS) * DAY_MS; at <= to && out.length < 400; at += DAY_MS) out.push(new Date(at).toISOString().slice(0, 10));
  return out;
}

// One chart per agent (and the bot): the mean score of each day's conversations.
function renderTrends(d) {
  clear(ui.qualityTrends);
  const keys = agentKeys(d);
  if (!keys.length) {
    if (d) ui.qualityTrends.appendChild(label('p', 'reports-empty', 'reports_no_data'));
    return;
  }
  const days = periodDays(d), rtl = document.documentElement.getAttribute('dir') === 'rtl';
  keys.forEach((name) => {
    const byDate = {};
    (Array.isArray(d.by_agent[name].daily) ? d.by_agent[name].daily : []).forEach((x) => {
      if (x && x.date && isNum(x.score_mean)) byDate[str(x.date)] = Number(x.score_mean);
    });
    const values = days.map((date) => ({ date: date, value: Object.prototype.hasOwnProperty.call(byDate, date) ? byDate[date] : null }));
    const who = name === BOT ? t('role_bot') : name;
    const chart = trendChart({
      id: 'score', name: fill('quality_trend_name', { name: who }), rtl: rtl, day: fmtDay, longDay: fmtLongDay,
      axis: t('quality_axis_score'), ticks: [0, 50, 100], format: fmtMean, tick: fmtCount
    }, values);
    chart.setAttribute('data-agent', name);
    ui.qualityTrends.appendChild(chart);
  });
}

function fmtDay(date) { return fmtDate(date, { day: 'numeric', month: 'short' }); }
function fmtLongDay(date) { return fmtDate(date, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }); }
function fmtDate(date, opts) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  try { return at.toLocaleDateString(shownLang(), Object.assign({ timeZone: 'UTC' }, opts)); } catch (e) { return date; }
}

// ---------- one conversation ----------

function openDetail(id) {
  const row = rows(current()).find((c) => str(c.conversation_id) === id) || null;
  detail = { id: id, row: row, card: null, conv: null, cardError: null, convError: null, loading: true };
  renderQuality();
  ui.quality.scrollTop = 0;
  ui.qualityDetailTitle.focus({ preventScroll: true });
  loadDetail(id);
}

function loadDetail(id) {
  const mine = ++detailSeq;
  const done = () => {
    if (mine !== detailSeq || !detail || detail.id !== id) return false;
    return true;
  };
  const card = api('GET', convPath(id, '/quality')).then((d) => { if (done()) detail.card = d || {}; }, (e) => { if (done()) detail.cardError = e; });
  const conv = api('GET', convPath(id)).then((d) => { if (done()) detail.conv = d || {}; }, (e) => { if (done()) detail.convError = e; });
  Promise.all([card, conv]).then(() => {
    if (!done()) return;
    detail.loading = false;
    renderDetail();
  });
}

// Back to the list, with the focus on the conversation's row (unless the filters changed).
function closeDetail(quiet) {
  if (!detail) return;
  const id = detail.id;
  detail = null;
  detailSeq++;
  if (quiet === true) return;
  renderQuality();
  const b = Array.from(ui.qualityList.querySelectorAll('button.quality-open')).find((x) => x.getAttribute('data-conversation-id') === id);
  (b || ui.qualityDays).focus();
}

// The verdicts to show: the scorecard's, or (when it cannot be read) what the list said.
function verdicts() {
  const c = detail.card && detail.card.criteria && typeof detail.card.criteria === 'object' ? detail.card.criteria : null;
  if (c) return c;
  const out = {};
  const failed = detail.row && Array.isArray(detail.row.failed) ? detail.row.failed.map(str) : [];
  failed.forEach((f) => { out[f] = { pass: false, event_ids: [], who: null }; });
  return out;
}

function renderDetail() {
  ui.qualityDetail.hidden = !detail;
  if (!detail) return;
  const row = detail.row || {}, card = detail.card || {};
  const started = row.started_at ? fmtDateTime(row.started_at) : '';
  ui.qualityDetailTitle.textContent = started ? fill('quality_detail_title', { time: started }) : t('quality_scorecard');
  ui.qualityDetail.setAttribute('data-conversation-id', detail.id);
  ui.qualityDetail.setAttribute('data-loading', detail.loading ? 'true' : 'false');
  renderDetailMeta(row, card);

  // An agent cannot open a conversation that is no longer theirs (403): what the list said of it
  // is shown instead. Other failures are errors.
  let status = null, failed = false;
  const err = detail.convError;
  if (detail.loading) status = 'loading';
  else if (err && (err.status === 403 || err.status === 404) && detail.row) status = 'quality_transcript_unavailable';
  else if (err) { status = errKey(err); failed = true; }
  else if (detail.card && detail.card.ended === false) status = 'quality_not_ended';
  ui.qualityDetailStatus.textContent = status ? t(status) : '';
  ui.qualityDetailStatus.hidden = !status;
  ui.qualityDetailStatus.setAttribute('data-kind', failed ? 'error' : 'info');

  const crit = verdicts();
  const shown = renderTranscript(ui.qualityTranscript, detail.conv && detail.conv.messages, detail.conv && detail.conv.notes);
  ui.qualityTranscript.hidden = !detail.conv;
  const inTranscript = markMoments(shown, crit);
  renderScorecard(crit, inTranscript);
  renderEffort(detail.card ? card.effort : row.effort, isNum(card.survey_ces) ? card.survey_ces : row.survey_ces);
}

function renderDetailMeta(row, card) {
  const meta = ui.qualityDetailMeta;
  clear(meta);
  const item = (key, value) => {
    const s = el('span', 'quality-meta-item', { 'data-meta': key });
    s.appendChild(label('span', 'quality-meta-label', key));
    if (value) s.appendChild(value);
    meta.appendChild(s);
  };
  const score = isNum(card.score) ? card.score : row.score;
  item('quality_col_score', txt('b', 'quality-score', fmtCount(score), { 'data-level': scoreLevel(score) }));
  const effort = card.effort && isNum(card.effort.score) ? card.effort.score : row.effort && row.effort.score;
  item('quality_col_effort', txt('b', null, fmtEffort(effort, false)));
  if (row.language) item('language', langBadge(row.language));
  if (row.channel) item('channel', channelLabel('span', null, row.channel));
  if (detail.row) item('quality_col_agents', agentsCell(row.agents));
}

// Marks the messages (and notes) a failed verdict points at, with the criterion's name written on
// them (not colour alone); returns the event ids found in the transcript.
function markMoments(shown, crit) {
  const byId = new Map();
  shown.forEach((item) => byId.set(str(item.id), item.node));
  const found = new Set();
  CRITERIA.concat(Object.keys(crit).filter((c) => CRITERIA.indexOf(c) < 0)).forEach((c) => {
    const v = crit[c];
    if (!v || v.pass !== false || !Array.isArray(v.event_ids)) return;
    v.event_ids.forEach((id) => {
      const node = byId.get(str(id));
      if (!node) return;
      found.add(str(id));
      let flags = node.querySelector('.msg-flags');
      if (!flags) {
        node.classList.add('msg-flagged');
        node.setAttribute('id', 'quality-moment-' + str(id));
        node.setAttribute('tabindex', '-1');
        // Under the author line, before the text: read first, seen first.
        flags = el('ul', 'msg-flags', { 'data-i18n-label': 'quality_flags', 'aria-label': t('quality_flags') });
        node.insertBefore(flags, node.children[1] || null);
      }
      const li = el('li', 'msg-flag', { 'data-criterion': c });
      li.appendChild(txt('span', 'msg-flag-icon', '⚑', { 'aria-hidden': 'true' }));
      li.appendChild(criterionLabel('span', 'msg-flag-label', c));
      flags.appendChild(li);
      const all = (node.getAttribute('data-flags') || '').split(' ').filter(Boolean);
      if (all.indexOf(c) < 0) all.push(c);
      node.setAttribute('data-flags', all.join(' '));
    });
  });
  return found;
}

// Every criterion: passed, failed or not applicable (said in words, with a sign), whose turns,
// and for a failure a button to its first moment in the transcript.
function renderScorecard(crit, inTranscript) {
  const table = ui.qualityScorecard;
  clear(table);
  const head = el('tr');
  head.appendChild(label('th', null, 'quality_criterion', { scope: 'col' }));
  head.appendChild(label('th', null, 'quality_col_verdict', { scope: 'col' }));
  head.appendChild(el('td', 'reports-corner'));
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  const known = detail.card && detail.card.criteria;
  CRITERIA.concat(Object.keys(crit).filter((c) => CRITERIA.indexOf(c) < 0)).forEach((c) => {
    const v = crit[c] || {};
    // Without the scorecard only the failures are known: the rest are left unsaid.
    if (!known && v.pass !== false) return;
    const verdict = v.pass === true ? 'pass' : v.pass === false ? 'fail' : 'na';
    const tr = el('tr', null, { 'data-criterion': c, 'data-verdict': verdict });
    const th = el('th', null, { scope: 'row' });
    th.appendChild(criterionLabel('span', null, c));
    tr.appendChild(th);
    const td = el('td', 'quality-verdict-cell');
    const badge = el('span', 'verdict', { 'data-verdict': verdict });
    badge.appendChild(txt('span', 'verdict-icon', verdict === 'pass' ? '✓' : verdict === 'fail' ? '✗' : '–', { 'aria-hidden': 'true' }));
    badge.appendChild(label('span', 'verdict-text', 'quality_' + verdict));
    td.appendChild(badge);
    // Whose turns were judged (for a failure: who failed), under the verdict.
    const who = el('span', 'quality-who', { 'data-who': str(v.who) });
    if (v.who === 'bot' || v.who === 'agent') {
      who.appendChild(label('span', 'quality-who-label', 'quality_col_who'));
      who.appendChild(label('span', null, 'role_' + v.who));
      if (v.agent) { who.appendChild(document.createTextNode(' ')); who.appendChild(txt('bdi', 'quality-agent-name', v.agent, { dir: 'auto' })); }
      td.appendChild(who);
    }
    tr.appendChild(td);
    const go = el('td', 'quality-go');
    const first = verdict === 'fail' && Array.isArray(v.event_ids) ? v.event_ids.map(str).find((id) => inTranscript.has(id)) : null;
    if (first) {
      const b = txt('button', 'btn btn-small quality-show', t('quality_show_moment'), {
        type: 'button', 'aria-controls': 'quality-moment-' + first, 'data-event-id': first
      });
      b.setAttribute('aria-label', fill('quality_show_moment_label', { criterion: t('criterion_' + c) }));
      b.addEventListener('click', () => showMoment(first));
      go.appendChild(b);
    }
    tr.appendChild(go);
    tbody.appendChild(tr);
  });
  if (!tbody.children.length) {
    const tr = el('tr', 'reports-empty-row');
    tr.appendChild(label('td', 'reports-empty', 'quality_no_failures', { colspan: '3' }));
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
}

function showMoment(id) {
  const node = document.getElementById('quality-moment-' + id);
  if (!node) return;
  node.scrollIntoView({ block: 'center' });
  node.focus({ preventScroll: true });
}

// The automatic effort score and what made it harder, with the survey's answer beside it.
function renderEffort(effort, survey) {
  const box = ui.qualityEffort;
  clear(box);
  const e = effort && typeof effort === 'object' ? effort : {};
  const line = (key, value, attrs) => {
    const p = el('p', 'quality-effort-line', attrs);
    p.appendChild(label('span', 'quality-effort-label', key));
    p.appendChild(txt('b', 'quality-effort-value', value));
    box.appendChild(p);
  };
  line('reports_effort_auto', fmtEffort(e.score, false), { 'data-effort': str(e.score) });
  if (isNum(survey)) line('reports_ces', fmtEffort(survey, false), { 'data-survey': str(survey) });
  const reasons = Array.isArray(e.reasons) ? e.reasons.filter((r) => r && r.what) : [];
  if (!reasons.length) {
    if (detail.card || detail.row) box.appendChild(label('p', 'reports-empty', 'quality_effort_none'));
    return;
  }
  box.appendChild(label('h5', 'quality-effort-h', 'quality_effort_reasons', { id: 'quality-effort-reasons-title' }));
  const table = el('table', 'reports-table quality-reasons', { 'aria-labelledby': 'quality-effort-reasons-title' });
  const head = el('tr');
  head.appendChild(el('td', 'reports-corner'));
  head.appendChild(label('th', 'num', 'quality_points', { scope: 'col' }));
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  reasons.forEach((r) => {
    const tr = el('tr', null, { 'data-what': str(r.what), 'data-points': str(r.points) });
    const th = el('th', null, { scope: 'row' });
    th.appendChild(effortReasonLabel('span', null, r.what));
    tr.appendChild(th);
    tr.appendChild(txt('td', 'num', isNum(r.points) ? '−' + fmtPoints(r.points) : '—'));
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
  box.appendChild(table);
}

function fmtPoints(v) {
  try { return Number(v).toLocaleString(shownLang(), { maximumFractionDigits: 2 }); } catch (e) { return String(v); }
}

// ---------- CSV ----------

function forgetExport() {
  if (lastExport) { try { URL.revokeObjectURL(lastExport.url); } catch (e) { /* ignore */ } }
  lastExport = null;
  ui.qualityDownload.removeAttribute('href');
  ui.qualityDownload.removeAttribute('download');
  ui.qualityDownload.removeAttribute('data-href');
}

// The CSV of the rows the filters select, fetched with the token and saved from a blob: URL (no
// link ever carries a credential). The last file stays on #quality-download (href, download).
function exportCsv() {
  if (!canSee() || ui.qualityExport.disabled) return;
  ui.qualityExport.disabled = true;
  ui.qualityExport.setAttribute('aria-busy', 'true');
  const days = filters.days;
  fetchBlob('/quality?' + query() + '&format=csv').then((blob) => {
    ui.qualityExport.disabled = false;
    ui.qualityExport.setAttribute('aria-busy', 'false');
    forgetExport();
    const today = new Date().toISOString().slice(0, 10);
    const name = 'komek-quality-' + days + 'd-' + today + '.csv';
    const url = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: 'text/csv' }));
    lastExport = { name: name, url: url, blob: blob };
    const a = ui.qualityDownload;
    a.setAttribute('href', url);
    a.setAttribute('download', name);
    a.setAttribute('data-href', url);
    a.click();
    exportStatus = { key: 'quality_exported', vars: { name: name } };
    renderStatus();
  }, (e) => {
    ui.qualityExport.disabled = false;
    ui.qualityExport.setAttribute('aria-busy', 'false');
    if (e.status === 401) return;
    exportStatus = { key: e.status === 403 ? 'quality_forbidden' : errKey(e), error: true };
    renderStatus();
  });
}

// The last CSV made (its file name, blob: URL and Blob), or null.
export function lastCsvExport() { return lastExport; }
