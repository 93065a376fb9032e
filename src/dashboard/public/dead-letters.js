// Dead letters of the selected queue: the first page, with Redrive all and Delete all for a key
// that may admin the queue. The routes (GET/DELETE /dead/:queue, POST /dead/:queue/redrive) may
// be missing on an older server; then the panel says so instead of failing.
import { ApiError, rest } from "./api.js";
import { confirmAction } from "./confirm.js";
import { el, fill } from "./dom.js";
import { time } from "./format.js";
import { say } from "./toast.js";

const q = (queue) => encodeURIComponent(queue);

const deadTable = (jobs) =>
  el(
    "table",
    { class: "jobs" },
    el(
      "thead",
      {},
      el("tr", {}, ...["id", "attempts", "died", "reason", "payload"].map((name) => el("th", {}, name))),
    ),
    el(
      "tbody",
      {},
      ...jobs.map((job) =>
        el(
          "tr",
          { "data-job": job.id },
          el("td", {}, job.id),
          el("td", {}, job.attempt ?? 0),
          el("td", {}, time(job.died_at)),
          el("td", {}, [job.dead_reason, job.last_error].filter(Boolean).join(": ")),
          el("td", { class: "payload" }, el("code", {}, JSON.stringify(job.payload))),
        ),
      ),
    ),
  );

/**
 * `onChange` runs after a redrive or delete (redriven jobs are ready again); `mayAdmin(queue)`
 * says whether to offer them.
 */
export function createDeadLetters(container, onChange, mayAdmin) {
  let queue;

  const load = async () => {
    const shownFor = queue;
    try {
      const page = await rest("GET", `/dead/${q(queue)}`);
      if (shownFor !== queue) return;
      const jobs = page?.jobs ?? [];
      const redrive = el("button", { type: "button", disabled: jobs.length === 0 }, "Redrive all");
      const remove = el(
        "button",
        { type: "button", class: "danger", disabled: jobs.length === 0 },
        "Delete all…",
      );
      redrive.addEventListener("click", () => act("POST", `/dead/${q(queue)}/redrive`, "Redrive"));
      remove.addEventListener("click", () => act("DELETE", `/dead/${q(queue)}`, "Delete"));
      fill(
        container,
        mayAdmin(queue) ? el("div", { class: "inline" }, redrive, remove) : undefined,
        jobs.length ? deadTable(jobs) : el("p", { class: "hint" }, "No dead letters."),
      );
    } catch (error) {
      if (shownFor !== queue) return;
      const missingRoute =
        error instanceof ApiError && error.status === 404 && error.message.startsWith("no route");
      fill(
        container,
        el(
          "p",
          { class: "hint" },
          missingRoute ? "Dead letters are not available on this server." : `Dead letters: ${error.message}`,
        ),
      );
    }
  };

  const act = async (method, path, verb) => {
    if (!(await confirmAction(`${verb} every dead letter of queue ${queue}?`, verb))) return;
    try {
      await rest(method, path);
      say(`${verb}: done`);
    } catch (error) {
      say(`${verb} failed: ${error.message}`, "error");
    }
    load();
    onChange();
  };

  return {
    show(name) {
      queue = name;
      load();
    },
  };
}
