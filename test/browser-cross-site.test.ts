import { describe, expect, it } from "vitest";
import { type AttackerSite, attackedPaths, outcomeOf, startAttackerSite } from "./support/attacker-site.ts";
import { curlWithKey, type TestKey, testKey, withKeys } from "./support/auth-keys.ts";
import { chromiumPath, launchChromium } from "./support/chromium.ts";
import { json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

// Issue #11 point 5 in a real browser: a page on another site cannot drive presque through its
// user's browser, with auth off (the origin policy alone) or on.

if (!chromiumPath)
  console.warn("cross-site browser tests SKIPPED: no chromium found (apt-get install chromium)");

const operator = testKey("operator", ["*"]);

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
        await curlWithKey(server, key, "/qb/q", "-d", '{"jobs":[1,2,3]}');
        const { form, image, post } = await attack(server, attacker, key);
        expect({ form, post }).toEqual({ form: 403, post: 403 });
        expect([403, "net::ERR_BLOCKED_BY_ORB"]).toContain(image);
        expect(json(await curlWithKey(server, key, "/control/q"))).toMatchObject({ stopped: false });
        expect(json(await curlWithKey(server, key, "/j/q"))).toMatchObject({
          ready: 3,
          enqueued: 3,
          processed: 0,
        });
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
      await curlWithKey(server, undefined, "/qb/q", "-d", '{"jobs":[1,2,3]}');
      // The form and the fetch carry the Origin; the image does not, and Sec-Fetch-Site still refuses it.
      expect(await attack(server, attacker, undefined)).toMatchObject({ form: 200, post: 201 });
      expect(json(await curlWithKey(server, undefined, "/control/q"))).toMatchObject({ stopped: true });
      expect(json(await curlWithKey(server, undefined, "/j/q"))).toMatchObject({
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
