// The reports panel (supervisors): GET /analytics?days=N gives overall figures (the automatic
// effort score beside the survey's CES), handoff reasons, waiting and first-reply times, the same
// figures per language and per channel, and per day (drawn as trend charts, days cut at this
// browser's offset from UTC). The panel takes the main area's place (one panel at a time, see
// view.js); the conversation or preview underneath keeps its state and comes back unchanged. Numbers
// are localised, so a language change re-renders it.

import { ui, el, txt, clear } from './dom.js';
import { t, fill, label, primary, languageName, shownLang, LANGS, onLanguageChange } from './i18n.js';
import { api, hasToken } from './api.js';
import { isNum, fmtCount, fmtRate, fmtMean, fmtDuration, fmtTime, fmtDateTime } from './format.js';
import { REASONS, CHANNELS, langBadge, reasonName, channelLabel } from './labels.js';
import { stored, store } from './storage.js';
import { isSupervisor } from './session.js';
import { setNotice } from './notice.js';
import { view, renderMode, registerPanel, leavePanels } from './view.js';
import { closePanel, resetPanel } from './panel.js';
import { trendChart } from './charts.js';

const POLL_MS = 60000;        // the panel refreshes this often while it is open
const DAYS = [1, 7, 30, 90], DAYS_DEFAULT = 7;
const K_DAYS = 'komek.console.reports.days';
// The columns of the by-language and by-channel tables.
const COLUMNS = [
  { id: 'conversations', key: 'reports_conversations' },
  { id: 'containment_rate', key: 'reports_containment' },
  { id: 'first_contact_resolution', key: 'reports_fcr' },
  { id: 'handoffs', key: 'reports_handoffs' },
  { id: 'wait_p50', key: 'reports_wait_p50' },
  { id: 'service_level', key: 'reports_service_level' },
  { id: 'ces', key: 'reports_ces' },
  { id: 'effort_auto', key: 'reports_effort_auto' },
  { id: 'csat', key: 'reports_csat' }
];
const TIMES = [{ id: 'waiting_seconds', key: 'reports_wait' }, { id: 'first_reply_seconds', key: 'reports_first_reply' }];
// The survey scales (1 to N), when an answer does not carry its own; the automatic effort score
// (quality scoring) is on the CES scale.
const SCALES = { ces: 7, csat: 5, effort_auto: 7 };
// The per-day charts: the `daily` field each draws and how its values read.
const TRENDS = [
  { id: 'conversations', key: 'reports_conversations', kind: 'count' },
  { id: 'containment_rate', key: 'reports_containment', kind: 'rate' },
  { id: 'handoff_rate', key: 'reports_handoff_rate', kind: 'rate' },
  { id: 'first_contact_resolution', key: 'reports_fcr', kind: 'rate' },
  { id: 'service_level', key: 'reports_service_level', kind: 'rate' },
  { id: 'ces', key: 'reports_ces', kind: 'score' },
  { id: 'csat', key: 'reports_csat', kind: 'score' }
];
// What each figure means, in the help under the summary cards.
const HELP = [
  { kpi: 'first_contact_resolution', key: 'reports_fcr', help: 'reports_fcr_help' },
  { kpi: 'ces', key: 'reports_ces', help: 'reports_ces_help' },
  { kpi: 'effort_auto', key: 'reports_effort_auto', help: 'reports_effort_auto_help' },
  { kpi: 'csat', key: 'reports_csat', help: 'reports_csat_help' }
];

let denied = false;           // the server answered 403: no reports for this session
let data = null, dataDays = 0, loadedAt = 0;
let days = DAYS_DEFAULT, seq = 0, timer = null, errorKey = null;
let trends = null;            // the charts' container, built by buildTrends()

