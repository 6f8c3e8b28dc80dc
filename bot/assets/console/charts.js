// Per-day trend charts for the reports panel, drawn by the page itself as inline SVG (no library, no
// CDN): one point per day that has a value, joined by a line that breaks where a day has none;
// gridlines with scale labels; the days along the bottom, running right to left for right-to-left
// languages; a <title>/<desc> for screen readers and a visually hidden table of every day's value.

import { el, txt } from './dom.js';
import { t, fill } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const W = 360, H = 180;
// Drawn left to right, then mirrored as a whole for right-to-left: `start` holds the scale labels
// and the vertical axis title, `bottom` the days and the horizontal axis title.
const PAD = { start: 52, end: 14, top: 12, bottom: 44 };
const MAX_DAY_LABELS = 6;
const POINT_R = 3.2;

let serial = 0;               // unique ids for aria-labelledby

function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs || {}).forEach((k) => n.setAttribute(k, attrs[k]));
  if (text != null) n.textContent = text;
  return n;
}

// spec: {id, name (the figure's title), axis (the vertical axis title), ticks (values, low to high;
// the first and last bound the scale), format(value) → text, tick(value) → a scale label (format
// when absent), day(date) → short text for the axis, longDay(date) → text for the table, rtl}.
// days: [{date, value (a number or null)}], oldest first.
export function trendChart(spec, days) {
  const id = 'trend-' + (++serial);
  const figure = el('figure', 'trend', { 'data-trend': spec.id, 'data-days': String(days.length) });
  figure.appendChild(txt('figcaption', 'trend-title', spec.name, { id: id + '-caption', 'aria-hidden': 'true' }));
  figure.appendChild(drawing(spec, days, id));
  figure.appendChild(valuesTable(spec, days));
  return figure;
}

function drawing(spec, days, id) {
  const lo = spec.ticks[0], hi = spec.ticks[spec.ticks.length - 1];
  const plotW = W - PAD.start - PAD.end, plotH = H - PAD.top - PAD.bottom;
  // Left-to-right coordinates, mirrored at the end for right-to-left pages.
  const flip = (x) => (spec.rtl ? W - x : x);
  const anchor = (a) => (!spec.rtl ? a : a === 'start' ? 'end' : a === 'end' ? 'start' : a);
  const xAt = (i) => PAD.start + (days.length > 1 ? (i * plotW) / (days.length - 1) : plotW / 2);
  const yAt = (v) => PAD.top + plotH - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo || 1)) * plotH;

  const root = svg('svg', {
    class: 'trend-svg', viewBox: '0 0 ' + W + ' ' + H, role: 'img', focusable: 'false',
    'aria-labelledby': id + '-title ' + id + '-desc', direction: 'ltr'
  });
  root.appendChild(svg('title', { id: id + '-title' }, spec.name));
  root.appendChild(svg('desc', { id: id + '-desc' }, describe(spec, days)));

  const grid = svg('g', { class: 'trend-grid' });
  spec.ticks.forEach((v) => {
    const y = yAt(v);
    grid.appendChild(svg('line', { x1: flip(PAD.start), x2: flip(W - PAD.end), y1: y, y2: y, class: v === lo ? 'trend-baseline' : 'trend-gridline' }));
    grid.appendChild(svg('text', { x: flip(PAD.start - 6), y: y + 3.5, 'text-anchor': anchor('end'), class: 'trend-tick trend-tick-y' }, (spec.tick || spec.format)(v)));
  });
  root.appendChild(grid);

  const xLabels = svg('g', { class: 'trend-x' });
  const every = Math.max(1, Math.ceil(days.length / MAX_DAY_LABELS));
  days.forEach((d, i) => {
    // The latest day is always labelled; the others at an even spacing back from it.
    if ((days.length - 1 - i) % every !== 0) return;
    xLabels.appendChild(svg('text', { x: flip(xAt(i)), y: H - PAD.bottom + 15, 'text-anchor': 'middle', class: 'trend-tick trend-tick-x', 'data-date': d.date }, spec.day(d.date)));
  });
  root.appendChild(xLabels);

  const midY = PAD.top + plotH / 2, yTitleX = flip(11);
  root.appendChild(svg('text', {
    x: yTitleX, y: midY, 'text-anchor': 'middle', transform: 'rotate(-90 ' + yTitleX + ' ' + midY + ')', class: 'trend-axis-title trend-axis-y'
  }, spec.axis));
  root.appendChild(svg('text', { x: flip(PAD.start + plotW / 2), y: H - 6, 'text-anchor': 'middle', class: 'trend-axis-title trend-axis-x' }, t('reports_axis_day')));

  let path = '', gap = true;
  const points = svg('g', { class: 'trend-points' });
  days.forEach((d, i) => {
    if (d.value == null) { gap = true; return; }
    const x = flip(xAt(i)), y = yAt(d.value);
    path += (gap ? 'M' : 'L') + x.toFixed(1) + ' ' + y.toFixed(1);
    gap = false;
    const point = svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: POINT_R, class: 'trend-point', 'data-date': d.date, 'data-value': String(d.value) });
    point.appendChild(svg('title', null, spec.day(d.date) + ': ' + spec.format(d.value)));
    points.appendChild(point);
  });
  if (path) root.appendChild(svg('path', { d: path, class: 'trend-line' }));
  root.appendChild(points);
  return root;
}

// "Conversations by day, 1 Mar to 7 Mar: lowest 0, highest 12." or "no data".
function describe(spec, days) {
  const values = days.map((d) => d.value).filter((v) => v != null);
  if (!days.length || !values.length) return spec.name + ': ' + t('reports_no_data');
  return fill('reports_chart_desc', {
    name: spec.name,
    from: spec.longDay(days[0].date),
    to: spec.longDay(days[days.length - 1].date),
    min: spec.format(Math.min.apply(null, values)),
    max: spec.format(Math.max.apply(null, values))
  });
}

// Every day's value, for screen readers and keyboard users (the drawing itself is one image).
function valuesTable(spec, days) {
  const wrap = el('div', 'sr-only trend-values');
  const table = el('table', 'trend-table');
  wrap.appendChild(table);
  table.appendChild(txt('caption', null, fill('reports_chart_values', { name: spec.name })));
  const head = el('tr');
  head.appendChild(txt('th', null, t('reports_axis_day'), { scope: 'col' }));
  head.appendChild(txt('th', null, spec.name, { scope: 'col' }));
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  days.forEach((d) => {
    const tr = el('tr', null, { 'data-date': d.date });
    tr.appendChild(txt('th', null, spec.longDay(d.date), { scope: 'row' }));
    tr.appendChild(txt('td', null, d.value == null ? '—' : spec.format(d.value)));
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
  return wrap;
}
