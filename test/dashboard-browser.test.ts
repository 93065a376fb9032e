import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Chromium, chromiumPath, launchChromium } from "./support/chromium.ts";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

if (!chromiumPath) {
  console.warn(
    "dashboard browser tests SKIPPED: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)",
  );
}

const artifacts = new URL("../test-artifacts/", import.meta.url);
const xssPayload = '{"note":"<img src=x onerror=alert(1)>"}';

describe.skipIf(!chromiumPath)("the dashboard at / in a real Chromium", () => {
  let server: TestServer;
  let browser: Chromium;
  let page: Page;
  /** Alerts, confirms and CSP reports the page raised: an injected script would show up here. */
  const dialogs: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium(chromiumPath as string);
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000); // fail with playwright's message, before the test times out
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const row = (queue: string) => page.locator(`#queues tr[data-queue="${queue}"]`);

  it("serves the page under a Content-Security-Policy without inline scripts", async () => {
    const response = await page.goto(server.baseUrl);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    await page.getByText("No queues yet").waitFor();
    await page.locator("#connection", { hasText: "live" }).waitFor();
  });

  it("hints at enqueueing on the server the page came from", async () => {
    expect(await page.locator("#no-queues code").textContent()).toBe(
      `curl -X POST ${server.baseUrl}/q/foo -d '{"a":1}'`,
    );
  });

  it("shows a queue as soon as a job is enqueued, without a reload", async () => {
    await curl("-X", "POST", `${server.baseUrl}/q/emails`, "-d", '{"to":"a@b.c"}');
    await row("emails").waitFor();
    await row("emails").locator("td", { hasText: /^1$/ }).first().waitFor();
    expect(await row("emails").locator("td.state").textContent()).toBe("started");
  });

  it("shows enqueued/s per second, as its header says", async () => {
    expect(await page.locator("#queues thead th").nth(6).textContent()).toBe("enqueued/s");
    // One job over the stats window of 60 to 120 seconds: 1/120 to 1/60 per second, not "1.0/min".
    const cell = row("emails").locator("td").nth(5);
    await cell.filter({ hasText: /^0\.0\d+$/ }).waitFor();
    const perSecond = Number(await cell.textContent());
    expect(perSecond).toBeGreaterThanOrEqual(0.0083);
    expect(perSecond).toBeLessThanOrEqual(0.017);
  });

  it("stops the queue from its panel, and the API agrees", async () => {
    await row("emails").getByRole("button", { name: "emails" }).click();
    await page.locator("#queue-panel").waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await row("emails").locator("td.state", { hasText: "stopped" }).waitFor();
    await page.locator("#queue-state", { hasText: "stopped" }).waitFor();
    expect(json(await curl(`${server.baseUrl}/control/emails`))).toMatchObject({ stopped: true });

    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: new URL("dashboard.png", artifacts).pathname, fullPage: true });
  });

  it("draws the queue's throughput and depth charts", async () => {
    await page.locator("#throughput-chart canvas").waitFor();
    await page.locator("#depth-chart canvas").waitFor();
    await page.locator("#depth-chart .u-legend", { hasText: "in flight" }).waitFor();
  });

  it("shows an HTML payload as text when browsing jobs", async () => {
    await curl("-X", "POST", `${server.baseUrl}/q/emails`, "-d", xssPayload);
    await page.getByRole("tab", { name: "delayed" }).click();
    await page.getByRole("tab", { name: "ready" }).click();
    await page.locator("#jobs td.payload", { hasText: "<img src=x onerror=alert(1)>" }).waitFor();
    expect(await page.locator("#jobs img").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("looks a job up by id", async () => {
    const { id } = json(await curl("-X", "POST", `${server.baseUrl}/q/emails`, "-d", '{"lookup":true}')) as {
      id: string;
    };
    await page.locator("#lookup-id").fill(id);
    await page.getByRole("button", { name: "Show" }).click();
    await page.locator("#lookup-result", { hasText: '"lookup": true' }).waitFor();
  });

  it("purges only after the operator confirms", async () => {
    await page.getByRole("button", { name: "Purge…" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(json(await curl(`${server.baseUrl}/j/emails`))).toMatchObject({ ready: 3 });

    await page.getByRole("button", { name: "Purge…" }).click();
    await page.locator("dialog").getByRole("button", { name: "Purge" }).click();
    await page.locator("#toast", { hasText: "Purged 3 jobs" }).waitFor();
    await page.getByText("no ready jobs").waitFor();
    expect(json(await curl(`${server.baseUrl}/j/emails`))).toMatchObject({ ready: 0 });
  });

  it("lists a registered worker and the job it is working on, its name as text", async () => {
    const worker = json(
      await curl(
        "-X",
        "POST",
        `${server.baseUrl}/w/`,
        "-d",
        '{"name":"mailer <i>1</i>","queues":["emails"]}',
      ),
    ) as { worker_id: string };
    await curl(
      "-X",
      "POST",
      `${server.baseUrl}/w/${worker.worker_id}/heartbeat`,
      "-d",
      '{"working_on":[{"queue":"emails","id":"42"}]}',
    );
    await page.locator("#workers td", { hasText: "emails/42" }).waitFor();
    await page.locator("#workers td", { hasText: "mailer <i>1</i>" }).waitFor();
    expect(await page.locator("#workers i").count()).toBe(0);
  });

  it("shows a dead letter with its reason and redrives it after the operator confirms", async () => {
    await curl("-X", "POST", `${server.baseUrl}/q/flaky?max_attempts=1`, "-d", '{"try":"once"}');
    const leased = await curl(`${server.baseUrl}/q/flaky?lease=60`);
    const id = leased.headers["x-presque-job-id"] as string;
    await curl(
      "-X",
      "POST",
      `${server.baseUrl}/q/flaky/${id}/nack`,
      "-H",
      `x-presque-lease-token: ${leased.headers["x-presque-lease-token"]}`,
      "-d",
      '{"error":"smtp said no"}',
    );
    await row("flaky").getByRole("button", { name: "flaky" }).click();
    await page.locator("#dead-letters tr", { hasText: "smtp said no" }).waitFor();

    await page.getByRole("button", { name: "Redrive all" }).click();
    await page.locator("dialog").getByRole("button", { name: "Redrive" }).click();
    await page.locator("#dead-letters", { hasText: "No dead letters." }).waitFor();
    expect(json(await curl(`${server.baseUrl}/j/flaky`))).toMatchObject({ ready: 1, dead: 0 });
  });

  it("ran every script and style under the policy: no CSP violations, no dialogs", () => {
    expect(cspViolations).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
