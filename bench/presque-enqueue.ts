import { fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { createPresqueClient } from "../src/sdk/client.ts";
import { payloadOf, plan } from "./bench-plan.ts";
import { createKeepAliveClient, expectStatus } from "./http-client.ts";
import { runPool, type Throughput, timePool } from "./measure.ts";

/** `POST /q/:queue`, one job per request, from `singleConcurrency` keep-alive HTTP/1.1 clients. */
export async function presqueEnqueueSingleRest(baseUrl: string): Promise<Throughput> {
  const http = createKeepAliveClient(baseUrl, plan.singleConcurrency);
  const enqueue = async (n: number) =>
    expectStatus(await http.send("POST", "/q/add-single-rest", JSON.stringify(payloadOf(n))), 201);
  try {
    await runPool(plan.singleWarmupJobs, plan.singleConcurrency, enqueue);
    return await timePool(plan.singleJobs, plan.singleConcurrency, 1, enqueue);
  } finally {
    // The next round starts from an empty queue.
    expectStatus(await http.send("DELETE", "/q/add-single-rest"), 200);
    http.close();
  }
}

/** RPC `Enqueue` (Connect binary over one HTTP/2 connection), `singleConcurrency` calls in flight. */
export async function presqueEnqueueSingleRpc(baseUrl: string): Promise<Throughput> {
  const client = createPresqueClient({ baseUrl, httpVersion: "2" });
  const enqueue = (n: number) =>
    client.queue.enqueue({ queue: "add-single-rpc", payload: fromJson(ValueSchema, payloadOf(n)) });
  try {
    await runPool(plan.singleWarmupJobs, plan.singleConcurrency, enqueue);
    return await timePool(plan.singleJobs, plan.singleConcurrency, 1, enqueue);
  } finally {
    await client.control.purgeQueue({ queue: "add-single-rpc" });
    client.close();
  }
}

/** `POST /qb/:queue {"jobs": [...]}` with `presqueBatchSize` jobs per request. */
export async function presqueEnqueueBatchRest(baseUrl: string): Promise<Throughput> {
  const http = createKeepAliveClient(baseUrl, plan.batchConcurrency);
  const size = plan.presqueBatchSize;
  const enqueue = async (call: number) => {
    const jobs = Array.from({ length: size }, (_, i) => payloadOf(call * size + i));
    expectStatus(await http.send("POST", "/qb/add-batch-rest", JSON.stringify({ jobs })), 201);
  };
  try {
    await runPool(plan.batchWarmupJobs / size, plan.batchConcurrency, enqueue);
    return await timePool(plan.batchJobs / size, plan.batchConcurrency, size, enqueue);
  } finally {
    expectStatus(await http.send("DELETE", "/q/add-batch-rest"), 200);
    http.close();
  }
}

/** RPC `EnqueueBatch` with `presqueBatchSize` payloads per call, over HTTP/2. */
export async function presqueEnqueueBatchRpc(baseUrl: string): Promise<Throughput> {
  const client = createPresqueClient({ baseUrl, httpVersion: "2" });
  const size = plan.presqueBatchSize;
  const enqueue = (call: number) =>
    client.queue.enqueueBatch({
      queue: "add-batch-rpc",
      payloads: Array.from({ length: size }, (_, i) => fromJson(ValueSchema, payloadOf(call * size + i))),
    });
  try {
    await runPool(plan.batchWarmupJobs / size, plan.batchConcurrency, enqueue);
    return await timePool(plan.batchJobs / size, plan.batchConcurrency, size, enqueue);
  } finally {
    await client.control.purgeQueue({ queue: "add-batch-rpc" });
    client.close();
  }
}

/** Fills a queue through the batch route (not measured), ahead of a drain. */
export async function prefill(baseUrl: string, queue: string, total: number): Promise<void> {
  const http = createKeepAliveClient(baseUrl, 2);
  const size = plan.presqueBatchSize;
  try {
    await runPool(Math.ceil(total / size), 2, async (call) => {
      const jobs = Array.from({ length: Math.min(size, total - call * size) }, (_, i) =>
        payloadOf(call * size + i),
      );
      expectStatus(await http.send("POST", `/qb/${queue}`, JSON.stringify({ jobs })), 201);
    });
  } finally {
    http.close();
  }
}
