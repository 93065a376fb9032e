import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { bearer, type TestKey, testKey, withKeys } from "./support/auth-keys.ts";
import { type Chromium, chromiumPath, launchChromium } from "./support/chromium.ts";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

// Issue #11 points 5 and 6 in a real browser: the dashboard asks for a key, keeps it for the tab
// only and hides what the key may not do; a page on another site cannot drive presque.

if (!chromiumPath) {
  console.warn("dashboard auth browser tests SKIPPED: no chromium found (apt-get install chromium)");
}

const reader = testKey("reader", ["read:*"]);
const billingAdmin = testKey("billing-admin", ["read:*", "admin:billing.*"]);
const operator = testKey("operator", ["*"]);

/**
 * curl against presque with a key and a JSON content type (with auth on, curl -d's form type is
 * refused with 415); `args` are curl's own.
 */
const api = (server: TestServer, key: TestKey | undefined, path: string, ...args: string[]) =>
  curl(
    `${server.baseUrl}${path}`,
    ...Object.entries({ ...(key ? bearer(key) : {}), "content-type": "application/json" }).flatMap(
      ([name, value]) => ["-H", `${name}: ${value}`],
    ),
    ...args,
  );

async function deadLetter(server: TestServer, queue: string, error: string) {
  await api(server, operator, `/q/${queue}?max_attempts=1`, "-d", '{"once":true}');
  const leased = await api(server, operator, `/q/${queue}?lease=60`);
  const id = leased.headers["x-presque-job-id"] as string;
  const token = leased.headers["x-presque-lease-token"] as string;
  await api(
    server,
    operator,
    `/q/${queue}/${id}/nack?token=${token}`,
    "-X",
    "POST",
    "-d",
    `{"error":"${error}"}`,
  );
}

