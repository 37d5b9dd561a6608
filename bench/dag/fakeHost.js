/* global window */
// A fake VS Code host for the DAG webview in a plain browser: records what the app posts (with a
// timestamp, so the benchmark can time "message sent → painted") and lets a driver post messages.
(function () {
  const inbox = [];
  const waiters = [];
  let state;
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
    /** Posts a host message; returns the time it was sent. */
    send(message) {
      const at = performance.now();
      window.postMessage(message, '*');
      return at;
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
