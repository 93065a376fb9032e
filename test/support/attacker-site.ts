import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";

/**
 * A page on another site (presque is at 127.0.0.1, this one at localhost: different sites) that
 * fires the three requests of issue #11 point 5 at presque (`aim` says where), then tells its
 * server it is done.
 */
export async function startAttackerSite() {
  let target = "";
  let reportDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    reportDone = resolve;
  });
  const page = () => `<!doctype html>
<iframe name="sink"></iframe>
<form method="POST" enctype="text/plain" action="${target}/control/q" target="sink">
  <input name='{"status":"stop","pad":"' value='"}'>
</form>
<script>
  const image = new Promise((settle) => {
    const img = new Image();
    img.onload = img.onerror = settle;
    img.src = "${target}/qb/q?batch_size=10";
  });
  const post = fetch("${target}/q/q", { method: "POST", mode: "no-cors", body: '{"evil":true}' })
    .catch(() => undefined);
  const form = new Promise((settle) => {
    document.querySelector("iframe").addEventListener("load", settle, { once: true });
    document.querySelector("form").submit();
  });
  Promise.all([image, post, form]).then(() => fetch("/done"));
</script>`;
  const server: Server = createServer((req, res) => {
    if (req.url === "/done") reportDone();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(req.url === "/" ? page() : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    origin: new URL(url).origin,
    aim(presqueUrl: string) {
      target = presqueUrl;
    },
    done,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type AttackerSite = Awaited<ReturnType<typeof startAttackerSite>>;
export const attackedPaths = ["/control/q", "/qb/q?batch_size=10", "/q/q"];

/**
 * What the browser got for a request to `url`: presque's status, or why it failed. An image
 * answered with JSON is blocked by Chromium's opaque-response blocking (ERR_BLOCKED_BY_ORB) once
 * the answer has arrived, so the page never sees its status.
 */
export function outcomeOf(page: Page, url: string): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`no answer to ${url} in 10 s`)), 10_000);
    const settle = (outcome: number | string) => {
      clearTimeout(deadline);
      resolve(outcome);
    };
    page.on("response", (response) => response.url() === url && settle(response.status()));
    page.on(
      "requestfailed",
      (request) => request.url() === url && settle(request.failure()?.errorText ?? "failed"),
    );
  });
}
