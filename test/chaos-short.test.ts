import { describe, expect, it } from "vitest";
import { check } from "../chaos/checker.ts";
import type { FinalState } from "../chaos/final-state.ts";
import type { LogLine } from "../chaos/log-lines.ts";
import { runScenario } from "../chaos/run-scenario.ts";
import { shortScenario } from "../chaos/scenarios.ts";

/*
 * The short variant of `npm run chaos`: one fault (kill -9 of an SDK Worker under load from REST,
 * batch and SDK producers) against real processes, judged by the same checker.
 */
describe("chaos suite, short variant", () => {
  it("kill -9 of a consumer under load: no acknowledged job lost, every duplicate explained", async () => {
    const { verdict } = await runScenario(shortScenario);
    expect(verdict.failures).toEqual([]);
    expect(verdict.enqueued).toBeGreaterThan(100);
    expect(verdict.lost).toEqual([]);
    expect(verdict.redeliveries.unexplained).toBe(0);
    expect(verdict.unexpected).toBe(0);
  }, 120_000);
});

describe("chaos checker", () => {
  const t = 1_000_000;
  const empty: FinalState = { ready: 0, delayed: 0, leased: 0, dead: 0, keys: [] };
  const sent = (key: string, at: number): LogLine => ({ ev: "sent", producer: "p", key, at });
  const ok = (key: string, id: string, at: number): LogLine => ({
    ev: "ok",
    producer: "p",
    key,
    id,
    status: 201,
    sentAt: at - 5,
    at,
  });
  const delivery = (key: string, id: string, token: string, attempt: number, at: number, consumer = "c1") =>
    ({
      ev: "delivery",
      consumer,
      id,
      key,
      token,
      attempt,
      deadline: at + 2000,
      leaseMs: 2000,
      at,
    }) as LogLine;
  const ack = (id: string, token: string, result: "acked" | "stale", at: number, consumer = "c1") =>
    ({ ev: "ack", consumer, id, token, result, sentAt: at - 2, at }) as LogLine;
  const healthy = [
    sent("a", t),
    ok("a", "1", t + 5),
    delivery("a", "1", "1", 1, t + 10),
    ack("1", "1", "acked", t + 20),
  ];

  it("passes a run where every job was delivered and acked, and explains a crash's redelivery", () => {
    const crashed: LogLine[] = [
      sent("e", t),
      ok("e", "5", t + 5),
      delivery("e", "5", "7", 1, t + 10),
      { ev: "fault", kind: "kill", target: "c1", at: t + 100, until: t + 600 },
      delivery("e", "5", "9", 2, t + 2100, "c2"),
      ack("5", "9", "acked", t + 2120, "c2"),
    ];
    const verdict = check([...healthy, ...crashed], empty, "always");
    expect(verdict.failures).toEqual([]);
    expect(verdict.redeliveries.crash).toBe(1);
  });

  it("fails on a lost job, an acked job delivered again, and a 2xx while Redis was frozen", () => {
    const lines: LogLine[] = [
      ...healthy,
      sent("b", t),
      ok("b", "2", t + 5),
      sent("c", t),
      ok("c", "3", t + 5),
      delivery("c", "3", "4", 1, t + 10),
      ack("3", "4", "acked", t + 30),
      delivery("c", "3", "6", 2, t + 3000, "c2"),
      { ev: "fault", kind: "stop", target: "redis", at: t + 5000, until: t + 15_000 },
      sent("d", t + 6000),
      ok("d", "4", t + 7000),
    ];
    const verdict = check(lines, empty, "always");
    expect(verdict.lost.sort()).toEqual(["b", "d"]);
    expect(verdict.unexplained.map((r) => r.key)).toEqual(["c"]);
    expect(verdict.outage).toMatchObject({ answered: 1, falseTwoXx: 1 });
    expect(verdict.failures).toHaveLength(3);
  });

  it("counts a job lost just before a Redis kill -9 as expected only under appendfsync everysec", () => {
    const lines: LogLine[] = [
      ...healthy,
      sent("f", t),
      ok("f", "6", t + 500),
      { ev: "fault", kind: "kill", target: "redis", at: t + 1000, until: t + 2000 },
    ];
    expect(check(lines, empty, "everysec")).toMatchObject({ lost: [], expectedLoss: ["f"], failures: [] });
    expect(check(lines, empty, "always").lost).toEqual(["f"]);
  });
});
