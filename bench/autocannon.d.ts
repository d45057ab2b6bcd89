/**
 * The part of autocannon's programmatic API that bench/load.ts uses. autocannon ships no types,
 * and a whole @types package for one call is more than the benchmark needs.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called before each send of this request; returns the request to send. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      requests?: Request[];
      /** A response whose body fails this counts as a mismatch. */
      verifyBody?: (body: string) => boolean;
    }

    /** Percentiles of a histogram; latencies are in milliseconds, recorded rounded down to whole ones. */
    interface Histogram {
      average: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
      p99_9: number;
      totalCount: number;
    }

    interface Result {
      /** Seconds the run took. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
