// The selected queue: start/stop, purge, charts, jobs by state, lookup by id (dead letters:
// dead-letters.js). Start/stop and purge are admin actions: shown only when the key may use them.
import { rest, rpc } from "./api.js";
import { createCharts } from "./charts.js";
import { confirmAction } from "./confirm.js";
import { createDeadLetters } from "./dead-letters.js";
import { el, fill } from "./dom.js";
import { time } from "./format.js";
import { noAuth } from "./scopes.js";
import { say } from "./toast.js";

const $ = (id) => document.getElementById(id);
const panel = $("queue-panel");
const title = $("queue-title");
const stateBadge = $("queue-state");
const toggle = $("toggle-queue");
const purge = $("purge-queue");
const jobsBody = document.querySelector("#jobs tbody");
const moreJobs = $("more-jobs");
const tabs = [...document.querySelectorAll(".tabs [role=tab]")];
const lookupForm = $("lookup");
const lookupId = $("lookup-id");
const lookupResult = $("lookup-result");

const q = (queue) => encodeURIComponent(queue);
const historyEveryMs = 10_000;

export function createQueuePanel() {
  let access = noAuth;
  const mayAdmin = (name) => access.can("admin", name);
  const deadLetters = createDeadLetters($("dead-letters"), () => loadJobs(false), mayAdmin);
  let queue;
  let stopped = false;
  let jobState = "ready";
  let cursor;
  let charts;
  let historyTimer;

  const showState = (isStopped) => {
    stopped = isStopped;
    stateBadge.textContent = isStopped ? "stopped" : "started";
    stateBadge.className = `badge ${isStopped ? "stopped" : "started"}`;
    toggle.textContent = isStopped ? "Start" : "Stop";
  };

  const loadHistory = async () => {
    if (!queue) return;
    try {
      charts.update(await rpc("presque.v1.StatsService/GetQueueHistory", { queue }));
    } catch (error) {
      say(`history of ${queue}: ${error.message}`, "error");
    }
  };

  const jobRow = (job) =>
    el(
      "tr",
      { "data-job": job.id },
      el("td", {}, job.id),
      el("td", {}, job.attempt ?? 0),
      el("td", {}, job.priority ?? 0),
      el("td", {}, time(job.enqueued_at)),
      el("td", { class: "payload" }, el("code", {}, JSON.stringify(job.payload))),
    );

  const loadJobs = async (append) => {
    const shownFor = queue;
    if (!append) cursor = undefined;
    const params = new URLSearchParams({ state: jobState, limit: "25" });
    if (cursor) params.set("cursor", cursor);
    try {
      const page = await rest("GET", `/q/${q(queue)}/jobs?${params}`);
      if (shownFor !== queue) return;
      const rows = page.jobs.map(jobRow);
      if (append) jobsBody.append(...rows);
      else
        fill(
          jobsBody,
          ...(rows.length
            ? rows
            : [el("tr", {}, el("td", { colspan: 5, class: "hint" }, `no ${jobState} jobs`))]),
        );
      cursor = page.next_cursor;
      moreJobs.hidden = cursor === undefined;
    } catch (error) {
      say(`jobs of ${queue}: ${error.message}`, "error");
    }
  };

  toggle.addEventListener("click", async () => {
    const status = stopped ? "start" : "stop";
    try {
      const answer = await rest("POST", `/control/${q(queue)}`, { status });
      showState(answer.stopped);
    } catch (error) {
      say(`${status} failed: ${error.message}`, "error");
    }
  });

  purge.addEventListener("click", async () => {
    const name = queue;
    if (
      !(await confirmAction(`Purge queue ${name}? Every ready, delayed and leased job is removed.`, "Purge"))
    )
      return;
    try {
      const answer = await rest("DELETE", `/q/${q(name)}`);
      say(`Purged ${answer.purged} jobs from ${name}`);
      loadJobs(false);
    } catch (error) {
      say(`purge failed: ${error.message}`, "error");
    }
  });

  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      jobState = tab.dataset.state;
      for (const other of tabs) other.setAttribute("aria-selected", String(other === tab));
      loadJobs(false);
    });
  }
  moreJobs.addEventListener("click", () => loadJobs(true));

  lookupForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    lookupResult.hidden = false;
    try {
      const job = await rest("GET", `/q/${q(queue)}/${encodeURIComponent(lookupId.value.trim())}`);
      lookupResult.textContent = JSON.stringify(job, null, 2);
    } catch (error) {
      lookupResult.textContent = error.message;
    }
  });

  return {
    get queue() {
      return queue;
    },
    /** What the key may do (scopes.js accessOf); applies from the next show(). */
    allow(next) {
      access = next;
    },
    show(name, row) {
      const changed = name !== queue;
      queue = name;
      panel.hidden = false;
      title.textContent = name;
      toggle.hidden = !mayAdmin(name);
      purge.hidden = !mayAdmin(name);
      if (row) showState(row.stopped);
      if (!changed) return;
      charts ??= createCharts($("throughput-chart"), $("depth-chart"));
      charts.resize();
      lookupResult.hidden = true;
      loadHistory();
      loadJobs(false);
      deadLetters.show(queue);
      clearInterval(historyTimer);
      historyTimer = setInterval(loadHistory, historyEveryMs);
    },
    /** Closes the panel (the key was forgotten or refused). */
    hide() {
      queue = undefined;
      panel.hidden = true;
      clearInterval(historyTimer);
    },
    /** A new WatchStats message: the row of this queue, or undefined when it is gone. */
    update(row) {
      if (row) showState(row.stopped);
    },
  };
}
