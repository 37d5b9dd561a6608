/* global window */
// A fake VS Code host for the DAG webview in a plain browser: records what the app posts (with a
// timestamp, so the benchmark can time "message delivered → painted") and delivers the driver's messages
// the way VS Code does (see sendStaged).
(function () {
  const inbox = [];
  const waiters = [];
  let state;
  let staged;
  window.acquireVsCodeApi = function () {
    return {
      postMessage(message) {
        const entry = { at: performance.now(), message };
        inbox.push(entry);
        for (const w of waiters.splice(0)) if (!w(entry)) waiters.push(w);
      },
      getState: () => state,
      setState: (s) => {
        state = s;
      },
    };
  };
  window.fakeHost = {
    inbox,
    /**
     * Keeps a message as VS Code's extension host puts it on the wire (vscodeWire.ts): JSON text, and
     * the binary parts apart. `bufferTexts` carries those parts as text across the DevTools protocol
     * (they are UTF-8 JSON); they become bytes again here, before anything is timed.
     */
    stage(json, bufferTexts) {
      const encoder = new TextEncoder();
      staged = { json, buffers: (bufferTexts || []).map((t) => encoder.encode(t).buffer) };
    },
    /**
     * Delivers the staged message the way VS Code does, from a task of its own: the workbench
     * parses the extension host's JSON text, puts views over the binary parts back where the
     * references were, then posts the message into the webview frame (a structured clone, the
     * buffers transferred). Resolves with the time the delivery started.
     * Its own task matters: posting from inside a Playwright evaluate left the app's message
     * event queued behind the rest of the DevTools-protocol evaluate task (20-100 ms).
     */
    sendStaged() {
      const { json, buffers } = staged;
      staged = undefined;
      return new Promise((resolve) =>
        setTimeout(() => {
          const at = performance.now();
          const message = JSON.parse(json, (_key, value) =>
            value && typeof value === 'object' && typeof value.$bufferRef === 'number'
              ? new Uint8Array(buffers[value.$bufferRef], value.byteOffset, value.byteLength)
              : value,
          );
          window.postMessage(message, '*', buffers);
          resolve(at);
        }, 0),
      );
    },
    /** Resolves with the next posted message (after `since`) that matches `type`. */
    next(type, since) {
      const found = inbox.find((e) => e.message.type === type && e.at >= (since || 0));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        waiters.push((e) => {
          if (e.message.type === type && e.at >= (since || 0)) {
            resolve(e);
            return true;
          }
          return false;
        });
      });
    },
  };
})();
