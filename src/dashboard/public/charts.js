// Two uPlot charts for the selected queue: events per minute and sampled depth, last hour.
import uPlot from "/dashboard/vendor/uPlot.esm.js";

const palette = {
  enqueued: "#2563eb",
  processed: "#16a34a",
  failed: "#dc2626",
  ready: "#2563eb",
  delayed: "#a16207",
  inFlight: "#7c3aed",
};
const labels = { inFlight: "in flight" };

function makeChart(container, series) {
  const options = {
    width: Math.max(280, container.clientWidth),
    height: 180,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [{}, { size: 50 }],
    series: [
      {},
      ...series.map((name) => ({
        label: labels[name] ?? name,
        stroke: palette[name],
        width: 2,
        points: { show: false },
      })),
    ],
  };
  return new uPlot(options, [[], ...series.map(() => [])], container);
}

/** Creates the charts once; update() feeds them a GetQueueHistory answer. */
export function createCharts(throughputContainer, depthContainer) {
  const throughput = makeChart(throughputContainer, ["enqueued", "processed", "failed"]);
  const depth = makeChart(depthContainer, ["ready", "delayed", "inFlight"]);
  const resize = () => {
    throughput.setSize({ width: Math.max(280, throughputContainer.clientWidth), height: 180 });
    depth.setSize({ width: Math.max(280, depthContainer.clientWidth), height: 180 });
  };
  window.addEventListener("resize", resize);
  return {
    resize,
    update(history) {
      const minutes = history.minutes ?? [];
      const x = minutes.map((m) => Date.parse(m.start) / 1000);
      const n = (value) => Number(value ?? 0);
      // A minute no process sampled has no depth: a gap, not a drop to zero.
      const sampled = (m, field) => (m.ready === undefined && m.delayed === undefined ? null : n(m[field]));
      throughput.setData([x, ...["enqueued", "processed", "failed"].map((f) => minutes.map((m) => n(m[f])))]);
      depth.setData([x, ...["ready", "delayed", "inFlight"].map((f) => minutes.map((m) => sampled(m, f)))]);
    },
  };
}
