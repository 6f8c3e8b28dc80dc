/* The live connection to Komek: a WebSocket that reconnects by itself. One source for the agent
 * console and the chat widget. The widget must stay one classic <script> that any site can embed, so
 * this file has no import/export and touches nothing global: the server (bot/src/http/assets.rs)
 * serves it to the console as the ES module /shared/socket.js with `export { liveSocket };` appended,
 * and inlines it into the private scope of /widget.js. Plain ES2018. */

// 1 s doubling to 15 s, ±20 % jitter so many clients do not reconnect in lockstep.
function backoff(attempt) {
  const base = Math.min(15000, 1000 * Math.pow(2, attempt));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

// options:
//   url()          the address to connect to, or null while there is nothing to connect for
//   onStatus()     the socket opened or closed; status() tells which
//   onOpen()       it just opened: time to fetch whatever was missed meanwhile
//   onFrame(data)  a JSON object from the server
//   onRefused()    optional: it closed without ever opening. A refused upgrade (an expired token, a
//                  forgotten session) looks like any other failure, so ask the HTTP API; the retry
//                  waits for the promise this returns, and none happens once url() gives null.
function liveSocket(options) {
  let ws = null, open = false, everOpen = false, attempt = 0, timer = null;

  function setOpen(on) {
    open = on;
    if (on) everOpen = true;
    options.onStatus();
  }

  function connect() {
    const url = options.url();
    if (!url || ws) return;
    clearTimeout(timer);
    let sock, opened = false;
    try { sock = new WebSocket(url); } catch (e) { retryLater(); return; }
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock) return;
      opened = true; attempt = 0;
      setOpen(true);
      options.onOpen();
    };
    sock.onmessage = function (ev) {
      if (ws !== sock) return;
      let data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (data && typeof data === 'object') options.onFrame(data);
    };
    sock.onerror = function () { /* onclose follows */ };
    sock.onclose = function () {
      if (ws !== sock) return;
      ws = null;
      setOpen(false);
      if (!opened && options.onRefused) Promise.resolve(options.onRefused()).then(retryLater, retryLater);
      else retryLater();
    };
  }

  function retryLater() {
    if (!options.url() || ws) return;
    clearTimeout(timer);
    timer = setTimeout(connect, backoff(attempt++));
  }

  return {
    connect: connect,
    // Back online, or the tab is shown again: try at once instead of waiting out the backoff.
    reconnectNow: function () {
      if (options.url() && !ws) { attempt = 0; connect(); }
    },
    // The session is over: close without reconnecting; the next connect() starts afresh.
    stop: function () {
      if (ws) {
        const old = ws;
        ws = null;
        old.onclose = null;
        try { old.close(); } catch (e) { /* already closed */ }
      }
      clearTimeout(timer);
      attempt = 0; everOpen = false;
      setOpen(false);
    },
    // Sends one frame if the socket is open; frames are never queued.
    send: function (data) {
      if (!ws || !open) return false;
      try { ws.send(JSON.stringify(data)); return true; } catch (e) { return false; }
    },
    // 'open', 'reconnecting' (it was open before) or 'connecting'.
    status: function () { return open ? 'open' : (everOpen ? 'reconnecting' : 'connecting'); }
  };
}
