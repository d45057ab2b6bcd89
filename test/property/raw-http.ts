/**
 * A raw HTTP/1.1 exchange for the server properties: sends exact bytes on a fresh connection and
 * returns the first complete answer as soon as its Content-Length is in, without waiting for a
 * quiet period (test/support/fixtures.ts's rawRequest waits 300 ms, too slow for hundreds of runs).
 */
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case; a repeated header keeps its values joined by ', '. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** Bytes received after the answer (a second answer would be a framing bug). */
  readonly trailing: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Sends `bytes` and resolves with the answer. `expectBody` is false for HEAD, whose answer has a
 * Content-Length but no body. Rejects when the server closes before a complete answer, or when
 * nothing complete arrives within `timeoutMs`.
 */
export function exchange(port: number, bytes: Buffer, options: { expectBody?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
  const expectBody = options.expectBody ?? true;
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const socket = connect(port, '127.0.0.1');
    const finish = (outcome: RawResponse | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error(`no complete answer within ${options.timeoutMs ?? 10_000} ms; got ${JSON.stringify(received.toString('latin1').slice(0, 300))}`)),
      options.timeoutMs ?? 10_000,
    );
    const tryParse = (final: boolean): void => {
      const split = received.indexOf(HEAD_END);
      if (split === -1) {
        if (final) finish(new Error(`connection closed without a complete head; got ${JSON.stringify(received.toString('latin1').slice(0, 300))}`));
        return;
      }
      const [statusLine = '', ...lines] = received.subarray(0, split).toString('latin1').split('\r\n');
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine + ' ');
      if (status === null) {
        finish(new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`));
        return;
      }
      if (status[1] === '100') {
        // An interim answer: drop it and read on.
        received = received.subarray(split + HEAD_END.length);
        tryParse(final);
        return;
      }
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
      }
      const start = split + HEAD_END.length;
      const declared = headers.get('content-length');
      if (declared === undefined || !expectBody) {
        // Without a length the body runs to the close; HEAD has none.
        if (!expectBody || final) finish({ status: Number(status[1]), headers, body: received.subarray(start), trailing: 0 });
        return;
      }
      const length = Number(declared);
      if (received.length - start >= length) {
        finish({ status: Number(status[1]), headers, body: received.subarray(start, start + length), trailing: received.length - start - length });
      } else if (final) {
        finish(new Error(`connection closed after ${received.length - start} of ${length} body bytes`));
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('close', () => tryParse(true));
    // Writing a long body after the server answered 413 and closed fails with EPIPE or
    // ECONNRESET: the answer is what counts, and it may already be in.
    socket.on('error', () => tryParse(true));
    socket.write(bytes);
  });
}

/**
 * Sends several requests at once on one keep-alive connection (pipelining) and resolves with the
 * answers in order, one per entry of `expectBodies` (false for HEAD). Rejects when the server
 * closes before every answer is in, or nothing more arrives within `timeoutMs`.
 */
export function exchangePipelined(port: number, bytes: Buffer, expectBodies: readonly boolean[], timeoutMs = 10_000): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const answers: RawResponse[] = [];
    let settled = false;
    const socket = connect(port, '127.0.0.1');
    const finish = (outcome: RawResponse[] | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish(new Error(`${answers.length} of ${expectBodies.length} answers within ${timeoutMs} ms`)), timeoutMs);
    const parse = (final: boolean): void => {
      while (answers.length < expectBodies.length) {
        const split = received.indexOf(HEAD_END);
        if (split === -1) break;
        const [statusLine = '', ...lines] = received.subarray(0, split).toString('latin1').split('\r\n');
        const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine + ' ');
        if (status === null) return finish(new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`));
        const headers = new Map<string, string>();
        for (const line of lines) {
          const colon = line.indexOf(':');
          headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        const start = split + HEAD_END.length;
        if (status[1] === '100') {
          received = received.subarray(start);
          continue;
        }
        const length = expectBodies[answers.length] ? Number(headers.get('content-length') ?? NaN) : 0;
        if (Number.isNaN(length)) return finish(new Error('an answer without Content-Length'));
        if (received.length - start < length) break;
        answers.push({ status: Number(status[1]), headers, body: received.subarray(start, start + length), trailing: 0 });
        received = received.subarray(start + length);
      }
      if (answers.length === expectBodies.length) finish(answers);
      else if (final) finish(new Error(`the connection closed after ${answers.length} of ${expectBodies.length} answers`));
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      parse(false);
    });
    socket.on('end', () => parse(true));
    socket.on('close', () => parse(true));
    socket.on('error', () => parse(true));
    socket.write(bytes);
  });
}
