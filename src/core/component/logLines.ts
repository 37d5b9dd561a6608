/**
 * Pod log text requested with `timestamps=true`: every line starts with the time the runtime recorded
 * it (RFC 3339, nanoseconds, UTC). A follower that reconnects asks for `sinceTime`, which the API server
 * passes on to the kubelet with whole-second precision, so it gets some lines again; the timestamps let
 * it drop exactly those.
 */

export interface LogLine {
  /** As the server sent it, e.g. 2026-11-22T21:45:54.106862797Z; undefined if the line had none. */
  timestamp?: string;
  /** The line without its timestamp, with its newline (none for an unterminated last line). */
  text: string;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z /;

export function parseLogLine(raw: string): LogLine {
  const m = TIMESTAMP.exec(raw);
  if (!m) return { text: raw };
  return { timestamp: m[0].slice(0, -1), text: raw.slice(m[0].length) };
}

/**
 * A sortable key for a timestamp: RFC 3339 drops trailing zeros of the fraction, so "…:54.1Z" and
 * "…:54.100000001Z" do not compare as strings until the fraction is padded to nine digits.
 */
export function timestampKey(timestamp: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(timestamp);
  if (!m) return timestamp;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/** The `sinceTime` to resume after `timestamp`: its whole second (the server rounds down anyway). */
export function resumeSinceTime(timestamp: string): string {
  return `${timestampKey(timestamp).slice(0, 19)}Z`;
}

/**
 * Argo's emissary executor runs the user's command inside the main container and writes its own
 * lines into that container's log: `time="…" level=info msg="sub-process exited" argo=true …`, and on
 * a non-zero exit `Error: exit status 1` right after. They are not what the user's code printed (and
 * would end every traceback), so the log follower drops them.
 */
export class ExecutorNoiseFilter {
  private afterExecutorLine = false;

  accept(text: string): boolean {
    if (/^time="[^"]*" level=\w+ msg=".*" argo=true\b/.test(text)) {
      this.afterExecutorLine = true;
      return false;
    }
    const exitLine = this.afterExecutorLine && /^Error: exit status \d+\s*$/.test(text);
    this.afterExecutorLine = false;
    return !exitLine;
  }
}

/** Splits streamed chunks into whole lines; keeps an unterminated tail until more text or `end()`. */
export class LogLineSplitter {
  private tail = '';

  push(chunk: string): LogLine[] {
    const text = this.tail + chunk;
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline < 0) {
      this.tail = text;
      return [];
    }
    this.tail = text.slice(lastNewline + 1);
    const lines: LogLine[] = [];
    let start = 0;
    while (start <= lastNewline) {
      const end = text.indexOf('\n', start);
      lines.push(parseLogLine(text.slice(start, end + 1)));
      start = end + 1;
    }
    return lines;
  }

  /** The unterminated last line, if any (the stream ended). */
  end(): LogLine[] {
    const rest = this.tail;
    this.tail = '';
    return rest ? [parseLogLine(rest)] : [];
  }
}

/**
 * Drops lines already delivered before a reconnect: everything up to and including the last
 * timestamp seen. Lines without a timestamp always pass.
 */
export class ResumeFilter {
  private lastKey?: string;
  private last?: string;

  get lastTimestamp(): string | undefined {
    return this.last;
  }

  accept(line: LogLine): boolean {
    if (!line.timestamp) return true;
    const key = timestampKey(line.timestamp);
    if (this.lastKey !== undefined && key <= this.lastKey) return false;
    this.lastKey = key;
    this.last = line.timestamp;
    return true;
  }
}
