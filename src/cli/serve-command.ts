/** `tally serve`: run the API server until SIGTERM or SIGINT. */
import type { Command } from 'commander';
import { startServer } from '../app.js';
import { createLogger } from '../logging.js';
import { cliConfig, displayLocation, withDbOption, type DbOption } from './context.js';

interface ServeOptions extends DbOption {
  readonly port?: string;
  readonly host?: string;
}

export function registerServe(program: Command): void {
  withDbOption(
    program
      .command('serve')
      .description('run the API server (initialises an empty database first)')
      .option('--port <n>', 'port to listen on (default: $TALLY_PORT, else 8080)')
      .option('--host <address>', 'address to listen on (default: $TALLY_HOST, else 127.0.0.1)'),
  ).action(async (options: ServeOptions) => {
    const config = cliConfig({ db: options.db, port: options.port, host: options.host });
    const { logger, flush } = createLogger(config.logLevel);
    const running = await startServer(config, logger);
    logger.info({ url: running.url, db: displayLocation(config.db) }, 'listening');

    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
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
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
