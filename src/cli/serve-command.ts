/** `tally serve`: run the API server until SIGTERM or SIGINT, in one process or several. */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { TallyError } from '../domain/errors.js';
import { cliConfig, withDbOption, type DbOption } from './context.js';

interface ServeOptions extends DbOption {
  readonly port?: string;
  readonly host?: string;
  readonly adminPort?: string;
  readonly adminHost?: string;
  readonly workers?: string;
  readonly init?: boolean;
}

export function registerServe(program: Command): void {
  withDbOption(
    program
      .command('serve')
      .description('run the API server on an existing database (--init creates a missing one)')
      .option('--port <n>', 'port to listen on (default: $TALLY_PORT, else 8080)')
      .option('--host <address>', 'address to listen on (default: $TALLY_HOST, else 127.0.0.1)')
      .option('--admin-port <n>', 'port of the admin API and console: a number, 0 for any free one, or "off" (default: $TALLY_ADMIN_PORT, else 8081)')
      .option('--admin-host <address>', 'address of the admin API and console (default: $TALLY_ADMIN_HOST, else 127.0.0.1)')
      .option('--workers <n>', 'server processes sharing the port: a number, or "auto" for one per core (default: 1)')
      .option('--init', 'create and initialise the database when there is none (default: a missing database is an error)'),
  ).action(async (options: ServeOptions) => {
    const config = cliConfig({ db: options.db, port: options.port, host: options.host, adminPort: options.adminPort, adminHost: options.adminHost });
    const workers = workerCount(options.workers);
    // The server, its logger and the HTTP stack load only here: every other command starts faster.
    const { serve } = await import('./serve-process.js');
    await serve(config, workers, options.init === true);
  });
}

function workerCount(text: string | undefined): number {
  if (text === undefined) return 1;
  if (text === 'auto') return availableParallelism();
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1) throw new TallyError('invalid_value', '--workers takes a whole number from 1, or "auto"');
  return Number(text);
}

