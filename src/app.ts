/**
 * The composition root: builds the store, the live config, the surfaces and the HTTP server
 * once, for `tally serve` and for the tests, so both run exactly the same wiring.
 */
import { startWebhookWorker, type WebhookWorker } from './webhooks/webhook-worker.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initializeDatabase } from './admin/database.js';
import type { TallyConfig } from './config.js';
import { TallyError } from './domain/errors.js';
import { createAdminSurface } from './admin-api/admin-surface.js';
import { CONSOLE_DIR, createConsoleSurface, loadConsoleFiles } from './admin-api/console-files.js';
import { createDocsSurface } from './admin-api/docs-page.js';
import { ADMIN_OPERATIONS } from './admin-api/operations/index.js';
import { createApiSurface } from './http/api-surface.js';
import { CONFIG_POLL_MS, LiveConfig } from './http/live-config.js';
import { Throttle } from './http/throttle.js';
import type { Logger } from './logging.js';
import { Metrics } from './ops/metrics.js';
import { createOpsSurface } from './ops/ops-endpoints.js';
import { describeLocation, openStore } from './store/open-store.js';
import type { Guard, Health, Sessions, Store } from './store/store.js';
import { purgeEndedSessions } from './admin/sessions.js';
import { sharedDatabaseStats } from './admin/stats.js';
import { clientAddress } from './transport/client-address.js';
import { createHttpServer } from './transport/http-server.js';

const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** The admin API's and the console's listener; undefined when it is off. */
  readonly adminServer: Server | undefined;
  readonly adminUrl: string | undefined;
  /** Stops accepting, lets in-flight requests finish, then closes the store. */
  close(): Promise<void>;
}

export interface ServeOptions {
  /**
   * Create and initialise the database when there is none (`tally serve --init`). Off, a
   * missing one is an error: a server whose file was deleted must not come back on a new,
   * empty database with a new key, as if nothing had been lost.
   */
  readonly init: boolean;
}

/**
 * Opens the database a server runs on and completes it (initializeDatabase adds only what is
 * missing). Creates it only with `init`, saying so; without, refuses (each surface that starts
 * a server says how to create one).
 */
export async function openServedDatabase(config: TallyConfig, logger: Logger, options: ServeOptions & { poolSize: number }): Promise<Store> {
  const where = describeLocation(config.db);
  let store = await openStore(config.db, { mustExist: true, poolSize: options.poolSize }).catch((error: unknown) => {
    if (error instanceof TallyError && error.code === 'not_initialized') return undefined;
    throw error;
  });
  try {
    // Tables without a system currency are a database Tally never finished initialising.
    if (store === undefined || (await store.systemCurrency()) === undefined) {
      if (!options.init) {
        throw new TallyError('not_initialized', `no database at ${where}`);
      }
      logger.warn({ db: where }, `creating a new database at ${where}`);
      store ??= await openStore(config.db, { mustExist: false, createDirectories: true, poolSize: options.poolSize });
    }
    await initializeDatabase(store);
    return store;
  } catch (error) {
    await store?.close();
    throw error;
  }
}