export function initReports() {
  registerPanel('reports', leaveReports);
  buildTrends();
  const saved = Number(stored('localStorage', K_DAYS));
  if (DAYS.indexOf(saved) >= 0) days = saved;
  ui.reportsDays.value = String(days);
  ui.reportsToggle.addEventListener('click', () => { if (view.reportsOpen) closeReports(); else openReports(); });
  ui.reportsBack.addEventListener('click', closeReports);
  ui.reportsRefresh.addEventListener('click', loadReports);
  ui.reportsDays.addEventListener('change', () => {
    const d = Number(ui.reportsDays.value);
    if (DAYS.indexOf(d) < 0) return;
    days = d;
    store('localStorage', K_DAYS, String(d));
    errorKey = null;
    renderReports();
    loadReports();
  });
  ui.reports.addEventListener('keydown', (e) => {
    if ((e.key === 'Escape' || e.key === 'Esc') && e.target.tagName !== 'SELECT') { e.preventDefault(); closeReports(); }
  });
}

function canReport() { return hasToken() && isSupervisor() && !denied; }

// Shows the Reports button to those who may see them (closing the panel for anyone else).
export function renderReportsAccess() {
  const ok = canReport();
  ui.reportsToggle.hidden = !ok;
  if (!ok && view.reportsOpen) closeReports();
  ui.reportsToggle.setAttribute('aria-pressed', view.reportsOpen ? 'true' : 'false');
}

function openReports() {
  if (!canReport()) return;
  if (!view.reportsOpen) {
    leavePanels('reports');
    view.reportsOpen = true;
    clearInterval(timer);
    timer = setInterval(() => { if (!document.hidden) loadReports(); }, POLL_MS);
    ui.reportsToggle.setAttribute('aria-pressed', 'true');
    renderMode();
    renderReports();
  }
  loadReports();
  ui.reportsDays.focus(); // also brings the panel into view where it sits below the lists (phones)
}

// Leaves the panel without re-rendering (the caller switches the main area itself).
export function leaveReports() {
  if (!view.reportsOpen && !timer) return;
  view.reportsOpen = false;
  seq++; // an answer still in flight is not wanted any more
  clearInterval(timer);
  timer = null;
  ui.reportsToggle.setAttribute('aria-pressed', 'false');
}

export function closeReports() {
  closePanel(view.reportsOpen, leaveReports, ui.reportsToggle);
}

// The session ended: nothing of it stays.
export function resetReports() {
  resetPanel(leaveReports, () => { denied = false; data = null; dataDays = 0; loadedAt = 0; errorKey = null; }, renderReportsAccess, renderReports);
}

// Polling pauses in a hidden tab; catch up when it is shown again.
export function catchUpReports() {
  if (view.reportsOpen && Date.now() - loadedAt >= POLL_MS) loadReports();
}

function loadReports() {
  if (!view.reportsOpen || !canReport()) return;
  const mine = ++seq, period = days;
  ui.reports.setAttribute('aria-busy', 'true');
  renderStatus();
  // The days of the charts are this browser's calendar days.
  const offset = -new Date().getTimezoneOffset();
  api('GET', '/analytics?days=' + period + '&utc_offset_minutes=' + offset).then((d) => {
    if (mine !== seq) return;
    ui.reports.setAttribute('aria-busy', 'false');
    data = d && typeof d === 'object' ? d : {};
    dataDays = period;
    loadedAt = Date.now();
    errorKey = null;
    renderReports();
  }, (e) => {
    if (mine !== seq) return;
    ui.reports.setAttribute('aria-busy', 'false');
    if (e.status === 401) return; // the session has ended and the login form is shown
    if (e.status === 403) {
      // Not (or no longer) a supervisor: the reports are not for this session.
      denied = true;
      data = null;
      renderReportsAccess();
      setNotice('reports_forbidden', 'warn');
      return;
    }
    errorKey = e.status === 0 ? 'error_network' : e.status === 429 ? 'error_rate_limited' : 'error_generic';
    renderStatus();
  });
}

function renderStatus() {
  let key = errorKey;
  // "Loading…" only while nothing for the chosen period is shown yet; refreshes stay quiet.
  if (!key && view.reportsOpen && dataDays !== days && ui.reports.getAttribute('aria-busy') === 'true') key = 'loading';
  ui.reportsStatus.textContent = key ? t(key) : '';
  ui.reportsStatus.hidden = !key;
  ui.reportsStatus.setAttribute('data-kind', errorKey ? 'error' : 'info');
}

