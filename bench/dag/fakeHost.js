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
    /** Keeps a message, as the JSON text VS Code's extension host makes of it, for sendStaged. */
    stage(wire) {
      staged = wire;
    },
    /**
     * Delivers the staged message the way VS Code does, from a task of its own: the workbench
     * undoes the extension host's JSON.stringify (JSON.parse), then posts the object into the
     * webview frame (a structured clone). Resolves with the time the delivery started.
     * Its own task matters: posting from inside a Playwright evaluate left the app's message
     * event queued behind the rest of the DevTools-protocol evaluate task (20-100 ms).
     */
    sendStaged() {
      const wire = staged;
      staged = undefined;
      return new Promise((resolve) =>
        setTimeout(() => {
          const at = performance.now();
          window.postMessage(JSON.parse(wire), '*');
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
