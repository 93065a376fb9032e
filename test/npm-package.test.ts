import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/*
 * `npm pack`, then the tarball installed into a new project as a user would (dependencies from the
 * npm registry, or npm's cache), then the CLI and both entry points used from there. The installed
 * package has no TypeScript sources, so everything below runs the built dist/.
 */

const run = promisify(execFile);
const repo = new URL("..", import.meta.url).pathname;
const tsc = join(repo, "node_modules/.bin/tsc");
const nodeTypes = join(repo, "node_modules/@types");

/** A new user's environment: this Node first on PATH, none of the npm variables of `npm test`. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_registry", "npm_config_cache", "npm_config_userconfig"]);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if ((key.startsWith("npm_") || key === "INIT_CWD") && !keep.has(key.toLowerCase())) continue;
    env[key] = value;
  }
  return { ...env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, ...extra };
}

const npm = (args: string[], cwd: string, timeout: number) =>
  run("npm", args, { cwd, env: userEnv(), timeout, maxBuffer: 64 * 1024 * 1024 });

let dir: string;
let project: string;
let packed: { filename: string; version: string; files: { path: string }[] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "presque-npm-package-"));
  // prepack builds dist/ first (npm run build).
  const { stdout } = await npm(["pack", "--json", "--pack-destination", dir], repo, 120_000);
  packed = (JSON.parse(stdout) as (typeof packed)[])[0] as typeof packed;
  project = join(dir, "consumer");
  await run("mkdir", [project]);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  await npm(
    ["install", "--no-audit", "--no-fund", "--prefer-offline", join(dir, packed.filename)],
    project,
    150_000,
  );
}, 300_000);
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

describe("the npm package", () => {
  it("holds the built JavaScript, its declarations and the files it reads, not the sources", async () => {
    const paths = packed.files.map((file) => file.path);
    for (const path of [
      "LICENSE",
      "CHANGELOG.md",
      "README.md",
      "bin/presque.js",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/sdk/index.js",
      "dist/src/sdk/index.d.ts",
      "dist/src/cli/main.js",
      "dist/src/engine/store/lua/enqueueJobs-10.lua",
      "dist/src/engine/store/lua/includes/queue.lua",
      "dist/src/dashboard/public/index.html",
      "dist/package.json",
    ]) {
      expect(paths).toContain(path);
    }
    expect(
      paths.filter(
        (path) =>
          /^(src|gen|test|scripts|proto)\//.test(path) || (path.endsWith(".ts") && !path.endsWith(".d.ts")),
      ),
    ).toEqual([]);
    const installed = join(project, "node_modules/presque");
    expect(existsSync(join(installed, "src"))).toBe(false);
    // The 189 MB Node of a clone is a devDependency: a user's install does not get it.
    expect(existsSync(join(project, "node_modules/node"))).toBe(false);
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8"));
    expect(manifest.engines.node).toBe(">=22");
    const { stdout } = await run("npx", ["--no", "--", "presque", "--version"], {
      cwd: project,
      env: userEnv(),
    });
    expect(stdout).toBe(`presque ${packed.version}\n`);
  });

  it("npx presque serve answers, and a plain JavaScript file enqueues and works a job with presque/sdk", async () => {
    const queue = `npm-package-${randomUUID().slice(0, 8)}`;
    const server = await serve(userEnv({ REDIS_URL: inject("redisUrl"), PRESQUE_PREFIX: `pkg-${queue}` }));
    try {
      const status = await fetch(`${server.url}/status`);
      expect(status.status).toBe(200);
      // The dashboard's page and the uPlot it loads from the user's node_modules.
      expect((await fetch(`${server.url}/`)).status).toBe(200);
      expect((await fetch(`${server.url}/dashboard/vendor/uPlot.esm.js`)).status).toBe(200);

      await writeFile(
        join(project, "producer.mjs"),
        `import { createPresqueClient, Worker } from "presque/sdk";
const queue = process.argv[2];
const client = createPresqueClient({ baseUrl: process.env.PRESQUE_URL });
const { id } = await client.enqueue(queue, { to: "a@example.com", n: 12345678901234567890n });
let worker;
const worked = await new Promise((resolve, reject) => {
  worker = new Worker({
    client,
    queues: [queue],
    handleSignals: false,
    log: { info() {}, warn() {}, error: (message) => reject(new Error(message)) },
    work: (job) => resolve({ id: job.id, text: job.payloadText, attempt: job.attempt }),
  });
  worker.run().catch(reject);
  setTimeout(() => reject(new Error("no job in 15 s")), 15_000).unref();
});
await worker.stop();
client.close();
console.log(JSON.stringify({ enqueued: id, worked }));
`,
      );
      const { stdout } = await run(process.execPath, ["producer.mjs", queue], {
        cwd: project,
        env: userEnv({ PRESQUE_URL: server.url }),
        timeout: 20_000,
      });
      const result = JSON.parse(stdout);
      expect(result).toEqual({
        enqueued: result.worked.id,
        worked: {
          id: expect.any(String),
          text: '{"to":"a@example.com","n":12345678901234567890}',
          attempt: 1,
        },
      });
      // Acked by the Worker: nothing left in the queue.
      const left = (await (await fetch(`${server.url}/status/${queue}`)).json()) as Record<string, unknown>;
      expect(JSON.stringify(left)).not.toMatch(/"(ready|leased|delayed)":[1-9]/);
    } finally {
      await server.stop();
    }
  });

  it("a TypeScript project type-checks against the declarations of presque and presque/sdk", async () => {
    await writeFile(
      join(project, "consumer.ts"),
      `import { loadConfig, type RunningPresque, silentLogger, startPresque } from "presque";
import { createPresqueClient, type EnqueueResult, type FullPresqueClient, Worker, type WorkerJob } from "presque/sdk";

interface Mail {
  to: string;
}
const client: FullPresqueClient = createPresqueClient({ baseUrl: "http://localhost:5000" });
export const reply: Promise<EnqueueResult> = client.enqueue<Mail>("mail", { to: "a@example.com" }, { priority: 5 });
export const worker = new Worker<Mail>({
  queues: ["mail"],
  work(job: WorkerJob<Mail>) {
    const to: string = job.payload.to;
    console.log(to, job.id, job.attempt);
  },
});
export const running: Promise<RunningPresque> = startPresque(loadConfig({ env: {} }), silentLogger);
`,
    );
    // Types that were `any` would let this through: it must be refused.
    await writeFile(
      join(project, "wrong.ts"),
      `import { createPresqueClient } from "presque/sdk";
const client = createPresqueClient({ baseUrl: "http://localhost:5000" });
export const id: number = (await client.enqueue<{ to: string }>("mail", { to: "a@example.com" })).id;
`,
    );
    const tsconfig = (file: string) =>
      JSON.stringify({
        compilerOptions: {
          target: "es2023",
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [nodeTypes],
        },
        files: [file],
      });
    await writeFile(join(project, "tsconfig.json"), tsconfig("consumer.ts"));
    await writeFile(join(project, "tsconfig.wrong.json"), tsconfig("wrong.ts"));

    await run(tsc, ["-p", "tsconfig.json"], { cwd: project, timeout: 60_000 });
    const wrong = await run(tsc, ["-p", "tsconfig.wrong.json"], { cwd: project, timeout: 60_000 }).then(
      () => ({ stdout: "" }),
      (error: { stdout: string }) => error,
    );
    expect(wrong.stdout).toMatch(
      /wrong\.ts\(3,14\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
  });
});

/** `npx presque serve` in the user's project, until it logs the port it listens on. */
async function serve(env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  // Its own process group: npx runs presque as a child, and stop() signals both.
  const child: ChildProcess = spawn(
    "npx",
    ["--no", "--", "presque", "serve", "--host", "127.0.0.1", "--port", "0"],
    {
      cwd: project,
      env,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const exited = once(child, "exit");
  const logs: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
      logs.push(line);
      const match = /presque listening on http:\/\/[^:]+:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) =>
      reject(new Error(`npx presque serve exited with ${code}:\n${logs.join("\n")}`)),
    );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      process.kill(-(child.pid as number), "SIGTERM");
      await exited;
    },
  };
}
