import { describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer({
  limits: { ...defaultConfig.limits, maxBodyBytes: 1024, maxQueueNameLength: 16 },
});

/** Nothing was stored: the queue does not even appear in /status. */
async function expectNothingStored(queue: string) {
  const status = json(await curl(`${presque.url}/status`)) as { queues: string[] };
  expect(status.queues).not.toContain(queue);
}

describe("bad input gets a clear 4xx and changes nothing", () => {
  it("a body that is not JSON", async () => {
    const answer = await curl("-X", "POST", `${presque.url}/q/notjson`, "-d", "foo=bar");
    expect(answer.status).toBe(400);
    expect(json(answer)).toMatchObject({ code: "invalid_argument" });
    expect((json(answer) as { message: string }).message).toMatch(/^body is not JSON: /);
    await expectNothingStored("notjson");
  });

  it("an empty body", async () => {
    const answer = await curl("-X", "POST", `${presque.url}/q/empty`, "-d", "");
    expect(answer.status).toBe(400);
    expect(json(answer)).toEqual({
      code: "invalid_argument",
      message: "body is empty: a job is any JSON value",
    });
    await expectNothingStored("empty");
  });

  it("a body over the configured size", async () => {
    const big = JSON.stringify({ pad: "x".repeat(2000) });
    const answer = await curl("-X", "POST", `${presque.url}/q/big`, "-d", big);
    expect(answer.status).toBe(413);
    expect(json(answer)).toEqual({
      code: "resource_exhausted",
      message: "request body is larger than 1024 bytes",
    });
    const rpc = await curl(
      "-H",
      "content-type: application/json",
      "-d",
      JSON.stringify({ queue: "big", payload: big }),
      `${presque.url}/presque.v1.QueueService/Enqueue`,
    );
    expect((json(rpc) as { code: string }).code).toBe("resource_exhausted");
    await expectNothingStored("big");
  });

  it("bad queue names", async () => {
    for (const [name, message] of [
      ["a%7Bb%7D", 'queue name "a{b}" may only contain letters, digits, underscore, dot, colon and hyphen'],
      ["sp%20ace", 'queue name "sp ace" may only contain letters, digits, underscore, dot, colon and hyphen'],
      ["x".repeat(17), "queue name is longer than 16 characters"],
      ["%E0%A4%A", 'path segment "%E0%A4%A" is not valid URL encoding'],
    ]) {
      const answer = await curl("-X", "POST", `${presque.url}/q/${name}`, "-d", "{}");
      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({ code: "invalid_argument", message });
      expect((await curl(`${presque.url}/q/${name}`)).status).toBe(400);
    }
  });

  it("bad query parameters", async () => {
    for (const [query, message] of [
      ["priority=high", 'query parameter priority must be a number, got "high"'],
      ["priority=1.5", "priority must be an integer from -1000 to 1000"],
      ["priority=5000", "priority must be an integer from -1000 to 1000"],
      ["delay=-1", 'delay must be seconds or a duration like 250ms, 90s, 5m, 1h30m; got "-1"'],
      ["delay=99999d", "delay must be between 0 and 10 years"],
      ["run_at=tomorrow", 'run_at must be an RFC 3339 time like 2026-11-28T10:00:00Z; got "tomorrow"'],
      ["delay=5&delayed=1700000000", "give one of delay, delayed and run_at"],
      ["max_attempts=0", "max_attempts must be an integer from 1 to 1000"],
    ]) {
      const answer = await curl("-X", "POST", `${presque.url}/q/badquery?${query}`, "-d", "{}");
      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({ code: "invalid_argument", message });
    }
    await expectNothingStored("badquery");
    for (const query of ["lease=abc", "lease=-5", "lease=0", "wait=3600", "lease=99999999"]) {
      const answer = await curl(`${presque.url}/q/badquery?${query}`);
      expect(answer.status).toBe(400);
    }
  });

  it("a query parameter the route does not take, such as a typo", async () => {
    const answer = await curl("-X", "POST", `${presque.url}/q/typo?priorty=5`, "-d", "{}");
    expect(answer.status).toBe(400);
    expect(json(answer)).toEqual({
      code: "invalid_argument",
      message:
        'unknown query parameter "priorty": this route takes priority, delay, delayed, run_at, expires_at, uniq, max_attempts',
    });
    expect((await curl(`${presque.url}/q/typo?leese=30`)).status).toBe(400);
    await expectNothingStored("typo");
  });

  it("a method a route does not have", async () => {
    const answer = await curl("-X", "PATCH", `${presque.url}/q/foo`, "-d", "{}");
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("POST, PUT, GET, DELETE");
    expect(json(answer)).toEqual({
      code: "unimplemented",
      message: "PATCH is not allowed here; use POST, PUT, GET, DELETE",
    });
    // HEAD would fetch (and remove) a job if it were mapped to GET, as it was in presque; the
    // routes that only read answer it (uptime checks use HEAD).
    expect((await curl("-I", `${presque.url}/q/foo`)).status).toBe(405);
    expect((await curl("-I", `${presque.url}/qb/foo`)).status).toBe(405);
    expect((await curl("-I", `${presque.url}/healthz`)).status).toBe(200);
    expect((await curl("-I", `${presque.url}/j/foo`)).status).toBe(200);
    await expectNothingStored("foo");
  });

  it("headers too large for the server, before any route runs", async () => {
    const answer = await curl("-H", `x-padding: ${"x".repeat(20_000)}`, `${presque.url}/status`);
    expect(answer.status).toBe(431);
    expect(json(answer)).toEqual({ code: "resource_exhausted", message: "request headers are too large" });
  });

  it("a path that is no route", async () => {
    const answer = await curl(`${presque.url}/nowhere`);
    expect(answer.status).toBe(404);
    expect(json(answer)).toEqual({ code: "not_found", message: "no route for /nowhere" });
  });

  it("an unknown job id", async () => {
    expect(json(await curl(`${presque.url}/q/foo/12`))).toEqual({
      code: "not_found",
      message: "job 12 of queue foo does not exist",
    });
    expect(json(await curl(`${presque.url}/q/foo/abc`))).toEqual({
      code: "invalid_argument",
      message: 'job id "abc" is not a job id',
    });
  });
});

describe("numbers a double cannot hold", () => {
  it("are refused at enqueue, so no consumer is ever handed a job it cannot decode", async () => {
    for (const body of ['{"n":1e400}', `[${"9".repeat(400)}]`]) {
      const answer = await curl("-X", "POST", `${presque.url}/q/overflow`, "-d", body);
      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({
        code: "invalid_argument",
        message: "body has a number too large for a double: RPC consumers could not receive it",
      });
    }
    expect(
      (await curl("-X", "POST", `${presque.url}/q/overflow`, "-d", '{"n":1e300, "m": 12345678901234567890}'))
        .status,
    ).toBe(201);
  });
});
