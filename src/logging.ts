/** The process logger: JSON lines through pino, written asynchronously off the request path. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export interface ProcessLogger {
  readonly logger: Logger;
  /** Writes out what the asynchronous destination still holds; call before exiting. */
  flush(): void;
}

export function createLogger(level: LogLevel): ProcessLogger {
  // Asynchronous: a request never waits for stdout.
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  return {
    logger,
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // Nothing was pending, or stdout is gone: there is nowhere left to report to.
      }
    },
  };
}