// Renders everything from the last answer for the chosen period.
function renderReports() {
  const d = data && dataDays === days ? data : null;
  const o = d && d.overall && typeof d.overall === 'object' ? d.overall : null;
  ui.reports.setAttribute('data-days', d ? String(dataDays) : '');
  const from = d ? fmtDateTime(d.from) : '', to = d ? fmtDateTime(d.to) : '';
  ui.reportsRange.textContent = from && to ? from + ' – ' + to : '';
  ui.reportsUpdated.textContent = d && loadedAt ? fill('reports_updated', { time: fmtTime(new Date(loadedAt).toISOString()) }) : '';
  renderKpis(o);
  renderTrends(d);
  renderReasons(o, !!d);
  renderTimes(o);
  renderBreakdown(ui.reportsByLanguage, d && d.by_language, 'language', !!d);
  renderBreakdown(ui.reportsByChannel, d && d.by_channel, 'channel', !!d);
  renderStatus();
}

onLanguageChange(renderReports);

function stat(s, name, field) { const v = s && s[name]; return v && typeof v === 'object' ? v[field] : null; }

// The summary cards: #reports .kpi[data-kpi] in console.html.
function renderKpis(o) {
  ui.reportsKpis.querySelectorAll('.kpi[data-kpi]').forEach((card) => {
    const k = card.getAttribute('data-kpi');
    const val = card.querySelector('.kpi-value'), subEl = card.querySelector('.kpi-sub');
    let value = '—', sub = '';
    if (o) {
      switch (k) {
        case 'conversations': value = fmtCount(o.conversations); break;
        case 'handoffs':
          value = fmtCount(o.handoffs);
          if (isNum(o.handoffs) && isNum(o.conversations) && Number(o.conversations) > 0) {
            sub = fill('reports_of', { n: fmtCount(o.handoffs), total: fmtCount(o.conversations) });
          }
          break;
        case 'containment_rate':
          value = fmtRate(o.containment_rate);
          if (isNum(o.contained) && isNum(o.conversations)) sub = fill('reports_of', { n: fmtCount(o.contained), total: fmtCount(o.conversations) });
          break;
        case 'first_contact_resolution':
          value = fmtRate(o.first_contact_resolution);
          if (isNum(o.resolved_first_contact) && isNum(o.conversations)) {
            sub = fill('reports_of', { n: fmtCount(o.resolved_first_contact), total: fmtCount(o.conversations) });
          }
          break;
        case 'service_level':
          value = fmtRate(o.service_level);
          if (isNum(o.service_level_target_seconds)) {
            sub = fill('reports_sl_target', { time: fill('duration_seconds', { s: fmtCount(o.service_level_target_seconds) }) });
          }
          break;
        case 'ces': case 'csat':
          value = fmtScore(o[k], k);
          if (isNum(stat(o, k, 'n'))) sub = fill('reports_responses', { n: fmtCount(stat(o, k, 'n')) });
          break;
        case 'effort_auto':
          value = fmtScore(o[k], k);
          if (isNum(stat(o, k, 'n'))) sub = fill('reports_scored', { n: fmtCount(stat(o, k, 'n')) });
          break;
      }
    }
    if (val) { val.textContent = value; val.setAttribute('data-empty', value === '—' ? 'true' : 'false'); }
    if (subEl) subEl.textContent = sub;
  });
}

