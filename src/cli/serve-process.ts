/** What `tally serve` runs: one server process, or a primary and its workers. Loaded only by serve. */
import cluster from 'node:cluster';
import { openServedDatabase, startServer } from '../app.js';
import type { TallyConfig } from '../config.js';
import { createLogger, type ProcessLogger } from '../logging.js';
import { TallyError } from '../domain/errors.js';
import { describeLocation } from '../store/open-store.js';
import { tallyCommand } from './command-hint.js';

// A worker that dies is replaced after this pause, so a crash loop does not spin.
const RESPAWN_DELAY_MS = 1000;

export async function serve(config: TallyConfig, workers: number, init: boolean): Promise<void> {
  const processLogger = createLogger(config.logLevel);
  if (workers > 1 && cluster.isPrimary) await runPrimary(config, workers, init, processLogger);
  // A worker never creates the database: one respawned after the file was deleted must fail.
  else await runServer(config, init && cluster.isPrimary, processLogger);
}

/** One server process: listens, and stops cleanly on SIGTERM or SIGINT. */
async function runServer(config: TallyConfig, init: boolean, { logger, flush }: ProcessLogger): Promise<void> {
  const running = await withCreateHint(config, () => startServer(config, logger, { init }));
  // Handlers first: a supervisor that reads "listening" may signal at once, and the line is
  // written off the main thread, so it can be read before the next statement here has run.
  onStopSignal((signal) => {
    logger.info({ signal }, 'stopping: finishing requests in flight');
    running.close().then(
      () => {
        logger.info('stopped');
        flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        flush();
        process.exit(1);
      },
    );
  });
  logger.info({ url: running.url, adminUrl: running.adminUrl, db: describeLocation(config.db), pid: process.pid }, 'listening');
}

/**
 * The cluster's primary: prepares the database once, then forks workers that share the port
 * (Node's cluster module hands connections out) and replaces any that dies.
 */
async function runPrimary(config: TallyConfig, workers: number, init: boolean, { logger, flush }: ProcessLogger): Promise<void> {
  await (await withCreateHint(config, () => openServedDatabase(config, logger, { init, poolSize: 1 }))).close();
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  logger.info({ workers, db: describeLocation(config.db), pid: process.pid }, 'started workers');

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('stopped');
        flush();
        process.exit(0);
      }
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
    setTimeout(() => cluster.fork(), RESPAWN_DELAY_MS);
  });

  onStopSignal((signal) => {
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  });
}

function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  let stopped = false;
  const once = (signal: NodeJS.Signals): void => {
    if (stopped) return;
    stopped = true;
    stop(signal);
  };
  process.on('SIGTERM', once);
  process.on('SIGINT', once);
}

/** A missing database is refused with the two commands that create it, on the same --db. */
async function withCreateHint<T>(config: TallyConfig, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (!(error instanceof TallyError) || error.code !== 'not_initialized') throw error;
    throw new TallyError(
      'not_initialized',
      `${error.message}: create it with "${tallyCommand(['init'], config.db)}" or run "${tallyCommand(['serve', '--init'], config.db)}"`,
    );
  }
}
