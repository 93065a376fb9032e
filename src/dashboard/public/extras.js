// Workers (GET /w/) and schedules (GET /schedules) come from parts of presque that may not be on
// this server yet: a 404 shows "not available" and stops polling, as does a 403 (the key may not
// read them); anything else is shown as a table of whatever fields the server sends.
import { ApiError, rest } from "./api.js";
import { el, fill, objectTable } from "./dom.js";

const finalAnswers = {
  404: (what) => `${what[0].toUpperCase()}${what.slice(1)} are not available on this server.`,
  403: (what) => `This key may not read ${what}.`,
};

/** Polls until `signal` aborts (the key is forgotten or refused). */
function poll(container, path, pick, what, everyMs, signal) {
  const load = async () => {
    try {
      const rows = pick(await rest("GET", path));
      if (signal.aborted) return;
      fill(container, rows.length ? objectTable(rows) : el("p", { class: "hint" }, `No ${what}.`));
    } catch (error) {
      if (signal.aborted) return;
      const final = error instanceof ApiError ? finalAnswers[error.status] : undefined;
      if (final) clearInterval(timer);
      fill(container, el("p", { class: "hint" }, final ? final(what) : `${what}: ${error.message}`));
    }
  };
  fill(container);
  const timer = setInterval(load, everyMs);
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  load();
}

const listOf = (key) => (answer) => {
  const list = Array.isArray(answer) ? answer : (answer?.[key] ?? []);
  return list.map((item) => (typeof item === "object" && item !== null ? item : { value: item }));
};

/** The worker registry's fields, in the words an operator scans for (unknown fields pass through). */
const workerRow = ({
  worker_id,
  name,
  host,
  pid,
  queues,
  alive,
  working_on,
  processed,
  failed,
  last_heartbeat_at,
  ...rest
}) => ({
  worker: name ?? worker_id,
  host: host && pid ? `${host}:${pid}` : (host ?? pid),
  queues: Array.isArray(queues) ? queues.join(", ") : queues,
  alive: alive === undefined ? undefined : alive ? "yes" : "gone",
  "working on": Array.isArray(working_on)
    ? working_on.map((job) => `${job.queue}/${job.id}`).join(", ") || "idle"
    : working_on,
  processed,
  failed,
  "last heartbeat": last_heartbeat_at ? new Date(last_heartbeat_at).toLocaleTimeString() : undefined,
  ...rest,
});

/** Runs until `signal` aborts. */
export function startExtras(signal) {
  const workers = (answer) => listOf("workers")(answer).map(workerRow);
  poll(document.getElementById("workers"), "/w/", workers, "workers", 2000, signal);
  poll(document.getElementById("schedules"), "/schedules", listOf("schedules"), "schedules", 15000, signal);
}
