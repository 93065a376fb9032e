import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { curlWithKey, testKey, withKeys } from "./support/auth-keys.ts";
import { type Chromium, chromiumPath, launchChromium } from "./support/chromium.ts";
import { json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

// Issue #11 point 6 in a real browser: the dashboard asks for a key, keeps it for the tab only and
// hides what the key may not do. A page on another site: browser-cross-site.test.ts.

if (!chromiumPath) {
  console.warn("dashboard auth browser tests SKIPPED: no chromium found (apt-get install chromium)");
}

const reader = testKey("reader", ["read:*"]);
const billingAdmin = testKey("billing-admin", ["read:*", "admin:billing.*"]);
const operator = testKey("operator", ["*"]);

async function deadLetter(server: TestServer, queue: string, error: string) {
  await curlWithKey(server, operator, `/q/${queue}?max_attempts=1`, "-d", '{"once":true}');
  const leased = await curlWithKey(server, operator, `/q/${queue}?lease=60`);
  const id = leased.headers["x-presque-job-id"] as string;
  const token = leased.headers["x-presque-lease-token"] as string;
  await curlWithKey(
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
    await curlWithKey(server, operator, "/qb/mail", "-d", '{"jobs":[{"to":"a"},{"to":"b"}]}');
    await curlWithKey(server, operator, "/q/billing.invoices", "-d", '{"invoice":1}');
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
    expect(json(await curlWithKey(server, operator, "/j/mail"))).toMatchObject({ ready: 0, dead: 1 });
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
