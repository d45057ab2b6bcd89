/** Reading a request body up to a limit: each surface calls it when, and with the limit, it wants. */
import type { IncomingMessage } from 'node:http';

const EMPTY_BODY = Buffer.alloc(0);

// How long a client that sent too much may go on sending before its socket is cut.
export const DISCARD_GRACE_MS = 2000;

/**
 * The whole body, or undefined when it is over `maxBytes`. A body that is too large is not
 * read to its end: the reply to it must close the connection (`Connection: close`), which is
 * cut after a grace in any case. Rejects when the client leaves before the body ends.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> | Buffer | undefined {
  const declared = req.headers['content-length'];
  if (declared === '0' || (declared === undefined && req.headers['transfer-encoding'] === undefined)) return EMPTY_BODY;
  if (declared !== undefined && Number(declared) > maxBytes) return discardRest(req);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData).off('end', onEnd);
        resolve(discardRest(req));
      } else chunks.push(chunk);
    };
    const onEnd = (): void => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    // 'close' before the body is complete means the client went away mid-body. Every request
    // closes, so the error is only built when it is one.
    const onClose = (): void => {
      if (!req.complete) reject(new Error('the client closed the connection before the body ended'));
    };
    req.on('data', onData).on('end', onEnd).on('error', reject).on('close', onClose);
  });
}

/** Lets a too-large body drain for a moment so the client can read the 413 before the close. */
function discardRest(req: IncomingMessage): undefined {
  req.resume();
  setTimeout(() => req.socket.destroy(), DISCARD_GRACE_MS).unref();
  return undefined;
}
