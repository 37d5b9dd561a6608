/**
 * A port-forward to a pod through the Kubernetes API (client-node's PortForward, no kubectl): a TCP
 * server on 127.0.0.1:<free port>, one port-forward stream per accepted connection.
 *
 * debugpy opens its port a moment after the container starts. A connection made before that is
 * refused inside the pod (the kubelet reports it on the stream's error channel), and whatever the
 * client had sent is lost with it. So each connection keeps what the client sent until the pod side
 * has answered once, and on a refusal opens a new stream and sends it again, until `connectTimeoutMs`.
 * For DAP this is exact: debugpy says nothing before the client's first request, and answers it.
 */
import { PassThrough, Writable } from 'node:stream';
import { createServer, type Server, type Socket } from 'node:net';
import { AuthorizationV1Api, PortForward, type KubeConfig } from '@kubernetes/client-node';
import { RunError } from '../runs/errors';

export interface ForwardOptions {
  namespace: string;
  pod: string;
  remotePort: number;
  /** How long a connection may wait for the pod's port to accept (default 30 s). */
  connectTimeoutMs?: number;
  /** Problems on a connection (refused for good, stream errors), in plain words. */
  onError?: (error: RunError) => void;
  /** Diagnostics: each retry, each connection. */
  log?: (message: string) => void;
}

export interface PortForwardHandle {
  /** The local port on 127.0.0.1. */
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Closes the server and every open stream. Idempotent. */
  close(): Promise<void>;
}

interface Closable {
  close(): void;
  on(event: 'close', fn: () => void): unknown;
}

/**
 * Checks that the user may create pods/portforward in the namespace (an RBAC refusal otherwise only
 * shows as a failed WebSocket handshake, after the debugger has tried to attach), then listens.
 */