// Sorted by count, then in the policy's order. Before the first answer the list stays empty; "no
// data" is only said about a real answer.
function renderReasons(o, loaded) {
  const list = ui.reportsReasons;
  clear(list);
  const map = o && o.handoff_reasons && typeof o.handoff_reasons === 'object' ? o.handoff_reasons : {};
  const keys = Object.keys(map).filter((k) => isNum(map[k]) && Number(map[k]) >= 0);
  let total = 0, max = 0;
  keys.forEach((k) => { const n = Number(map[k]); total += n; if (n > max) max = n; });
  if (!total) {
    if (loaded) list.appendChild(label('li', 'reports-empty', 'reports_no_handoffs'));
    return;
  }
  keys.sort((a, b) => Number(map[b]) - Number(map[a]) || byOrder(REASONS, a, b));
  keys.forEach((k) => {
    const n = Number(map[k]);
    const li = el('li', 'reason-row', { 'data-reason': k, 'data-count': String(n) });
    li.appendChild(reasonName('span', 'reason-name', k));
    const bar = el('span', 'reason-bar', { 'aria-hidden': 'true' });
    const fillEl = el('span', 'reason-bar-fill');
    fillEl.style.width = (max ? Math.round(n / max * 1000) / 10 : 0) + '%';
    bar.appendChild(fillEl);
    li.appendChild(bar);
    li.appendChild(txt('span', 'reason-count', fmtCount(n)));
    li.appendChild(txt('span', 'reason-share', fmtRate(n / total)));
    list.appendChild(li);
  });
}

// Known keys in `order` first, the rest alphabetically.
function byOrder(order, a, b) {
  const ia = order.indexOf(a), ib = order.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
}

