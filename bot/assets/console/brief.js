// The brief beside the conversation: why the customer was handed over, the summary, mood, details,
// topics, what the bot already answered and past contacts.

import { ui, el, txt, clear, str } from './dom.js';
import { label, primary } from './i18n.js';
import { fmtTime, fmtDateTime } from './format.js';
import { REASONS, reasonLabel, factName, emotionLabel } from './labels.js';

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

  summary.textContent = str(b.summary);
  if (b.language) summary.setAttribute('lang', primary(b.language)); else summary.removeAttribute('lang');

  const keys = b.facts && typeof b.facts === 'object' ? Object.keys(b.facts) : [];
  keys.forEach((k) => {
    const row = el('div', 'fact-row');
    row.appendChild(factName('dt', 'fact-name', k));
    row.appendChild(txt('dd', 'fact', str(b.facts[k]), { 'data-name': k, dir: 'auto' }));
    facts.appendChild(row);
  });
  if (!keys.length) facts.appendChild(label('div', 'brief-empty', 'none'));

  const ints = Array.isArray(b.intents) ? b.intents : [];
  ints.forEach((i) => { intents.appendChild(txt('li', 'chip chip-intent', str(i), { dir: 'ltr', 'data-intent': str(i) })); });
  if (!ints.length) intents.appendChild(label('li', 'brief-empty', 'none'));

  renderEmotion(emotion, b.emotion && typeof b.emotion === 'object' ? b.emotion : null);
  renderPast(past, Array.isArray(b.past_contacts) ? b.past_contacts : []);
  renderAnswers(answers, Array.isArray(b.bot_answers) ? b.bot_answers : []);
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
      pc.intents.forEach((i) => { ch.appendChild(txt('li', 'chip chip-intent', str(i), { dir: 'ltr' })); });
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
    if (a.intent) head.appendChild(txt('span', 'chip chip-intent', str(a.intent), { dir: 'ltr' }));
    if (a.at) head.appendChild(txt('time', 'answer-time', fmtTime(a.at), { datetime: str(a.at), title: fmtDateTime(a.at) }));
    li.appendChild(head);
    li.appendChild(txt('p', 'answer-text', str(a.text), { dir: 'auto' }));
    answers.appendChild(li);
  });
  if (!list.length) answers.appendChild(label('li', 'brief-empty', 'no_bot_answers'));
}
