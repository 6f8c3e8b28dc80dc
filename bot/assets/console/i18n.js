// The console's interface language: strings from /console/i18n.json (models/content/console/<lang>.toml),
// the built-in English copy until they arrive, the language picker, and re-translating the page.

import { ui, el, clear, str } from './dom.js';
import { FALLBACK } from './strings-en.js';
import { stored, store } from './storage.js';

export const LANGS = ['ru', 'kk', 'en', 'uk', 'uz', 'tr', 'de', 'es', 'fr', 'zh', 'ar'];
// Used for the language picker until (or if never) /console/i18n.json arrives.
const NAMES = {
  ru: 'Русский', kk: 'Қазақша', en: 'English', uk: 'Українська', uz: 'Oʻzbekcha', tr: 'Türkçe',
  de: 'Deutsch', es: 'Español', fr: 'Français', zh: '中文', ar: 'العربية'
};
const RTL = { ar: true };
const K_LANG = 'komek.console.lang';

let strings = null;           // {default, languages:{code:{name,dir,ui}}} once loaded
let stringsFailed = false;
let lang = 'en';
const listeners = [];

// The primary subtag of a language tag: "kk-KZ" → "kk".
export function primary(tag) { return tag ? String(tag).toLowerCase().split(/[-_]/)[0] : ''; }

// Until i18n.json arrives every shipped language can be picked; if it never arrives, only English.
function shipped() {
  return strings && strings.languages ? Object.keys(strings.languages) : (stringsFailed ? ['en'] : LANGS.slice());
}
function langInfo(code) { return (strings && strings.languages && strings.languages[code]) || null; }
// The language the page is actually shown in (English while the picked one's strings are missing).
export function shownLang() { return langInfo(lang) ? lang : 'en'; }
export function languageName(code) { const i = langInfo(code); return (i && i.name) || NAMES[code] || ''; }
function langDir(code) {
  const i = langInfo(code);
  return i && (i.dir === 'rtl' || i.dir === 'ltr') ? i.dir : (RTL[code] ? 'rtl' : 'ltr');
}

function lookup(key) {
  const cur = langInfo(lang), def = strings && langInfo(strings['default'] || 'en');
  return (cur && cur.ui && cur.ui[key]) || (def && def.ui && def.ui[key]) || '';
}
export function t(key) { return lookup(key) || FALLBACK[key] || key; }
// Whether `key` is a UI string (for names built from server values, such as reason_<reason>).
export function has(key) { return Object.prototype.hasOwnProperty.call(FALLBACK, key) || !!lookup(key); }
// A UI string with {name} placeholders filled in (as plain text).
export function fill(key, vars) {
  return t(key).replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(vars, k) ? str(vars[k]) : m));
}

// A node whose text is one UI string; applyStrings() re-translates it when the language changes.
export function label(tag, cls, key, attrs) { const n = el(tag, cls, attrs); setKey(n, key); return n; }
export function setKey(n, key) { n.setAttribute('data-i18n', key); n.textContent = t(key); }

// `render` re-draws text that data-i18n* attributes cannot carry; called on every applyStrings().
export function onLanguageChange(render) { listeners.push(render); }

// Re-applies every UI string on the page (static markup and dynamic nodes carry data-i18n*).
export function applyStrings() {
  const root = document.documentElement;
  root.setAttribute('lang', shownLang());
  root.setAttribute('dir', langDir(shownLang()));
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.getAttribute('data-i18n')); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((n) => {
    n.setAttribute('placeholder', t(n.getAttribute('data-i18n-placeholder')));
  });
  document.querySelectorAll('[data-i18n-label]').forEach((n) => {
    const s = t(n.getAttribute('data-i18n-label'));
    n.setAttribute('aria-label', s);
    if (n.tagName === 'BUTTON' || n.tagName === 'SELECT') n.title = s;
  });
  document.querySelectorAll('[data-i18n-title]').forEach((n) => { n.title = t(n.getAttribute('data-i18n-title')); });
  listeners.forEach((render) => render());
}

function resolveLang() {
  const avail = shipped(), saved = primary(stored('localStorage', K_LANG));
  if (saved && avail.indexOf(saved) >= 0) return saved;
  const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (const pref of prefs) {
    const p = primary(pref);
    if (p && avail.indexOf(p) >= 0) return p;
  }
  return avail.indexOf('en') >= 0 ? 'en' : avail[0];
}

function fillLangSelect() {
  const sel = ui.lang;
  clear(sel);
  const order = (code) => { const i = LANGS.indexOf(code); return i < 0 ? 99 : i; };
  shipped().sort((a, b) => order(a) - order(b)).forEach((code) => {
    const o = el('option', null, { value: code, lang: code });
    o.textContent = languageName(code) || code;
    sel.appendChild(o);
  });
  sel.value = lang;
}

function setLang(code) {
  if (shipped().indexOf(code) < 0) return;
  lang = code;
  store('localStorage', K_LANG, code);
  ui.lang.value = code;
  applyStrings();
}

// Picks the language (saved choice, then the browser's), fills the picker and loads the strings.
export function initLanguage() {
  lang = resolveLang();
  fillLangSelect();
  ui.lang.addEventListener('change', () => setLang(ui.lang.value));
}

export function loadStrings() {
  fetch('/console/i18n.json', { cache: 'no-cache' }).then((r) => (r.ok ? r.json() : null)).then((d) => {
    if (!d || !d.languages || typeof d.languages !== 'object' || !Object.keys(d.languages).length) throw new Error('no strings');
    strings = d;
  }).catch(() => {
    // Keep the built-in English strings (and offer only English, since nothing else can be shown).
    stringsFailed = true;
  }).then(() => {
    lang = resolveLang();
    fillLangSelect();
    applyStrings();
  });
}
