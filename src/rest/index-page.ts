import { createHash } from "node:crypto";
import type { QueueInfo } from "../engine/types.ts";
import type { RestDeps } from "./rest-deps.ts";
import type { RestRouter } from "./router.ts";

const style = `
body{font:15px/1.4 system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse}th,td{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}.stopped{color:#b00}code{background:#f4f4f4;padding:0 .2rem}`;
const styleHash = createHash("sha256").update(style).digest("base64");
/** No script at all on this page; styles only from the inline block hashed above. */
const contentSecurityPolicy = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function row(info: QueueInfo): string {
  const cells = [info.ready, info.delayed, info.inFlight, info.processed, info.failed].map(
    (n) => `<td>${n}</td>`,
  );
  const state = info.stopped ? '<td class="stopped">stopped</td>' : "<td>started</td>";
  return `<tr><td><a href="/j/${encodeURIComponent(info.queue)}">${escapeHtml(info.queue)}</a></td>${cells.join("")}${state}</tr>`;
}

/** GET /: the queues and their counts, as presque's index page had (the live dashboard comes later). */
export function registerIndexPage(router: RestRouter, { engine }: RestDeps): void {
  router.on("GET", /^\/$/, async ({ res }) => {
    const infos = await Promise.all((await engine.listQueues()).map((name) => engine.queueInfo(name)));
    const rows = infos.length
      ? infos.map(row).join("\n")
      : '<tr><td colspan="7">No queues yet: <code>curl -X POST localhost:5000/q/foo -d \'{"a":1}\'</code></td></tr>';
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>presque</title><style>${style}</style></head>
<body><h1>presque</h1>
<table><thead><tr><th>queue</th><th>ready</th><th>delayed</th><th>in flight</th><th>processed</th><th>failed</th><th>state</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>`;
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": contentSecurityPolicy,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    });
    res.end(html);
  });
}
