// Web storage can throw (private modes, disabled storage); the console must still work without it.
// `area` is 'localStorage' (kept across visits) or 'sessionStorage' (this tab only).

export function stored(area, key) {
  try { return window[area].getItem(key); } catch (e) { return null; }
}

export function store(area, key, value) {
  try {
    if (value == null) window[area].removeItem(key); else window[area].setItem(key, value);
  } catch (e) { /* the console works without storage */ }
}
