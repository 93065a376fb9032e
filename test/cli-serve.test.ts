import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { spawnPresque } from "./support/spawn-presque.ts";

const run = promisify(execFile);
const bin = new URL("../bin/presque.js", import.meta.url).pathname;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "presque-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("presque serve", () => {
  it("lists every option in --help", async () => {
    const { stdout } = await run(process.execPath, [bin, "serve", "--help"]);
    for (const option of ["--port", "--host", "--config", "--data-dir", "REDIS_URL"])
      expect(stdout).toContain(option);
  });

  it("with no Redis configured, runs its own redis-server; jobs survive a restart of both", async () => {
    const dataDir = join(dir, "data");
    const first = await spawnPresque(["--data-dir", dataDir]);
    expect(first.logs.join("\n")).toContain("managed redis-server");
    await curl("-X", "POST", `${first.baseUrl}/q/durable`, "-d", '{"keep":"me"}');
    await curl("-X", "POST", `${first.baseUrl}/q/durable`, "-d", '{"and":"me"}');
    await curl(`${first.baseUrl}/q/durable?lease=60`);
    expect(await first.terminate()).toBe(0);

    const second = await spawnPresque(["--data-dir", dataDir]);
    try {
      expect(json(await curl(`${second.baseUrl}/j/durable`))).toMatchObject({
        ready: 1,
        in_flight: 1,
        enqueued: 2,
      });
      expect((await curl(`${second.baseUrl}/q/durable`)).body).toBe('{"and":"me"}');
    } finally {
      expect(await second.terminate()).toBe(0);
    }
  });

  it("uses the Redis of a config file in the seed's form", async () => {
    const { port } = new URL(inject("redisUrl"));
    const file = join(dir, "presque.yaml");
    await writeFile(
      file,
      `redis:\n    host: 127.0.0.1\n    port: ${port}\nprefix: cli-seed-${process.pid}\n`,
    );
    const presque = await spawnPresque(["--config", file]);
    try {
      expect(presque.logs.join("\n")).not.toContain("managed redis-server");
      expect((await curl("-X", "POST", `${presque.baseUrl}/q/seed`, "-d", "{}")).status).toBe(201);
      expect(json(await curl(`${presque.baseUrl}/j/seed`))).toMatchObject({ ready: 1 });
    } finally {
      expect(await presque.terminate()).toBe(0);
    }
  });

  it("lets a long poll in flight end when SIGTERM comes, then exits 0", async () => {
    const presque = await spawnPresque([], {
      REDIS_URL: inject("redisUrl"),
      PRESQUE_PREFIX: `cli-term-${process.pid}`,
    });
    // One h2c connection, two streams: the server dispatches them in order, so once /status has
    // answered, the long poll's handler is running.
    const session = http2.connect(presque.baseUrl);
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const stream = session.request({ ":path": path });
        stream.once("response", (headers) => resolve(Number(headers[":status"])));
        stream.once("error", reject);
        stream.resume();
      });
    const polling = status("/q/idle?wait=30");
    expect(await status("/status")).toBe(200);
    const exit = presque.terminate();
    expect(await polling).toBe(204);
    session.close();
    expect(await exit).toBe(0);
  });

  it("warns when its Redis persists nothing, and refuses to start with --strict", async () => {
    const env = {
      ...process.env,
      REDIS_URL: inject("redisUrl"),
      PRESQUE_PREFIX: `cli-strict-${process.pid}`,
    };
    const refused = await run(process.execPath, [bin, "serve", "--port", "0", "--strict"], { env }).catch(
      (e) => e,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to start (--strict): Redis persists nothing");

    const presque = await spawnPresque([], {
      REDIS_URL: inject("redisUrl"),
      PRESQUE_PREFIX: `cli-warn-${process.pid}`,
    });
    try {
      expect(presque.logs.join("\n")).toContain("a Redis restart loses every job");
    } finally {
      await presque.terminate();
    }
  });

  it("shuts down when the wrapper that started it dies (npx does not pass SIGTERM on)", async () => {
    const wrapper = spawn(
      "sh",
      ["-c", `"${process.execPath}" "${bin}" serve --host 127.0.0.1 --port 0 & echo $!; wait`],
      {
        env: { ...process.env, REDIS_URL: inject("redisUrl"), PRESQUE_PREFIX: `cli-orphan-${process.pid}` },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const [pidLine] = (await once(
      createInterface({ input: wrapper.stdout as NodeJS.ReadableStream }),
      "line",
    )) as [string];
    const stderr = createInterface({ input: wrapper.stderr as NodeJS.ReadableStream });
    for await (const line of stderr) if (line.includes("listening")) break;
    const pid = Number(pidLine);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      wrapper.kill("SIGKILL");
      // Nothing tells us the orphan is gone: watch its pid until it is.
      while (alive()) await delay(20);
    } finally {
      if (alive()) process.kill(pid, "SIGKILL");
    }
  });

  it("refuses a bad config with a clear message and exit code 2", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "limits:\n  max_batch_size: lots\n");
    const failed = await run(process.execPath, [bin, "serve", "--config", file]).catch((error) => error);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("max_batch_size");
  });
});
