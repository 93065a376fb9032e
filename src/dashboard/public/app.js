// The dashboard: a WatchStats stream keeps the queues table live; a queue picked from it opens
// its panel. No framework and no build: ES modules served as they are.
import { serverStream } from "./api.js";
import { startExtras } from "./extras.js";
import { queueRow, renderOverview } from "./overview.js";
import { createQueuePanel } from "./queue-panel.js";

const connection = document.getElementById("connection");
const panel = createQueuePanel();
let rows = [];

const queueFromHash = () => new URLSearchParams(location.hash.slice(1)).get("queue") ?? undefined;

function select(queue) {
  history.replaceState(null, "", `#${new URLSearchParams({ queue })}`);
  panel.show(
    queue,
    rows.find((row) => row.queue === queue),
  );
  render();
}

function render() {
  renderOverview(rows, panel.queue, select);
}

function onStats(message) {
  rows = (message.queues ?? []).map(queueRow);
  connection.textContent = "live";
  connection.dataset.state = "live";
  render();
  panel.update(rows.find((row) => row.queue === panel.queue));
  const wanted = queueFromHash();
  if (wanted && panel.queue === undefined && rows.some((row) => row.queue === wanted)) select(wanted);
}

/** Keeps one stream open; after a failure or a server restart, tries again with backoff. */
async function watch() {
  let retryMs = 1000;
  for (;;) {
    try {
      await serverStream("presque.v1.StatsService/WatchStats", { intervalMs: 1000 }, (message) => {
        retryMs = 1000;
        onStats(message);
      });
    } catch (error) {
      connection.textContent = `reconnecting (${error.message})`;
      connection.dataset.state = "down";
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
    retryMs = Math.min(retryMs * 2, 15_000);
  }
}

startExtras();
watch();
