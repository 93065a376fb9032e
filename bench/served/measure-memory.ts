/**
 * Target 6 alone: `node bench/served/measure-memory.ts <redis-url>` runs the bench's bytes-per-job
 * scenario (redis-memory.ts: presque through REST, BullMQ with addBulk) against that Redis, with
 * presque served in this process (Redis memory does not depend on where presque runs), then adds
 * presque's dead and done states. For docs/design.md's table; the whole bench is `npm run bench`.
 */
import { Redis } from "ioredis";
import { startPresque } from "../../src/app/start-presque.ts";
import { defaultConfig } from "../../src/config/config.ts";
import { createJsonLogger } from "../../src/log.ts";
import { createKeepAliveClient, expectStatus } from "../http-client.ts";
import type { Figures } from "../targets/figures.ts";
import { redisBytesPerJob, usedMemory } from "./redis-memory.ts";
import type { ServedContext } from "./served-context.ts";
import { servedPlan } from "./served-plan.ts";
import { sizedPayload } from "./sized-payload.ts";

const redisUrl = process.argv[2] ?? "redis://127.0.0.1:6379";
const { hostname, port } = new URL(redisUrl);
const config = { ...defaultConfig, host: "127.0.0.1", port: 0, redis: { url: redisUrl }, prefix: "mem" };
const presque = await startPresque(
  { ...config, logRequests: false },
  createJsonLogger(() => {}),
);
const url = `http://127.0.0.1:${presque.port}`;
const redis = new Redis(redisUrl);
try {
  const figures = { notes: [] } as unknown as Figures;
  const context = { redisUrl, bullmq: { host: hostname, port: Number(port) }, presque: { url } };
  await redisBytesPerJob(context as unknown as ServedContext, figures);
  const more = {
    waitingPriority5: await waitingBytes("?priority=5"),
    dead: await retiredBytes("dead"),
    done: await retiredBytes("done"),
  };
  console.log(JSON.stringify({ ...figures.memory, presqueMore: more }));
} finally {
  redis.disconnect();
  await presque.stop();
}

/** Waiting jobs enqueued with `query` (e.g. a priority). */
async function waitingBytes(query: string): Promise<number> {
  const http = createKeepAliveClient(url, 1);
  const queue = "bench-memory-query";
  const before = await usedMemory(redis);
  for (let at = 0; at < servedPlan.memoryJobs; at += 1000) {
    const payloads = Array.from({ length: 1000 }, (_, i) =>
      sizedPayload(at + i, servedPlan.memoryPayloadBytes),
    );
    expectStatus(await http.send("POST", `/qb/${queue}${query}`, JSON.stringify({ jobs: payloads })), 201);
  }
  const bytes = ((await usedMemory(redis)) - before) / servedPlan.memoryJobs;
  expectStatus(await http.send("DELETE", `/q/${queue}`), 200);
  http.close();
  return bytes;
}

/** Dead: failed once, not retryable; done: acked in a queue that keeps completed jobs. */
async function retiredBytes(state: "dead" | "done"): Promise<number> {
  const http = createKeepAliveClient(url, 1);
  const queue = `bench-memory-${state}`;
  const jobs = servedPlan.memoryJobs;
  if (state === "done") {
    const settings = JSON.stringify({ keep_completed_count: jobs, keep_completed_seconds: 3600 });
    expectStatus(await http.send("POST", `/control/${queue}/settings`, settings), 200);
  }
  const before = await usedMemory(redis);
  for (let at = 0; at < jobs; at += 1000) {
    const payloads = Array.from({ length: 1000 }, (_, i) =>
      sizedPayload(at + i, servedPlan.memoryPayloadBytes),
    );
    expectStatus(await http.send("POST", `/qb/${queue}`, JSON.stringify({ jobs: payloads })), 201);
    const reply = expectStatus(await http.send("GET", `/qb/${queue}?batch_size=1000&lease=3600`), 200);
    const ids = String(reply.headers["x-presque-job-ids"]).split(",");
    const tokens = String(reply.headers["x-presque-lease-tokens"]).split(",");
    for (const [i, id] of ids.entries()) {
      const path = `/q/${queue}/${id}`;
      const token = `?token=${tokens[i]}`;
      if (state === "dead") {
        const body = JSON.stringify({ error: "boom", retryable: false });
        expectStatus(await http.send("POST", `${path}/nack${token}`, body), 200);
      } else expectStatus(await http.send("DELETE", `${path}${token}`), 204);
    }
  }
  const bytes = ((await usedMemory(redis)) - before) / jobs;
  http.close();
  return bytes;
}