export async function forwardPort(kc: KubeConfig, opts: ForwardOptions): Promise<PortForwardHandle> {
  await checkPortForwardAllowed(kc, opts.namespace);
  const forwarder = new PortForward(kc, false);
  const timeout = opts.connectTimeoutMs ?? 30_000;
  const sockets = new Set<Socket>();
  const streams = new Set<Closable>();
  let connections = 0;
  let closed = false;

  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    pipeConnection(socket);
  });

  function pipeConnection(socket: Socket): void {
    const deadline = Date.now() + timeout;
    // What the client sent before the pod answered: sent again on a new stream after a refusal.
    const pending: Buffer[] = [];
    let answered = false;
    let input: PassThrough | undefined;
    let stream: Closable | undefined;
    let attempt = 0;

    socket.on('data', (chunk: Buffer) => {
      if (!answered) pending.push(chunk);
      input?.write(chunk);
    });
    socket.on('close', () => {
      input?.end();
      stream?.close();
    });

    const open = async (): Promise<void> => {
      if (socket.destroyed || closed) return;
      attempt++;
      const thisInput = new PassThrough();
      input = thisInput;
      let refused = false;
      const output = new Writable({
        write(chunk: Buffer, _enc, done) {
          // Each stream opens with its port number, which client-node strips and passes on as an empty chunk.
          if (!chunk.length) return done();
          answered = true;
          pending.length = 0;
          if (!socket.destroyed) socket.write(chunk);
          done();
        },
      });
      const errors = new Writable({
        write(chunk: Buffer, _enc, done) {
          const text = chunk.toString('utf8').trim();
          if (text) {
            refused = true;
            if (answered || Date.now() >= deadline) {
              fail(
                answered
                  ? new RunError(`The port-forward to ${opts.pod}:${opts.remotePort} broke: ${text}`, 'other')
                  : notAnswering(opts, timeout, text),
              );
            } else {
              opts.log?.(`port ${opts.remotePort} in ${opts.pod} not open yet (attempt ${attempt}): ${text}`);
              // This stream is spent; the server may keep the WebSocket open, so close it and try a new one.
              retry();
            }
          }
          done();
        },
      });
      /** This attempt's WebSocket, once open. */
      const mine: { ws?: Closable } = {};
      /** Once per attempt: forget its stream (late events are ignored), close it, open the next. */
      let retried = false;
      const retry = (): void => {
        if (retried) return;
        retried = true;
        if (input === thisInput) input = undefined;
        if (mine.ws && stream === mine.ws) stream = undefined;
        thisInput.end();
        mine.ws?.close();
        if (socket.destroyed || closed) return;
        if (Date.now() >= deadline) fail(notAnswering(opts, timeout));
        else setTimeout(() => void open(), refused ? 250 : 100);
      };
      let ws: Closable;
      try {
        ws = (await forwarder.portForward(opts.namespace, opts.pod, [opts.remotePort], output, errors, thisInput)) as unknown as Closable;
      } catch (err) {
        fail(describeForwardError(err, opts));
        return;
      }
      mine.ws = ws;
      if (socket.destroyed || closed || retried) {
        ws.close();
        return;
      }
      stream = ws;
      streams.add(ws);
      // Replay what the client sent so far (this stream's input saw none of it).
      for (const chunk of pending) thisInput.write(chunk);
      ws.on('close', () => {
        streams.delete(ws);
        opts.log?.(`stream ${attempt} closed${answered ? '' : ' before the pod answered'}`);
        if (stream !== ws) return;
        if (!answered && !socket.destroyed && !closed) {
          retry();
          return;
        }
        socket.end();
      });
    };

    const fail = (error: RunError): void => {
      opts.onError?.(error);
      socket.destroy();
      stream?.close();
    };

    void open();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  opts.log?.(`forwarding 127.0.0.1:${port} → ${opts.namespace}/${opts.pod}:${opts.remotePort}`);

  return {
    port,
    get connections() {
      return connections;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const s of sockets) s.destroy();
      for (const ws of streams) ws.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A SelfSubjectAccessReview for create pods/portforward: a clear message instead of a 403 handshake later. */
export async function checkPortForwardAllowed(kc: KubeConfig, namespace: string): Promise<void> {
  const api = kc.makeApiClient(AuthorizationV1Api);
  let allowed: boolean | undefined;
  try {
    const review = await api.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { namespace, verb: 'create', resource: 'pods', subresource: 'portforward' } } },
    });
    allowed = review.status?.allowed;
  } catch {
    // A cluster without the review API: the handshake will tell.
    return;
  }
  if (allowed === false) throw forbidden(kc, namespace);
}

function forbidden(kc: KubeConfig, namespace: string): RunError {
  return new RunError(
    `Port-forward refused: your user on context "${kc.getCurrentContext()}" may not create pods/portforward in namespace ${namespace} (RBAC). ` +
      `The debugger reaches debugpy in the pod only through a port-forward; ask for that right, or debug on the Kindling local cluster.`,
    'forbidden',
  );
}

function notAnswering(opts: ForwardOptions, timeout: number, detail?: string): RunError {
  return new RunError(
    `debugpy is not answering on port ${opts.remotePort} in pod ${opts.pod} after ${Math.round(timeout / 1000)} s` +
      `${detail ? ` (${detail})` : ''}. The pod's log (Show Run Logs) says whether the script started; is the port used by something else?`,
    'other',
  );
}

function describeForwardError(err: unknown, opts: ForwardOptions): RunError {
  const text = err instanceof Error ? err.message : String(err);
  if (/\b403\b|forbidden/i.test(text)) {
    return new RunError(`Port-forward to ${opts.pod} refused by the API server (RBAC: create pods/portforward in ${opts.namespace}): ${text}`, 'forbidden', err);
  }
  if (/\b404\b/.test(text)) return new RunError(`Port-forward: pod ${opts.namespace}/${opts.pod} no longer exists.`, 'other', err);
  return new RunError(`Port-forward to ${opts.namespace}/${opts.pod} failed: ${text}`, 'other', err);
}
