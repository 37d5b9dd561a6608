/**
 * A small Debug Adapter Protocol client over a TCP connection (Content-Length framed JSON). VS Code
 * is the real client in the product; this one lets the kind tests and the benchmark drive debugpy
 * through Kindling's port-forward exactly as VS Code does, without a window.
 */
import { connect, type Socket } from 'node:net';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
  request_seq?: number;
}

export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (m: DapMessage) => void; reject: (e: Error) => void }>();
  private readonly events: DapMessage[] = [];
  private readonly waiters: { event: string; match: (m: DapMessage) => boolean; resolve: (m: DapMessage) => void }[] = [];
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const onGone = (err?: Error): void => {
      this.closedError ??= err ?? new Error('the debug adapter closed the connection');
      for (const p of this.pending.values()) p.reject(this.closedError);
      this.pending.clear();
    };
    socket.on('error', onGone);
    socket.on('close', () => onGone());
  }

  static open(port: number, host = '127.0.0.1'): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new DapClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request; `response` resolves with its response (rejects when success is false). */
  send(command: string, args?: Record<string, unknown>): { seq: number; response: Promise<DapMessage> } {
    if (this.closedError) return { seq: -1, response: Promise.reject(this.closedError) };
    const seq = this.seq++;
    const response = new Promise<DapMessage>((resolve, reject) => {
      this.pending.set(seq, {
        resolve: (m) => (m.success ? resolve(m) : reject(new Error(`${command} failed: ${m.message ?? 'no message'} ${JSON.stringify(m.body ?? {})}`))),
        reject,
      });
    });
    const json = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args ?? {} }), 'utf8');
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${json.length}\r\n\r\n`, 'ascii'), json]));
    return { seq, response };
  }

  request(command: string, args?: Record<string, unknown>): Promise<DapMessage> {
    return this.send(command, args).response;
  }

  /** The first event of that name (already received or still to come) that matches. */
  waitForEvent(event: string, timeoutMs = 30_000, match: (m: DapMessage) => boolean = () => true): Promise<DapMessage> {
    const seen = this.events.findIndex((e) => e.event === event && match(e));
    if (seen >= 0) return Promise.resolve(this.events.splice(seen, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${event}" event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        event,
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(this.buffer.subarray(0, headerEnd).toString('ascii').match(/Content-Length:\s*(\d+)/i)?.[1]);
      if (!Number.isFinite(length)) throw new Error('DAP: a message without Content-Length');
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as DapMessage);
    }
  }

  private dispatch(m: DapMessage): void {
    if (m.type === 'response' && m.request_seq !== undefined) {
      const p = this.pending.get(m.request_seq);
      this.pending.delete(m.request_seq);
      p?.resolve(m);
      return;
    }
    if (m.type === 'event' && m.event) {
      const i = this.waiters.findIndex((w) => w.event === m.event && w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
      else this.events.push(m);
    }
  }
}
