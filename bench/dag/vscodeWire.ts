/**
 * What VS Code's extension host makes of a `webview.postMessage` message before it leaves for the
 * workbench (extensions whose engine is ≥ 1.57): typed arrays and ArrayBuffers are taken out of the
 * message, replaced by numbered references, and travel as binary; the rest becomes JSON text. The
 * workbench parses the text, puts views over the received buffers back in place of the references,
 * and posts the message into the webview frame with the buffers transferred (fakeHost.js does that
 * half). The bench times this half in Node, as the host's cost of sending.
 */
export interface Wire {
  json: string;
  buffers: Uint8Array[];
}

export function toWire(message: unknown): Wire {
  const buffers: Uint8Array[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Uint8Array) {
      buffers.push(value);
      return { $bufferRef: buffers.length - 1, byteOffset: value.byteOffset, byteLength: value.byteLength };
    }
    return value;
  });
  return { json, buffers };
}
