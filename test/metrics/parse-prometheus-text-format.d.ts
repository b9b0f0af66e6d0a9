// The Prometheus text parser the metrics tests read /metrics with ships no types.
declare module 'parse-prometheus-text-format' {
  /** The families of a Prometheus text exposition, in prom2json's shape. */
  function parsePrometheusTextFormat(text: string): unknown[];
  export = parsePrometheusTextFormat;
}
