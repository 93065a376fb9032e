import { Redis } from "ioredis";
import { createKeepAliveClient, expectStatus, type KeepAliveClient } from "../http-client.ts";
import { runPool } from "../measure.ts";
import type { BytesPerJob, JobState } from "../targets/figures.ts";
import { bullmqBytesPerJob } from "./bullmq-memory.ts";
import type { ServedScenario } from "./served-context.ts";
import { servedPlan } from "./served-plan.ts";
import { sizedPayload } from "./sized-payload.ts";

const batch = 1_000;

/**
 * Target 6: Redis bytes per job (INFO memory used_memory after − before, / jobs) with a 105-byte
 * payload, for presque (through its REST API) and BullMQ, in each state: waiting, delayed (an hour
 * out) and leased (BullMQ: active, with its lock). Each state is measured from the Redis as it
 * is just before that state's jobs are added, and emptied after.
 */
export const redisBytesPerJob: ServedScenario = async (context, figures) => {
  const redis = new Redis(context.redisUrl);
  const http = createKeepAliveClient(context.presque.url, 2);
  try {
    const used = () => usedMemory(redis);
    const presque: BytesPerJob = {};
    for (const state of ["waiting", "delayed", "leased"] as const) {
      presque[state] = await presqueState(http, state, used);
    }
    figures.memory = { presque, bullmq: await bullmqBytesPerJob(context.bullmq, used) };
  } finally {
    http.close();
    redis.disconnect();
  }
};

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  const bytes = /used_memory:(\d+)/.exec(info)?.[1];
  if (bytes === undefined) throw new Error("INFO memory has no used_memory");
  return Number(bytes);
}

async function presqueState(http: KeepAliveClient, state: JobState, used: () => Promise<number>) {
  const queue = `bench-memory-${state}`;
  const jobs = servedPlan.memoryJobs;
  const query = state === "delayed" ? "?delay=3600" : "";
  const before = await used();
  await runPool(jobs / batch, 2, async (call) => {
    const payloads = Array.from({ length: batch }, (_, i) =>
      sizedPayload(call * batch + i, servedPlan.memoryPayloadBytes),
    );
    expectStatus(await http.send("POST", `/qb/${queue}${query}`, JSON.stringify({ jobs: payloads })), 201);
  });
  if (state === "leased") {
    let leased = 0;
    for (let call = 0; call < (jobs / batch) * 2 && leased < jobs; call++) {
      const reply = expectStatus(await http.send("GET", `/qb/${queue}?batch_size=${batch}&lease=3600`), 200);
      leased += (JSON.parse(reply.body) as unknown[]).length;
    }
    if (leased !== jobs) throw new Error(`leased ${leased} of ${jobs} jobs`);
  }
  const bytes = ((await used()) - before) / jobs;
  expectStatus(await http.send("DELETE", `/q/${queue}`), 200);
  return bytes;
}
