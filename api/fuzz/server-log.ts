// The server's error log lines, kept so a 5xx found by a fuzzer is reported with the stack the server logged.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface ErrorLog {
  /** Takes the lines logged since the last call (at most the last 5), or undefined when there were none. */
  take(): string | undefined;
  /** Feeds a line (the runner's child process writes its log to a pipe). */
  push(line: string): void;
}

export function errorLog(): ErrorLog {
  let lines: string[] = [];
  return {
    take() {
      const out = lines.length ? lines.join('\n') : undefined;
      lines = [];
      return out;
    },
    push(line) {
      lines.push(line.slice(0, 4000));
      if (lines.length > 5) lines.shift();
    },
  };
}

/** A pino logger at level error whose lines go to `log`, for an app started in this process. */
export function errorLogger(log: ErrorLog): Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log.push(line);
      done();
    },
  });
  return pino({ level: 'error' }, stream);
}