describe.skipIf(!chromiumPath)("the dashboard with API keys, in a real Chromium", () => {
  let server: TestServer;
  let browser: Chromium;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(withKeys([reader, billingAdmin, operator]));
    await deadLetter(server, "mail", "smtp said no");
    await api(server, operator, "/qb/mail", "-d", '{"jobs":[{"to":"a"},{"to":"b"}]}');
    await api(server, operator, "/q/billing.invoices", "-d", '{"invoice":1}');
    browser = await launchChromium(chromiumPath as string);
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const row = (queue: string) => page.locator(`#queues tr[data-queue="${queue}"]`);
  const useKey = async (secret: string) => {
    await page.locator("#key-input").fill(secret);
    await page.getByRole("button", { name: "Use key" }).click();
  };
  const open = async (queue: string) => {
    await row(queue).getByRole("button", { name: queue }).click();
    await page.locator("#queue-title", { hasText: queue }).waitFor();
  };
  const forget = async () => {
    await page.getByRole("button", { name: "Forget key" }).click();
    await page.locator("#key-input").waitFor();
  };
  const adminButtons = () => page.locator("#toggle-queue, #purge-queue, #dead-letters button");

  it("asks for a key before it shows any queue", async () => {
    await page.goto(server.baseUrl);
    await page.locator("#key-input").waitFor();
    expect(await page.locator("#key-input").getAttribute("type")).toBe("password");
    expect(await page.locator("#views").isVisible()).toBe(false);
  });

  it("shows the form again, saying why, after a key presque does not know", async () => {
    await useKey("pq_not-a-key-presque-knows");
    await page.locator("#key-error", { hasText: "did not accept the key" }).waitFor();
    expect(await page.locator("#key-input").isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("shows the queues to a read-only key, without one admin button", async () => {
    await useKey(reader.secret);
    await page.locator("#key-name", { hasText: "reader" }).waitFor();
    await row("billing.invoices").waitFor();
    await open("mail");
    await page.locator("#dead-letters tr", { hasText: "smtp said no" }).waitFor();
    await page.locator("#jobs td.payload", { hasText: '"to":"b"' }).waitFor();
    expect(await adminButtons().count()).toBe(2); // toggle and purge, present but hidden
    for (const button of await adminButtons().all()) expect(await button.isVisible()).toBe(false);
    expect(await page.getByRole("link", { name: "metrics" }).count()).toBe(0);
  });

  it("shows the admin buttons only on the queues the key may admin", async () => {
    await forget();
    await useKey(billingAdmin.secret);
    await page.locator("#key-name", { hasText: "billing-admin" }).waitFor();
    await open("billing.invoices");
    await page.getByRole("button", { name: "Purge…" }).waitFor();
    await open("mail");
    await page.locator("#dead-letters tr", { hasText: "smtp said no" }).waitFor();
    expect(await page.getByRole("button", { name: /Purge|Stop|Start|Redrive|Delete/ }).count()).toBe(0);
  });

  it("shows every button to a * key, and its purge empties the queue", async () => {
    await forget();
    await useKey(operator.secret);
    await page.locator("#key-name", { hasText: "operator" }).waitFor();
    await open("mail");
    await page.getByRole("button", { name: "Redrive all" }).waitFor();
    await page.getByRole("button", { name: "Stop" }).waitFor();
    await page.getByRole("button", { name: "Purge…" }).click();
    await page.locator("dialog").getByRole("button", { name: "Purge" }).click();
    await page.locator("#toast", { hasText: "Purged 2 jobs from mail" }).waitFor();
    expect(json(await api(server, operator, "/j/mail"))).toMatchObject({ ready: 0, dead: 1 });
  });

  it("keeps the key in sessionStorage only: not in localStorage, a cookie or the URL", async () => {
    const stream = page.waitForRequest((request) =>
      request.url().endsWith("/presque.v1.StatsService/WatchStats"),
    );
    await page.reload();
    expect((await (await stream).allHeaders()).authorization).toBe(`Bearer ${operator.secret}`);
    await page.locator("#key-name", { hasText: "operator" }).waitFor();
    // Runs in the page (this project's types have no DOM: the page's globals are named here).
    const storage = await page.evaluate(() => {
      const page = globalThis as unknown as { document: { cookie: string }; location: { href: string } };
      return {
        session: Object.values(sessionStorage),
        local: localStorage.length,
        cookie: page.document.cookie,
        url: page.location.href,
      };
    });
    expect(storage).toMatchObject({ session: [operator.secret], local: 0, cookie: "" });
    expect(storage.url).not.toContain(operator.secret);
    expect(await browser.context.cookies()).toEqual([]);
  });

  it("forgets the key and asks again once the server no longer knows it", async () => {
    await server.presque.reload({
      ...defaultConfig,
      auth: { ...defaultConfig.auth, keys: [reader.entry, billingAdmin.entry] },
    });
    await page.locator("#key-error", { hasText: "did not accept the key" }).waitFor();
    expect(await page.locator("#views").isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("ran the key form and the views under the Content-Security-Policy, without a violation", () => {
    expect(cspViolations).toEqual([]);
  });
});

/**
 * A page on another site (presque is at 127.0.0.1, this one at localhost: different sites) that
 * fires the three requests of issue #11 point 5 at presque (`aim` says where), then tells its
 * server it is done.
 */
async function startAttackerSite() {
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

type AttackerSite = Awaited<ReturnType<typeof startAttackerSite>>;
const attackedPaths = ["/control/q", "/qb/q?batch_size=10", "/q/q"];

/**
 * What the browser got for a request to `url`: presque's status, or why it failed. An image
 * answered with JSON is blocked by Chromium's opaque-response blocking (ERR_BLOCKED_BY_ORB) once
 * the answer has arrived, so the page never sees its status.
 */
function outcomeOf(page: Page, url: string): Promise<number | string> {
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

/**
 * One attack: presque (auth on with `key`, or off), the attacker's site and a fresh Chromium;
 * with a key, the operator is signed in to the dashboard in another tab of that browser. Returns
 * what came of each request once the attacker's page reported it was done.
 */
async function attack(server: TestServer, attacker: AttackerSite, key: TestKey | undefined) {
  const browser = await launchChromium(chromiumPath as string);
  try {
    if (key) {
      const dashboard = await browser.context.newPage();
      dashboard.setDefaultTimeout(10_000);
      await dashboard.goto(server.baseUrl);
      await dashboard.locator("#key-input").fill(key.secret);
      await dashboard.getByRole("button", { name: "Use key" }).click();
      await dashboard.locator("#queues tr[data-queue=q]").waitFor();
    }
    attacker.aim(server.baseUrl);
    const page = await browser.context.newPage();
    const outcomes = attackedPaths.map((path) => outcomeOf(page, `${server.baseUrl}${path}`));
    await page.goto(attacker.url, { waitUntil: "commit", timeout: 10_000 });
    const [form, image, post] = await Promise.all(outcomes);
    await attacker.done;
    return { form, image, post };
  } finally {
    // Before the servers stop: the browser's keep-alive connections would hold them open.
    await browser.close();
  }
}

describe.skipIf(!chromiumPath)("a page on another site, in a real Chromium", () => {
  it.each([
    ["auth off (the origin policy alone)", undefined],
    ["auth on, the operator signed in to the dashboard in another tab", operator],
  ] as const)(
    "cannot stop a queue, take its jobs or enqueue one, %s: each request gets 403",
    async (_, key) => {
      const server = await startTestServer(key ? withKeys([key]) : {});
      const attacker = await startAttackerSite();
      try {
        await api(server, key, "/qb/q", "-d", '{"jobs":[1,2,3]}');
        const { form, image, post } = await attack(server, attacker, key);
        expect({ form, post }).toEqual({ form: 403, post: 403 });
        expect([403, "net::ERR_BLOCKED_BY_ORB"]).toContain(image);
        expect(json(await api(server, key, "/control/q"))).toMatchObject({ stopped: false });
        expect(json(await api(server, key, "/j/q"))).toMatchObject({ ready: 3, enqueued: 3, processed: 0 });
      } finally {
        await attacker.close();
        await server.stop();
      }
    },
  );

  it("gets through from an origin cors.allowed_origins lists (so the refusals are the policy's doing)", async () => {
    const attacker = await startAttackerSite();
    const server = await startTestServer({ cors: { allowedOrigins: [attacker.origin] } });
    try {
      await api(server, undefined, "/qb/q", "-d", '{"jobs":[1,2,3]}');
      // The form and the fetch carry the Origin; the image does not, and Sec-Fetch-Site still refuses it.
      expect(await attack(server, attacker, undefined)).toMatchObject({ form: 200, post: 201 });
      expect(json(await api(server, undefined, "/control/q"))).toMatchObject({ stopped: true });
      expect(json(await api(server, undefined, "/j/q"))).toMatchObject({
        ready: 4,
        enqueued: 4,
        processed: 0,
      });
    } finally {
      await attacker.close();
      await server.stop();
    }
  });
});
