// The domain's names (roles, states, handoff reasons, facts, channels, emotions) and how the console
// shows them: a translated label for a known value, the raw value as text otherwise.

import { el, txt, str } from './dom.js';
import { t, has, label, primary, languageName } from './i18n.js';

export const ROLES = ['customer', 'bot', 'agent', 'system'];
export const STATES = ['bot', 'waiting_agent', 'with_agent', 'closed'];
export const REASONS = ['customer_request', 'negative_emotion', 'sensitive_intent', 'repeated_misunderstanding', 'repeat_contact', 'business_rule'];
export const CHANNELS = ['web', 'telegram'];
// The QA scorecard's criteria and what raises the automatic effort (handoff crate, `quality`).
export const CRITERIA = [
  'repeat_ask', 'language_mismatch', 'slow_reply', 'empathy_missed', 'escalation_missed', 'escalation_needless',
  'unresolved', 'promise_broken', 'closing_missed', 'agent_wording', 'note_leak'
];
export const EFFORT_REASONS = [
  'extra_turns', 'repeat_ask', 'misunderstanding', 'rephrase', 'waiting', 'transfer', 'channel_switch', 'repeat_contact', 'unresolved'
];
const EMOTIONS = ['angry', 'upset', 'neutral', 'positive'];
const FACTS = ['order_id', 'phone', 'email'];

export function customerName(c) {
  c = c || {};
  return str(c.name || c.email || c.phone || '').trim();
}

export function langBadge(code) {
  const b = txt('span', 'badge badge-lang', primary(code).toUpperCase() || '?');
  const name = languageName(primary(code));
  if (name) b.title = name;
  return b;
}

// Why a handoff happened; an unknown reason counts as a business rule.
export function reasonLabel(tag, cls, reason) {
  const r = str(reason);
  return label(tag, cls, REASONS.indexOf(r) >= 0 ? 'reason_' + r : 'reason_business_rule', { 'data-reason': r });
}

// A reason as the reports name it: an unknown one is shown as it is.
export function reasonName(tag, cls, reason) {
  const r = str(reason);
  return REASONS.indexOf(r) >= 0 || has('reason_' + r) ? label(tag, cls, 'reason_' + r) : txt(tag, cls, r.replace(/_/g, ' '));
}

export function factName(tag, cls, name) {
  const k = str(name);
  if (FACTS.indexOf(k) >= 0 || has('fact_' + k)) return label(tag, cls, 'fact_' + k);
  return txt(tag, cls, k.replace(/_/g, ' '));
}

export function channelLabel(tag, cls, ch) {
  const c = str(ch);
  if (!c) return el(tag, cls);
  const n = CHANNELS.indexOf(c) >= 0 ? label(tag, cls, 'channel_' + c) : txt(tag, cls, c);
  n.setAttribute('data-channel', c);
  n.setAttribute('data-i18n-title', 'channel');
  n.title = t('channel');
  return n;
}

export function emotionLabel(tag, cls, emo) {
  const e = str(emo);
  const n = EMOTIONS.indexOf(e) >= 0 ? label(tag, cls, 'emotion_' + e) : txt(tag, cls, e);
  n.setAttribute('data-emotion', e);
  return n;
}

// A topic (an intent of the brief) in the console's language; an unknown one humanised, never its id.
export function topicLabel(tag, cls, intent) {
  const i = str(intent);
  const n = has('intent_' + i) ? label(tag, cls, 'intent_' + i) : txt(tag, cls, i.replace(/_/g, ' '));
  n.setAttribute('data-intent', i);
  return n;
}

// An order status in the console's language.
export function statusLabel(tag, cls, status) {
  const s = str(status);
  const n = has('status_' + s) ? label(tag, cls, 'status_' + s) : txt(tag, cls, s.replace(/_/g, ' '));
  n.setAttribute('data-status', s);
  return n;
}

// A QA criterion in the console's language; an unknown one humanised, never its id alone.
export function criterionLabel(tag, cls, criterion) {
  const c = str(criterion);
  const n = CRITERIA.indexOf(c) >= 0 || has('criterion_' + c) ? label(tag, cls, 'criterion_' + c) : txt(tag, cls, c.replace(/_/g, ' '));
  n.setAttribute('data-criterion', c);
  return n;
}

// What made a conversation harder for the customer (an effort reason's `what`).
export function effortReasonLabel(tag, cls, what) {
  const w = str(what);
  const n = EFFORT_REASONS.indexOf(w) >= 0 || has('effort_' + w) ? label(tag, cls, 'effort_' + w) : txt(tag, cls, w.replace(/_/g, ' '));
  n.setAttribute('data-what', w);
  return n;
}
