// The brief beside the conversation: why the customer was handed over, the summary, mood, details,
// topics, what the bot already answered and past contacts.

import { ui, el, txt, clear, str } from './dom.js';
import { label } from './i18n.js';
import { fmtTime, fmtDateTime, fmtMoney, fmtDate } from './format.js';
import { REASONS, reasonLabel, factName, emotionLabel, topicLabel, statusLabel } from './labels.js';

let shownSig = '';            // the brief on screen, as JSON: an unchanged brief is not re-drawn

// Forget what is shown, so the next renderBrief() draws even an identical brief.
export function resetBrief() { shownSig = ''; }

export function renderBrief(b) {
  b = b || {};
  let sig;
  try { sig = JSON.stringify(b); } catch (e) { sig = String(Math.random()); }
  if (sig === shownSig) return;
  shownSig = sig;
  const root = ui.brief;
  const reason = root.querySelector('.brief-reason'), summary = root.querySelector('.brief-summary'),
    facts = root.querySelector('.brief-facts'), intents = root.querySelector('.brief-intents'),
    emotion = root.querySelector('.brief-emotion'), past = root.querySelector('.brief-past'),
    answers = root.querySelector('.brief-answers');
  [reason, facts, intents, emotion, past, answers].forEach(clear);

  renderReason(reason, b);

  renderSummary(summary, b);

  const keys = b.facts && typeof b.facts === 'object' ? Object.keys(b.facts) : [];
  keys.forEach((k) => {
    const row = el('div', 'fact-row');
    row.appendChild(factName('dt', 'fact-name', k));
    const dd = el('dd', 'fact', { 'data-name': k });
    dd.appendChild(txt('bdi', 'fact-value', str(b.facts[k]), { dir: 'auto' }));
    if (k === 'order_id' && b.order && str(b.order.id) === str(b.facts[k])) dd.appendChild(orderFacts(b.order));
    row.appendChild(dd);
    facts.appendChild(row);
  });
  if (!keys.length) facts.appendChild(label('div', 'brief-empty', 'none'));

  const ints = Array.isArray(b.intents) ? b.intents : [];
  ints.forEach((i) => { intents.appendChild(topicLabel('li', 'chip chip-intent', i)); });
  if (!ints.length) intents.appendChild(label('li', 'brief-empty', 'none'));

  renderEmotion(emotion, b.emotion && typeof b.emotion === 'object' ? b.emotion : null);
  renderPast(past, Array.isArray(b.past_contacts) ? b.past_contacts : []);
  renderAnswers(answers, Array.isArray(b.bot_answers) ? b.bot_answers : []);
}

// The summary in the console's language: why, what the customer wants, the order as it stands, how
// they feel and how often they contacted us — built from the brief's facts, never the customer's
// language or internal names.
function renderSummary(summary, b) {
  clear(summary);
  summary.removeAttribute('lang');
  const parts = [];
  parts.push(reasonLabel('span', 'sum-reason', b.reason));
  const ints = Array.isArray(b.intents) ? b.intents : [];
  if (ints.length) {
    const p = el('span', 'sum-topics');
    p.appendChild(label('span', 'sum-label', 'summary_asked_about'));
    p.appendChild(document.createTextNode(': '));
    ints.forEach((i, n) => {
      if (n) p.appendChild(document.createTextNode(', '));
      p.appendChild(topicLabel('span', 'sum-topic', i));
    });
    parts.push(p);
  }
  if (b.order && b.order.id != null) {
    const p = el('span', 'sum-order');
    p.appendChild(label('span', 'sum-label', 'fact_order_id'));
    p.appendChild(document.createTextNode(' '));
    p.appendChild(txt('bdi', null, str(b.order.id)));
    p.appendChild(document.createTextNode(': '));
    p.appendChild(orderFacts(b.order));
    parts.push(p);
  }
  const emo = b.emotion && typeof b.emotion === 'object' ? b.emotion : null;
  if (emo && emo.current && emo.current !== 'neutral') {
    const p = el('span', 'sum-mood');
    p.appendChild(label('span', 'sum-label', 'summary_emotion'));
    p.appendChild(document.createTextNode(': '));
    p.appendChild(emotionLabel('span', 'emo', emo.current));
    parts.push(p);
  }
  const past = Array.isArray(b.past_contacts) ? b.past_contacts.length : 0;
  if (past) {
    const p = el('span', 'sum-past');
    p.appendChild(label('span', 'sum-label', 'summary_past_contacts'));
    p.appendChild(document.createTextNode(': ' + past));
    parts.push(p);
  }
  parts.forEach((p, n) => {
    if (n) summary.appendChild(document.createTextNode(' · '));
    summary.appendChild(p);
  });
}

