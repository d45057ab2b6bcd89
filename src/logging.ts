/**
 * The process logger: JSON lines through pino, written asynchronously off the request path, and
 * dropped, never retried forever, when standard output cannot take them.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
// A CommonJS module: its class is a property of the default export, to types and at run time alike.
import sonicBoom from 'sonic-boom';
import type { LogLevel } from './config.js';

export type { Logger };

export interface ProcessLogger {
  readonly logger: Logger;
  /** Writes out what the asynchronous destination still holds; call before exiting. */
  flush(): void;
}

// A reader that stalls (EAGAIN) is waited for this many times 100 ms before a write gives up:
// the bound on how long the flush before exiting can block.
const MAX_WRITE_RETRIES = 20;
// Lines logged while the reader stalls wait in memory up to this much; more are dropped.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Our own sonic-boom (5), not `pino.destination`: pino 10 brings sonic-boom 4, whose `flushSync`
 * retries a write that failed with anything but EAGAIN forever, so a server whose stdout reader
 * had gone (EPIPE) hung in its last flush on SIGTERM instead of exiting.
 */
export function createLogger(level: LogLevel): ProcessLogger {
  const destination = new sonicBoom.SonicBoom({ fd: 1, sync: false, maxLength: MAX_BUFFERED_BYTES, maxWriteRetries: MAX_WRITE_RETRIES } as SonicBoomOptions);
  // Any error but a stalled reader (EPIPE, EBADF, EIO...) means stdout is gone for good: every
  // line from then on is dropped. A stalled reader's lines stay buffered and go with the next.
  let gone = false;
  destination.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EAGAIN' && error.code !== 'EBUSY') gone = true;
  });
  const stream: DestinationStream = {
    write: (line: string) => {
      if (!gone) destination.write(line);
    },
  };
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return {
    logger,
    flush: () => {
      if (gone) return;
      try {
        destination.flushSync();
      } catch {
        // Stdout is gone, or its reader stalled past the retries: there is nowhere left to report to.
      }
    },
  };
}

// sonic-boom 5.0.2's type declarations predate its maxWriteRetries option.
type SonicBoomOptions = ConstructorParameters<typeof sonicBoom.SonicBoom>[0] & { readonly maxWriteRetries?: number };
