import type { Registry } from "prom-client";

/*
 * The request metrics, counted in plain numbers per series and handed to prom-client's registry
 * only when it is scraped. prom-client's own Counter.inc and Histogram.observe hash their label
 * object into a string, check every label and make a closure on every call, that is for every
 * request; here a request costs three map lookups and a few additions. The text is the same as
 * prom-client's Counter and Histogram print.
 */

interface Series {
  /** route, method (and status, for the counter): the label object, made once per series. */
  labels: Record<string, string>;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  buckets: number[];
}

/** One sample line as prom-client's registry formats it (getForPromString). */
interface Sample {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
}

export interface RequestSeries {
  observe(route: string, method: string, status: number, seconds: number): void;
}

export function createRequestSeries(
  registry: Registry,
  counter: { name: string; help: string },
  histogram: { name: string; help: string; buckets: readonly number[] },
): RequestSeries {
  const bounds = histogram.buckets;
  const counts = new Map<string, Map<string, Map<number, Series>>>();
  const durations = new Map<string, Map<string, Series>>();
  const newSeries = (labels: Record<string, string>): Series => ({
    labels,
    count: 0,
    sum: 0,
    buckets: new Array<number>(bounds.length + 1).fill(0),
  });
  // Written out rather than with a get-or-make helper: its callback would be a closure per request.
  const countOf = (route: string, method: string, status: number): Series => {
    let byMethod = counts.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      counts.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = newSeries({ route, method, status: String(status) });
      byStatus.set(status, series);
    }
    return series;
  };
  const durationOf = (route: string, method: string): Series => {
    let byMethod = durations.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      durations.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (series === undefined) {
      series = newSeries({ route, method });
      byMethod.set(method, series);
    }
    return series;
  };

  const counterSamples = (): Sample[] => {
    const samples: Sample[] = [];
    for (const byMethod of counts.values())
      for (const byStatus of byMethod.values())
        for (const s of byStatus.values())
          samples.push({ labels: s.labels, value: s.count, metricName: counter.name });
    return samples;
  };
  const histogramSamples = (): Sample[] => {
    const samples: Sample[] = [];
    const bucket = `${histogram.name}_bucket`;
    for (const byMethod of durations.values())
      for (const s of byMethod.values()) {
        let cumulative = 0;
        bounds.forEach((le, i) => {
          cumulative += s.buckets[i] as number;
          samples.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: bucket });
        });
        samples.push(
          { labels: { le: "+Inf" }, sharedLabels: s.labels, value: s.count, metricName: bucket },
          { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${histogram.name}_sum` },
          { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${histogram.name}_count` },
        );
      }
    return samples;
  };
  // What prom-client's registry reads of a metric: getForPromString for the text, get for JSON.
  const metric = (name: string, help: string, type: string, samples: () => Sample[], reset: () => void) => ({
    name,
    help,
    type,
    aggregator: "sum",
    getForPromString: () => ({ name, help, type, aggregator: "sum", values: samples() }),
    get: () => ({
      name,
      help,
      type,
      aggregator: "sum",
      values: samples().map(({ labels, sharedLabels, value, metricName }) => ({
        labels: { ...sharedLabels, ...labels },
        value,
        metricName,
      })),
    }),
    reset,
  });
  registry.registerMetric(
    metric(counter.name, counter.help, "counter", counterSamples, () => counts.clear()) as never,
  );
  registry.registerMetric(
    metric(histogram.name, histogram.help, "histogram", histogramSamples, () => durations.clear()) as never,
  );

  return {
    observe(route, method, status, seconds) {
      countOf(route, method, status).count++;
      const series = durationOf(route, method);
      series.count++;
      series.sum += seconds;
      let i = 0;
      while (i < bounds.length && seconds > (bounds[i] as number)) i++;
      (series.buckets[i] as number)++;
    },
  };
}