// An order as the back office has it: status, amount and the status's date.
function orderFacts(o) {
  const s = el('span', 'order-facts');
  s.appendChild(statusLabel('span', 'order-status', o.status));
  const amount = fmtMoney(o.amount, o.currency);
  if (amount) s.appendChild(txt('span', 'order-amount', ', ' + amount));
  const date = fmtDate(o.status_date);
  if (date) s.appendChild(txt('span', 'order-date', ', ' + date));
  return s;
}

// The reason, its raw name when unknown, and the policy rule that fired.
function renderReason(reason, b) {
  if (b.reason != null || b.rule != null) {
    reason.appendChild(reasonLabel('span', 'reason-label', b.reason));
    const r = str(b.reason);
    if (r && REASONS.indexOf(r) < 0) reason.appendChild(txt('code', 'reason-raw', r, { dir: 'ltr' }));
    if (b.rule != null && str(b.rule) !== '' && str(b.rule) !== r) {
      const rule = el('span', 'reason-rule');
      rule.appendChild(label('span', 'reason-rule-label', 'rule'));
      rule.appendChild(txt('code', 'reason-rule-value', str(b.rule), { dir: 'ltr' }));
      reason.appendChild(rule);
    }
  }
  reason.setAttribute('data-reason', str(b.reason));
}

// The current emotion with its score, then the trend.
function renderEmotion(emotion, emo) {
  if (!emo || !emo.current) {
    emotion.removeAttribute('data-emotion');
    emotion.appendChild(label('p', 'brief-empty', 'none'));
    return;
  }
  emotion.setAttribute('data-emotion', str(emo.current));
  const cur = el('div', 'emotion-current');
  cur.appendChild(emotionLabel('span', 'emo emo-current', emo.current));
  const score = Number(emo.score);
  if (emo.score != null && isFinite(score)) cur.appendChild(txt('span', 'emotion-score', Math.round(score * 100) + '%'));
  emotion.appendChild(cur);
  if (Array.isArray(emo.trend) && emo.trend.length) {
    const tr = el('div', 'emotion-trend');
    tr.appendChild(label('span', 'emotion-trend-label', 'emotion_trend'));
    const ol = el('ol', 'emotion-steps');
    emo.trend.forEach((e) => { const li = el('li'); li.appendChild(emotionLabel('span', 'emo', e)); ol.appendChild(li); });
    tr.appendChild(ol);
    emotion.appendChild(tr);
  }
}

function renderPast(past, contacts) {
  contacts.forEach((pc) => {
    if (!pc) return;
    const li = el('li', 'past-item', { 'data-conversation-id': str(pc.conversation_id) });
    const head = el('div', 'past-head');
    head.appendChild(txt('time', 'past-time', fmtDateTime(pc.started_at), { datetime: str(pc.started_at) }));
    if (pc.handed_off) head.appendChild(label('span', 'badge badge-handed', 'handed_off'));
    li.appendChild(head);
    if (Array.isArray(pc.intents) && pc.intents.length) {
      const ch = el('ul', 'chips');
      pc.intents.forEach((i) => { ch.appendChild(topicLabel('li', 'chip chip-intent', i)); });
      li.appendChild(ch);
    }
    past.appendChild(li);
  });
  if (!contacts.length) past.appendChild(label('li', 'brief-empty', 'no_past_contacts'));
}

function renderAnswers(answers, list) {
  list.forEach((a) => {
    if (!a) return;
    const li = el('li', 'answer-item');
    const head = el('div', 'answer-head');
    if (a.intent) head.appendChild(topicLabel('span', 'chip chip-intent', a.intent));
    if (a.at) head.appendChild(txt('time', 'answer-time', fmtTime(a.at), { datetime: str(a.at), title: fmtDateTime(a.at) }));
    li.appendChild(head);
    li.appendChild(txt('p', 'answer-text', str(a.text), { dir: 'auto' }));
    answers.appendChild(li);
  });
  if (!list.length) answers.appendChild(label('li', 'brief-empty', 'no_bot_answers'));
}
