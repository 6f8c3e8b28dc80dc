// In-app dialogs in place of the browser's confirm(), alert() and prompt(), which cannot be styled,
// translated or mirrored, and block the page (live frames included). One modal <dialog> at a time:
// role=alertdialog, labelled and described by UI strings (re-translated with the page), focus moved
// into it and given back, Tab kept inside, Escape cancelling.

import { el } from './dom.js';
import { label } from './i18n.js';

let current = null;           // {dialog, finish} of the dialog on screen

// Asks a yes/no question; resolves true when the person confirms, false on Cancel or Escape.
// keys: {title, body, confirm, cancel} UI string keys; danger: confirming ends or destroys something,
// so the button says so and focus starts on Cancel (the harmless choice).
export function confirmDialog(keys, danger) {
  dismissDialog();
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const dialog = el('dialog', 'dialog', {
      role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'dialog-title', 'aria-describedby': 'dialog-body'
    });
    dialog.appendChild(label('h2', 'dialog-title', keys.title, { id: 'dialog-title' }));
    dialog.appendChild(label('p', 'dialog-body', keys.body, { id: 'dialog-body' }));
    const actions = el('div', 'dialog-actions');
    const cancel = label('button', 'btn dialog-cancel', keys.cancel, { type: 'button' });
    const confirm = label('button', 'btn dialog-confirm ' + (danger ? 'btn-danger-solid' : 'btn-primary'), keys.confirm, { type: 'button' });
    actions.appendChild(cancel);
    actions.appendChild(confirm);
    dialog.appendChild(actions);

    const finish = (answer) => {
      if (!current || current.dialog !== dialog) return;
      current = null;
      if (dialog.open) dialog.close();
      dialog.remove();
      giveFocusBack(opener);
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(false));
    confirm.addEventListener('click', () => finish(true));
    // Escape: the browser's own cancel, and the key itself (a second Escape may skip 'cancel').
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); finish(false); });
    dialog.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' || e.key === 'Esc') { e.preventDefault(); finish(false); }
      else if (e.key === 'Tab') keepFocusInside(e, [cancel, confirm]);
    });
    dialog.addEventListener('close', () => finish(false));

    current = { dialog, finish };
    document.body.appendChild(dialog);
    dialog.showModal();
    (danger ? cancel : confirm).focus();
  });
}

// Takes any open dialog away as cancelled (the session ended, the view changed under it).
export function dismissDialog() {
  if (current) current.finish(false);
}

// Tab and Shift+Tab cycle through the dialog's buttons (showModal makes the page inert, but the
// browser's own toolbar would otherwise take focus).
function keepFocusInside(e, buttons) {
  const i = buttons.indexOf(document.activeElement);
  const next = e.shiftKey ? (i <= 0 ? buttons.length - 1 : i - 1) : (i + 1) % buttons.length;
  e.preventDefault();
  buttons[next].focus();
}

// Back to what had focus before, when it can still take it.
function giveFocusBack(opener) {
  if (opener && opener !== document.body && document.contains(opener) && !opener.disabled && opener.getClientRects().length) {
    opener.focus({ preventScroll: true });
  }
}
