/**
 * The ceiling server of `npm run bench` (bench/ceiling.ts says what it does), run in a process
 * of its own by bench/serve.ts:
 *
 *   TALLY_BENCH_SECRET=KEY node dist/bench/ceiling-server.js PORT DATABASE
 */
import { createServer } from 'node:http';
import { createCeilingHandler } from './ceiling.js';

const [portText, location] = process.argv.slice(2);
const port = Number(portText);
const secret = process.env.TALLY_BENCH_SECRET;
if (!Number.isInteger(port) || port < 1 || port > 65535 || location === undefined || secret === undefined) {
  throw new Error('usage: TALLY_BENCH_SECRET=KEY ceiling-server.js PORT DATABASE');
}

const server = createServer(await createCeilingHandler(location, secret));
server.keepAliveTimeout = 5000;
server.listen(port, '127.0.0.1', () => console.log(`ceiling server listening on http://127.0.0.1:${port}`));
// An exit rather than death by the signal, so that `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
