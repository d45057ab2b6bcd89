/**
 * The client workers: each loops over a weighted mix of every request kind until the run stops,
 * riding through server restarts (a request that fails waits for the next server).
 */
import { Agent } from 'node:http';
import { conflict, ops, rate, read, refusal, retry, simpleRead, update } from './api-kinds.js';
import { attack, cut, malformed, startSlowClient } from './hostile-kinds.js';
import { seededRandom, streamSeed, weighted } from './random.js';
import type { Kind } from './record.js';
import type { Traffic, Worker } from './traffic.js';

/** The mix, in parts of 1000. Slow clients are started beside the worker, up to a bound. */
export const MIX: readonly (readonly [Kind, number])[] = [
  ['read', 340],
  ['simple', 40],
  ['update', 220],
  ['retry', 80],
  ['conflict', 20],
  ['refusal', 30],
  ['rate', 10],
  ['attack', 80],
  ['malformed', 100],
  ['cut', 30],
  ['slow', 10],
  ['ops', 40],
];

const ACTIONS: Readonly<Record<Exclude<Kind, 'slow'>, (traffic: Traffic, worker: Worker) => Promise<void>>> = {
  read,
  simple: simpleRead,
  update,
  retry,
  conflict,
  refusal,
  rate,
  attack,
  malformed,
  cut,
  ops,
};

/** Worker `index` of a run: its own random sequence, keep-alive connection and client addresses. */
export function newWorker(seed: number, index: number): Worker {
  return {
    index,
    random: seededRandom(streamSeed(seed, index + 1)),
    // One connection at a time per worker, kept alive between its requests.
    agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    honestAddress: `198.51.100.${index + 1}`,
    fuzzAddress: `192.0.2.${index + 1}`,
    requests: 0,
    keys: 0,
  };
}

export async function runWorker(traffic: Traffic, worker: Worker): Promise<void> {
  while (!traffic.stopping) {
    const kind = weighted(worker.random, MIX);
    if (kind === 'slow') {
      startSlowClient(traffic, worker);
      continue;
    }
    await ACTIONS[kind](traffic, worker);
  }
  worker.agent.destroy();
}
