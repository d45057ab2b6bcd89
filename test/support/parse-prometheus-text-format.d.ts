/**
 * The part of parse-prometheus-text-format that test/http/ops.test.ts uses. The package ships
 * no types; it is CommonJS (`module.exports = parse`), so an ES module imports it as the
 * default export. It throws on text that is not valid Prometheus exposition format.
 */
declare module 'parse-prometheus-text-format' {
  namespace parsePrometheusTextFormat {
    interface Sample {
      /** Counters, gauges and untyped samples; numbers as written (`"12"`, `"+Inf"`). */
      readonly value?: string;
      readonly labels?: Readonly<Record<string, string>>;
      /** Histograms: cumulative counts keyed by the `le` bound as written. */
      readonly buckets?: Readonly<Record<string, string>>;
      readonly count?: string;
      readonly sum?: string;
    }

    interface Family {
      readonly name: string;
      readonly help: string;
      readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
      readonly metrics: readonly Sample[];
    }
  }

  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.Family[];
  export = parsePrometheusTextFormat;
}
