import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { type SpawnedPresque, spawnPresque } from "./support/spawn-presque.ts";

const run = promisify(execFile);
const bin = new URL("../bin/presque.js", import.meta.url).pathname;

/** One POST on a connection of its own; resolves with the pid that logged serving it. */
async function postAlone(presque: SpawnedPresque, path: string, requestId: string): Promise<number> {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${presque.baseUrl}${path}`, {
      method: "POST",
      agent: false,
      headers: { "x-request-id": requestId, connection: "close" },
    });
    req.once("response", (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end("{}");
  });
  expect(status).toBe(201);
  return pidOf(await presque.logLine(new RegExp(`"requestId":"${requestId}"`)));
}

function pidOf(line: string): number {
  return (JSON.parse(line) as { pid: number }).pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes whose parent is `pid`, with their command names. */
function childrenOf(pid: number): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) found.push({ pid: Number(entry), name });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/**
 * Watches Redis (MONITOR, on a plain socket: each command is one `+<time> [<db> <client>] "cmd" ...`
 * line) for commands naming `queue`, and resolves with the client address of each of the next
 * `count`: with no request in flight, only background loops send them.
 */
async function backgroundSources(redisUrl: string, queue: string, count: number): Promise<string[]> {
  const { hostname, port } = new URL(redisUrl);
  const socket = connect(Number(port), hostname);
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const sources: string[] = [];
      const timer = setTimeout(
        () => reject(new Error(`only ${sources.length} commands on ${queue} within 20 s`)),
        20_000,
      );
      socket.once("error", reject);
      createInterface({ input: socket }).on("line", (line) => {
        const source = /^\+[\d.]+ \[\d+ ([^\]]+)\]/.exec(line)?.[1];
        if (source === undefined || source === "lua" || !line.includes(`{${queue}}`)) return;
        sources.push(source);
        if (sources.length < count) return;
        clearTimeout(timer);
        resolve(sources);
      });
      socket.write("MONITOR\r\n");
    });
  } finally {
    socket.destroy();
  }
}

describe("presque serve --workers 2", () => {
  const redisUrl = inject("redisUrl");
  const prefix = `cli-workers-${process.pid}`;
  let presque: SpawnedPresque;
  let workerPids: number[];

  const serving = async (worker: number) =>
    pidOf(await presque.logLine(new RegExp(`"worker":${worker},.*"msg":"worker ${worker} serving"`)));

  beforeAll(async () => {
    presque = await spawnPresque(["--workers", "2"], {
      REDIS_URL: redisUrl,
      PRESQUE_PREFIX: prefix,
      PRESQUE_REAPER_INTERVAL_MS: "20",
    });
    workerPids = [await serving(1), await serving(2)];
  });
  afterAll(async () => {
    if (presque.child.exitCode === null) await presque.terminate();
  });

  it("serves requests from many connections in both workers, on the one port it picked", async () => {
    expect(presque.logs.join("\n")).toMatch(
      /"workers":2,"msg":"presque listening on http:\/\/127\.0\.0\.1:\d+"/,
    );
    const pids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postAlone(presque, "/q/spread", `spread-${prefix}-${i}`)),
    );
    expect(new Set(pids)).toEqual(new Set(workerPids));
    expect(json(await curl(`${presque.baseUrl}/j/spread`))).toMatchObject({ ready: 20, enqueued: 20 });
  });

  it("forwards SIGHUP: every worker reloads its keys and certificates", async () => {
    presque.child.kill("SIGHUP");
    for (const [index, pid] of workerPids.entries()) {
      const line = await presque.logLine(new RegExp(`"worker":${index + 1},.*"msg":"reloaded \\(SIGHUP\\)"`));
      expect(pidOf(line)).toBe(pid);
    }
  });

  it("runs the background loops in one process, worker 1, and again in its replacement", async () => {
    // A delayed job, promoted with nobody fetching: the reaper runs.
    expect((await curl("-X", "POST", `${presque.baseUrl}/q/later?delay=1`, "-d", "{}")).status).toBe(201);
    // A reaper pass every 20 ms: 100 passes outlast the 1 s delay, and two reapers would each
    // send many of them.
    const before = await backgroundSources(redisUrl, "later", 100);
    expect(new Set(before).size).toBe(1);
    expect(json(await curl(`${presque.baseUrl}/j/later`))).toMatchObject({ ready: 1, delayed: 0 });

    const [firstPid] = workerPids as [number];
    process.kill(firstPid, "SIGKILL");
    const replaced = await presque.logLine(/"msg":"worker 1 replaced"/);
    expect(pidOf(replaced)).not.toBe(firstPid);
    workerPids[0] = pidOf(replaced);
    const after = await backgroundSources(redisUrl, "later", 50);
    expect(new Set(after).size).toBe(1);
    // The loops moved with worker 1: worker 2 kept its connection and sends none of them.
    expect(after[0]).not.toBe(before[0]);
  });

  it("replaces a killed worker, which serves on the same port", async () => {
    const secondPid = workerPids[1] as number;
    process.kill(secondPid, "SIGKILL");
    const replacement = pidOf(await presque.logLine(/"msg":"worker 2 replaced"/));
    expect(replacement).not.toBe(secondPid);
    workerPids[1] = replacement;
    const pids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postAlone(presque, "/q/again", `again-${prefix}-${i}`)),
    );
    expect(new Set(pids)).toEqual(new Set(workerPids));
  });

  it("stops every worker on SIGTERM and exits 0", async () => {
    expect(workerPids.every(alive)).toBe(true);
    expect(await presque.terminate()).toBe(0);
    expect(workerPids.filter(alive)).toEqual([]);
    for (const pid of workerPids) {
      expect(presque.logs.some((line) => line.includes(`"pid":${pid},"msg":"stopped"`))).toBe(true);
    }
  });
});

describe("presque serve --workers with no Redis configured", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "presque-workers-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("starts one redis-server, in the primary, that every worker uses", async () => {
    const presque = await spawnPresque(["--workers", "2", "--data-dir", join(dir, "data")]);
    try {
      const primary = presque.child.pid as number;
      // the primary's "listening" line can come before a worker's own "serving" line
      const workers = await Promise.all(
        [1, 2].map(async (worker) =>
          pidOf(await presque.logLine(new RegExp(`"msg":"worker ${worker} serving"`))),
        ),
      );
      const children = childrenOf(primary);
      expect(children.map((child) => child.pid)).toEqual(expect.arrayContaining(workers));
      expect(children.filter((child) => child.name === "redis-server")).toHaveLength(1);
      for (const worker of workers) expect(childrenOf(worker)).toEqual([]);
      const pids = await Promise.all(
        Array.from({ length: 10 }, (_, i) => postAlone(presque, "/q/shared", `shared-${i}`)),
      );
      expect(new Set(pids)).toEqual(new Set(workers));
      expect(json(await curl(`${presque.baseUrl}/j/shared`))).toMatchObject({ ready: 10 });
    } finally {
      expect(await presque.terminate()).toBe(0);
    }
  });

  it("refuses --workers 0 with exit code 2", async () => {
    const failed = await run(process.execPath, [bin, "serve", "--workers", "0"]).catch((error) => error);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("--workers must be auto or an integer from 1 to 1024");
  });
});
