// Times, waits, numbers and durations, written in the UI language's format.

import { shownLang, fill } from './i18n.js';
import { str } from './dom.js';

// Milliseconds since the epoch of an ISO time, 0 when there is none.
export function time(v) { const d = Date.parse(v); return isNaN(d) ? 0 : d; }

export function fmtTime(v) {
  const d = time(v);
  if (!d) return '';
  try { return new Date(d).toLocaleTimeString(shownLang(), { hour: '2-digit', minute: '2-digit' }); } catch (e) { return ''; }
}

export function fmtDateTime(v) {
  const d = time(v);
  if (!d) return '';
  try {
    return new Date(d).toLocaleString(shownLang(), { dateStyle: 'medium', timeStyle: 'short' });
  } catch (e) {
    return new Date(d).toLocaleString();
  }
}

// A waiting time as a clock: "4:05", "1:02:03".
export function fmtWait(sec) {
  sec = Math.max(0, Math.floor(sec));
  const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
  const ss = (s < 10 ? '0' : '') + s;
  return h ? h + ':' + (m < 10 ? '0' : '') + m + ':' + ss : m + ':' + ss;
}

// Report figures; "—" when there is no value.
export function isNum(v) { return v != null && v !== '' && typeof v !== 'boolean' && isFinite(Number(v)); }
function fmtNum(v, opts) {
  if (!isNum(v)) return '—';
  try { return Number(v).toLocaleString(shownLang(), opts); } catch (e) { return String(v); }
}
export function fmtCount(v) { return fmtNum(isNum(v) ? Math.round(Number(v)) : v, { maximumFractionDigits: 0 }); }
export function fmtRate(v) { return fmtNum(v, { style: 'percent', maximumFractionDigits: 0 }); }
export function fmtMean(v) { return fmtNum(v, { minimumFractionDigits: 1, maximumFractionDigits: 1 }); }
function pad2(n) { return fmtNum(n, { minimumIntegerDigits: 2, useGrouping: false }); }

// "35 s", "1 min 05 s", "2 h 03 min" with the UI language's units (duration_* templates).
export function fmtDuration(v) {
  if (!isNum(v)) return '—';
  const sec = Math.max(0, Math.round(Number(v)));
  if (sec < 60) return fill('duration_seconds', { s: fmtCount(sec) });
  if (sec < 3600) return fill('duration_minutes', { m: fmtCount(Math.floor(sec / 60)), s: pad2(sec % 60) });
  const min = Math.round(sec / 60);
  return fill('duration_hours', { h: fmtCount(Math.floor(min / 60)), m: pad2(min % 60) });
}

// An amount in whole units of `currency` (ISO 4217), in the UI language's format.
export function fmtMoney(amount, currency) {
  if (!isNum(amount)) return '';
  const cur = str(currency).toUpperCase();
  try {
    return new Intl.NumberFormat(shownLang(), { style: 'currency', currency: cur, minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(Number(amount));
  } catch (e) {
    return String(amount) + ' ' + cur;
  }
}

// A date (unix ms) without the time.
export function fmtDate(ms) {
  if (!isNum(ms) || !Number(ms)) return '';
  try { return new Date(Number(ms)).toLocaleDateString(shownLang(), { dateStyle: 'medium' }); } catch (e) { return ''; }
}
