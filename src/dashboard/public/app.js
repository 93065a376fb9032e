// The dashboard: it asks presque which key it holds (GET /auth/whoami) and, when a key is needed,
// for one; then a WatchStats stream keeps the queues table live and a queue picked from it opens
// its panel, with only the buttons the key may use. No framework and no build: ES modules served
// as they are.
import { onUnauthenticated, rest, serverStream } from "./api.js";
import { startExtras } from "./extras.js";
import { createKeyGate } from "./key-gate.js";
import { forgetKey, storedKey } from "./key-store.js";
import { queueRow, renderOverview } from "./overview.js";
import { createQueuePanel } from "./queue-panel.js";
import { accessOf, noAuth } from "./scopes.js";

const connection = document.getElementById("connection");
const panel = createQueuePanel();
let rows = [];
/** Aborts what runs for the current key (stream, polls) when it is forgotten or refused. */
let running;

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

const pause = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const early = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener("abort", early, { once: true });
  });

/** Keeps one stream open until `signal` aborts; after a failure or a restart, tries again with backoff. */
async function watch(signal) {
  let retryMs = 1000;
  while (!signal.aborted) {
    try {
      await serverStream(
        "presque.v1.StatsService/WatchStats",
        { intervalMs: 1000 },
        (message) => {
          retryMs = 1000;
          onStats(message);
        },
        signal,
      );
    } catch (error) {
      if (signal.aborted) return;
      connection.textContent = `reconnecting (${error.message})`;
      connection.dataset.state = "down";
    }
    await pause(retryMs, signal);
    retryMs = Math.min(retryMs * 2, 15_000);
  }
}

function stop() {
  if (running === undefined) return;
  running.abort();
  running = undefined;
  panel.hide();
  rows = [];
  render();
}

const gate = createKeyGate({ onKey: begin, onForget: () => signOut(undefined) });

function signOut(message) {
  stop();
  connection.textContent = "needs a key";
  connection.dataset.state = "down";
  gate.ask(message);
}

// A 401 means the key is unknown (mistyped, or removed from the server): forget it and ask again.
// A late 401 to a key already replaced says nothing about the new one.
onUnauthenticated((error) => {
  if (error.sentKey !== storedKey()) return;
  forgetKey();
  signOut(error.sentKey === undefined ? undefined : `presque did not accept the key: ${error.message}`);
});

function run(access) {
  stop();
  gate.show(access);
  panel.allow(access);
  running = new AbortController();
  if (access.canSome("read")) watch(running.signal);
  else {
    connection.textContent = "this key may not read any queue";
    connection.dataset.state = "down";
  }
  startExtras(running.signal);
}

async function begin() {
  let whoami;
  try {
    whoami = await rest("GET", "/auth/whoami");
  } catch (error) {
    if (error.status === 401) return; // onUnauthenticated asked for a key
    if (error.status === 404) return run(noAuth); // a presque from before API keys
    if (error.status === 429) {
      forgetKey();
      return signOut(error.message);
    }
    connection.textContent = `cannot reach presque (${error.message}); retrying`;
    connection.dataset.state = "down";
    setTimeout(begin, 2000);
    return;
  }
  run(accessOf(whoami));
}

begin();
