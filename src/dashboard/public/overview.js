// The queues table: one row per queue, rebuilt from each WatchStats message.
import { el, fill } from "./dom.js";
import { age, count, rate } from "./format.js";

const body = document.querySelector("#queues tbody");
const empty = document.getElementById("no-queues");
// The hint names the server the page came from, whatever its host and port.
empty.querySelector("code").textContent = `curl -X POST ${location.origin}/q/foo -d '{"a":1}'`;

/** Proto3 JSON leaves out zeros and false, and sends 64-bit counts as strings. */
export function queueRow(stats) {
  const info = stats.info ?? {};
  return {
    queue: info.queue ?? "",
    stopped: info.stopped === true,
    ready: Number(info.ready ?? 0),
    delayed: Number(info.delayed ?? 0),
    inFlight: Number(info.inFlight ?? 0),
    dead: Number(info.dead ?? 0),
    enqueueRate: Number(stats.enqueueRate ?? 0),
    processRate: Number(stats.processRate ?? 0),
    oldestAge: Number(stats.oldestReadyAgeSeconds ?? 0),
  };
}

export function renderOverview(rows, selected, onSelect) {
  empty.hidden = rows.length > 0;
  fill(
    body,
    ...rows.map((row) => {
      const name = el(
        "button",
        { type: "button", class: "link", title: `Show queue ${row.queue}` },
        row.queue,
      );
      name.addEventListener("click", () => onSelect(row.queue));
      return el(
        "tr",
        { "data-queue": row.queue, class: row.queue === selected ? "selected" : undefined },
        el("th", { scope: "row" }, name),
        el(
          "td",
          { class: row.stopped ? "state stopped" : "state started" },
          row.stopped ? "stopped" : "started",
        ),
        el("td", {}, count(row.ready)),
        el("td", {}, count(row.delayed)),
        el("td", {}, count(row.inFlight)),
        el("td", { class: row.dead > 0 ? "dead" : undefined }, count(row.dead)),
        el("td", {}, rate(row.enqueueRate)),
        el("td", {}, rate(row.processRate)),
        el("td", {}, age(row.oldestAge)),
      );
    }),
  );
}