function renderTimes(o) {
  const table = ui.reportsTimes;
  clear(table);
  const head = el('tr');
  head.appendChild(el('td', 'reports-corner'));
  ['reports_p50', 'reports_p90', 'reports_max', 'reports_cases'].forEach((key) => {
    head.appendChild(label('th', 'num', key, { scope: 'col' }));
  });
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  TIMES.forEach((row) => {
    const tr = el('tr', null, { 'data-key': row.id });
    tr.appendChild(label('th', null, row.key, { scope: 'row' }));
    ['p50', 'p90', 'max'].forEach((f) => {
      tr.appendChild(txt('td', 'num', o ? fmtDuration(stat(o, row.id, f)) : '—', { 'data-col': f }));
    });
    tr.appendChild(txt('td', 'num', o ? fmtCount(stat(o, row.id, 'n')) : '—', { 'data-col': 'n' }));
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
}

function breakdownCell(s, col) {
  switch (col) {
    case 'conversations': case 'handoffs': return fmtCount(s[col]);
    case 'containment_rate': case 'first_contact_resolution': case 'service_level': return fmtRate(s[col]);
    case 'wait_p50': return fmtDuration(stat(s, 'waiting_seconds', 'p50'));
    case 'ces': case 'csat': case 'effort_auto': return fmtScore(s[col], col);
  }
  return '—';
}

// The figures per language or per channel (`kind`), one row each.
function renderBreakdown(table, map, kind, loaded) {
  clear(table);
  const head = el('tr');
  head.appendChild(label('th', null, kind, { scope: 'col' }));
  COLUMNS.forEach((c) => { head.appendChild(label('th', 'num', c.key, { scope: 'col', 'data-col': c.id })); });
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  map = map && typeof map === 'object' ? map : {};
  const order = kind === 'language' ? LANGS : CHANNELS;
  const keys = Object.keys(map).filter((k) => map[k] && typeof map[k] === 'object');
  keys.sort((a, b) => byOrder(order, a, b));
  keys.forEach((k) => {
    const tr = el('tr', null, { 'data-key': k });
    const th = el('th', 'reports-key', { scope: 'row' });
    if (kind === 'language') {
      th.appendChild(langBadge(k));
      const name = languageName(primary(k));
      if (name) th.appendChild(txt('span', 'reports-key-name', name, { lang: primary(k) }));
    } else {
      th.appendChild(channelLabel('span', 'reports-key-name', k));
    }
    tr.appendChild(th);
    COLUMNS.forEach((c) => { tr.appendChild(txt('td', 'num', breakdownCell(map[k], c.id), { 'data-col': c.id })); });
    tbody.appendChild(tr);
  });
  if (!keys.length && loaded) {
    const tr = el('tr', 'reports-empty-row');
    tr.appendChild(label('td', 'reports-empty', 'reports_no_data', { colspan: String(COLUMNS.length + 1) }));
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
}

// A survey mean with its scale: "6.0 / 7".
function fmtScore(m, question) {
  const mean = m && typeof m === 'object' ? m.mean : null;
  if (!isNum(mean)) return '—';
  return fill('reports_score', { value: fmtMean(mean), max: fmtCount(scaleOf(m, question)) });
}

function scaleOf(m, question) {
  return m && isNum(m.scale) && Number(m.scale) > 1 ? Number(m.scale) : SCALES[question];
}

// The trends card and the help on what the figures mean, after the summary cards (built once; the
// markup of console.html stays as it was).
function buildTrends() {
  const card = el('section', 'reports-card reports-trends', { 'aria-labelledby': 'reports-trends-title' });
  card.appendChild(label('h3', 'reports-h', 'reports_trends', { id: 'reports-trends-title' }));
  trends = el('div', 'trends', { id: 'reports-trends' });
  card.appendChild(trends);
  const help = el('details', 'reports-help', { id: 'reports-help' });
  help.appendChild(label('summary', 'reports-help-summary', 'reports_help'));
  const list = el('dl', 'reports-help-list');
  HELP.forEach((h) => {
    list.appendChild(label('dt', null, h.key));
    list.appendChild(label('dd', null, h.help, { id: 'reports-help-' + h.kpi }));
    const kpi = ui.reportsKpis.querySelector('.kpi[data-kpi="' + h.kpi + '"]');
    if (kpi) kpi.setAttribute('aria-describedby', 'reports-help-' + h.kpi);
  });
  help.appendChild(list);
  ui.reportsKpis.after(help, card);
}

// One chart per figure of `daily`; nothing before the first answer for the chosen period.
function renderTrends(d) {
  clear(trends);
  const daily = d && Array.isArray(d.daily) ? d.daily.filter((x) => x && typeof x === 'object' && x.date) : [];
  if (!daily.length) {
    if (d) trends.appendChild(label('p', 'reports-empty', 'reports_no_data'));
    return;
  }
  const rtl = document.documentElement.getAttribute('dir') === 'rtl';
  TRENDS.forEach((c) => {
    const values = daily.map((x) => ({ date: String(x.date), value: trendValue(x, c) }));
    trends.appendChild(trendChart(chartSpec(c, values, daily, rtl), values));
  });
}

function trendValue(day, c) {
  const v = c.kind === 'score' ? stat(day, c.id, 'mean') : day[c.id];
  return isNum(v) ? Number(v) : null;
}

// Scale, axis title and number format of one chart.
function chartSpec(c, values, daily, rtl) {
  const spec = { id: c.id, name: t(c.key), rtl: rtl, day: fmtDay, longDay: fmtLongDay };
  if (c.kind === 'rate') return Object.assign(spec, { axis: t('reports_axis_share'), ticks: [0, 0.5, 1], format: fmtRate });
  if (c.kind === 'score') {
    const scale = scaleOf(daily.map((x) => x[c.id]).find((m) => m && isNum(m.scale)), c.id);
    return Object.assign(spec, {
      axis: fill('reports_axis_score', { max: fmtCount(scale) }),
      ticks: [1, (1 + scale) / 2, scale],
      tick: fmtCount,
      format: (v) => fill('reports_score', { value: fmtMean(v), max: fmtCount(scale) })
    });
  }
  const step = niceStep(Math.max.apply(null, values.map((x) => x.value || 0)) / 2);
  return Object.assign(spec, { axis: t('reports_axis_count'), ticks: [0, step, 2 * step], format: fmtCount });
}

// 1, 2, 5, 10, 20, 50… at least `v` (and at least 1: a count scale never ends below 2).
function niceStep(v) {
  if (!(v > 1)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= v);
}

// "7 Mar" (axis) and "Fri, 7 Mar 2025" (table, description) of a YYYY-MM-DD date, in the UI language.
function fmtDay(date) { return fmtDate(date, { day: 'numeric', month: 'short' }); }
function fmtLongDay(date) { return fmtDate(date, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }); }
function fmtDate(date, opts) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  try { return at.toLocaleDateString(shownLang(), Object.assign({ timeZone: 'UTC' }, opts)); } catch (e) { return date; }
}
