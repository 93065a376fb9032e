import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { useStallableRedisServer } from "./support/stallable-redis-server.ts";

// Issue 9, defect 1: with redis-server under SIGSTOP every request hung until Redis woke (29.5 s
// for a 30 s stop) and then answered 2xx. Each command now has a deadline; past it, 503.

const stallable = useStallableRedisServer("stall");

/** Runs `body` while redis-server is stopped; it always runs again afterwards. */
async function whileStopped(body: () => Promise<void>): Promise<void> {
  process.kill(stallable.pid, "SIGSTOP");
  try {
    await body();
  } finally {
    process.kill(stallable.pid, "SIGCONT");
  }
}

/** A request bounded by the test, not by the server (which used to wait as long as Redis did). */
async function send(path: string, init: RequestInit = {}) {
  const res = await fetch(`${stallable.server.baseUrl}${path}`, {
    ...init,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
}

const unavailable = { code: "unavailable", message: expect.stringMatching(/redis/) };

describe("a stalled Redis", () => {
  it("answers 503 with Retry-After on REST and unavailable on Connect, then works again", async () => {
    await whileStopped(async () => {
      const answers = await Promise.all([
        send("/q/stall-post", { method: "POST", body: '{"n":1}', headers: { "idempotency-key": "k1" } }),
        send("/q/stall-lease?lease=30"),
        send("/j/stall-info"),
      ]);
      for (const answer of answers) {
        expect(answer).toEqual({ status: 503, retryAfter: "1", body: unavailable });
      }
      const rpc = await send("/presque.v1.QueueService/Enqueue", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ queue: "stall-rpc", payload: { n: 1 } }),
      });
      expect(rpc.status).toBe(503);
      expect(rpc.body).toEqual(unavailable);
    });

    // Redis runs what it was sent before the stall ended: the 503 enqueue did happen, which is
    // why the README says to retry with the same Idempotency-Key. The retry adds nothing.
    const retry = await fetch(`${stallable.server.baseUrl}/q/stall-post`, {
      method: "POST",
      body: '{"n":1}',
      headers: { "idempotency-key": "k1" },
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const info = await send("/j/stall-post");
    expect(info).toMatchObject({ status: 200, body: { ready: 1 } });
    const fresh = await fetch(`${stallable.server.baseUrl}/q/stall-fresh`, { method: "POST", body: "{}" });
    expect(fresh.status).toBe(201);
  });

  it("keeps a long poll that waits across the stall, and wakes it afterwards", async () => {
    // MONITOR shows the poll's first fetch; Redis writes its reply in the same pass as the feed.
    const monitor = await new Redis(stallable.redis.url).monitor();
    const fetched = new Promise<void>((resolve) =>
      monitor.on("monitor", (_time: string, args: string[]) => {
        if (args.some((arg) => arg.endsWith("{stall-wake}:ready"))) resolve();
      }),
    );
    const waiting = fetch(`${stallable.server.baseUrl}/q/stall-wake?lease=30&wait=20`, {
      signal: AbortSignal.timeout(25_000),
    });
    await fetched;
    monitor.disconnect();
    // The poll waits in Node (on the wake channel), not in Redis: a request that stalls meanwhile
    // gets its 503 and the poll is still waiting.
    await whileStopped(async () => {
      expect((await send("/j/stall-wake")).status).toBe(503);
    });
    const posted = await fetch(`${stallable.server.baseUrl}/q/stall-wake`, {
      method: "POST",
      body: '{"woken":true}',
    });
    expect(posted.status).toBe(201);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ woken: true });
  });
});
