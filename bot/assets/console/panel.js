// What the panels that take the main area's place (the reports, the quality view) do alike when
// they close and when the session ends. Each panel keeps its own leave() (registered with view.js),
// which gives the main area back without re-rendering.

import { renderMode } from './view.js';

// Closes a panel: leaves it, shows the main area again and, if it was open, gives the focus back to
// its button (unless the button is hidden: the session ended or the panel is not allowed any more).
export function closePanel(wasOpen, leave, toggle) {
  leave();
  renderMode();
  if (wasOpen && !toggle.hidden) toggle.focus({ preventScroll: true });
}

// The session ended: leaves the panel, forgets what it held, then renders who may open it and the
// (now empty) panel.
export function resetPanel(leave, forget, renderAccess, render) {
  leave();
  forget();
  renderAccess();
  render();
}