/** Opens the database (see openServedDatabase), watches that writes can last, and starts listening. */
export async function startServer(config: TallyConfig, logger: Logger, options: ServeOptions): Promise<RunningServer> {
  if (config.adminPort !== 'off' && config.adminPort === config.port && config.port !== 0) {
    throw new TallyError('invalid_value', `the admin listener needs a port of its own: TALLY_ADMIN_PORT (--admin-port) and TALLY_PORT (--port) are both ${config.port}`);
  }
  const store = await openServedDatabase(config, logger, { ...options, poolSize: config.pgPoolSize });
  let liveConfig: LiveConfig | undefined;
  let housekeeping: { stop(): void } | undefined;
  let webhooks: WebhookWorker | undefined;
  try {
    watchWriteHealth(store, describeLocation(config.db), logger);
    liveConfig = await LiveConfig.load(store);
    liveConfig.start(CONFIG_POLL_MS, (error) => logger.warn({ err: error }, 'could not refresh settings; keeping the last ones'));
    const live = liveConfig;
    const throttle = new Throttle(store, logger);
    const metrics = new Metrics(() => throttle.blockedCount());
    housekeeping = startHousekeeping(store, throttle, logger);
    const chores = housekeeping;
    // Every node delivers: each delivery is leased to one at a time.
    webhooks = startWebhookWorker(store, logger);
    const delivering = webhooks;
    let closing = false;
    // Blocks recorded before this process started apply from its first request.
    await throttle.refresh();
    // One listener: the Kolmisoft API, which also answers any other path, and the ops endpoints.
    const api = createApiSurface({ store, liveConfig: live, logger, metrics, throttle });
    const { server, dropWaitingConnections } = createHttpServer({
      surfaces: [api, createOpsSurface({ store, metrics })],
      fallback: api,
      clientAddress: (req) => clientAddress(req, live.current.settings.trustedProxies),
      logger,
      metrics,
      timeouts: { headersMs: config.headersTimeoutMs, requestMs: config.requestTimeoutMs },
      isClosing: () => closing,
    });
    // The second listener: the admin API, its reference page and the console. It answers
    // none of the Kolmisoft API's paths, and the first answers none of its own.
    const admin =
      config.adminPort === 'off'
        ? undefined
        : createHttpServer({
            surfaces: [createAdminSurface({ store, liveConfig: live, throttle, activity: metrics, databaseStats: sharedDatabaseStats(store), logger }, ADMIN_OPERATIONS), createDocsSurface()],
            fallback: createConsoleSurface(consoleFiles(logger)),
            clientAddress: (req) => clientAddress(req, live.current.settings.trustedProxies),
            logger,
            metrics,
            timeouts: { headersMs: config.headersTimeoutMs, requestMs: config.requestTimeoutMs },
            isClosing: () => closing,
          });
    const url = await listen(server, config.port, config.host);
    let adminUrl: string | undefined;
    try {
      adminUrl = admin === undefined ? undefined : await listen(admin.server, config.adminPort as number, config.adminHost);
    } catch (error) {
      // Requests the first listener took meanwhile end before the store closes.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      throw error;
    }
    const stop = (http: Server, dropWaiting: () => void) =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        dropWaiting();
        // A client that keeps a busy connection open does not hold the shutdown forever.
        setTimeout(() => http.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
      });
    return {
      server,
      url,
      adminServer: admin?.server,
      adminUrl,
      async close() {
        closing = true;
        live.stop();
        chores.stop();
        await Promise.all([
          stop(server, dropWaitingConnections),
          admin === undefined ? undefined : stop(admin.server, admin.dropWaitingConnections),
          delivering.stop(),
        ]);
        await store.close();
      },
    };
  } catch (error) {
    // A server that could not start leaves nothing running behind it.
    liveConfig?.stop();
    housekeeping?.stop();
    await webhooks?.stop();
    await store.close();
    throw error;
  }
}

/** Starts listening; the address it listens on, as a URL. */
function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
    });
  });
}

/** Logs once when writes stop being able to last, and once when they can again. */
function watchWriteHealth(store: Health, db: string, logger: Logger): void {
  store.watchWriteHealth((reason) => {
    if (reason === undefined) logger.info({ db }, 'database writable again');
    else logger.error({ db }, `database not writable: ${reason}`);
  });
}

/** How often expired nonces and failure counts are deleted. */
const PURGE_INTERVAL_MS = 60_000;

/**
 * The server's background work: learning other nodes' throttled clients as often as settings
 * are polled, and deleting what has expired. A failure is logged and tried again next time.
 */
function startHousekeeping(store: Guard & Sessions, throttle: Throttle, logger: Logger): { stop(): void } {
  let refreshing = false;
  const refresh = setInterval(() => {
    if (refreshing) return; // a slow database: polls are not stacked
    refreshing = true;
    throttle
      .refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not read the throttled clients; keeping the last ones'))
      .finally(() => (refreshing = false));
  }, CONFIG_POLL_MS);
  const purge = setInterval(() => {
    store.purgeExpired(Date.now()).catch((error: unknown) => logger.warn({ err: error }, 'could not delete expired nonces'));
    purgeEndedSessions(store).catch((error: unknown) => logger.warn({ err: error }, 'could not delete ended sessions'));
  }, PURGE_INTERVAL_MS);
  refresh.unref();
  purge.unref();
  return {
    stop() {
      clearInterval(refresh);
      clearInterval(purge);
    },
  };
}

/** The console's built files; a checkout built with tsc alone has none, and says so once. */
function consoleFiles(logger: Logger): ReturnType<typeof loadConsoleFiles> {
  const files = loadConsoleFiles();
  if (files.size === 0) logger.warn({ dir: CONSOLE_DIR }, 'the web console is not built (npm run build builds it): the admin listener answers its pages with 404');
  return files;
}
