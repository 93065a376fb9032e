import { beforeAll, describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();

/** The value of one sample line of the Prometheus text, e.g. metric('presque_queue_ready{queue="m"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function lease(queue: string) {
  const answer = await curl(`${presque.url}/q/${queue}?lease=60`);
  return {
    id: answer.headers["x-presque-job-id"] as string,
    token: answer.headers["x-presque-lease-token"] as string,
  };
}

describe("GET /metrics after known traffic", () => {
  let text: string;
  let contentType: string;

  beforeAll(async () => {
    for (const n of [1, 2, 3, 4]) await curl("-X", "POST", `${presque.url}/q/m`, "-d", String(n));
    const acked = await lease("m");
    const nacked = await lease("m");
    await lease("m"); // stays in flight
    await curl(
      "-X",
      "DELETE",
      `${presque.url}/q/m/${acked.id}`,
      "-H",
      `x-presque-lease-token: ${acked.token}`,
    );
    await curl(
      "-X",
      "POST",
      `${presque.url}/q/m/${nacked.id}/nack`,
      "-H",
      `x-presque-lease-token: ${nacked.token}`,
      "-d",
      '{"error":"boom"}',
    );
    await curl("-X", "POST", `${presque.url}/control/m`, "-d", '{"status":"stop"}');
    const rpc = await curl(
      "-X",
      "POST",
      `${presque.url}/presque.v1.StatsService/GetStats`,
      "-H",
      "content-type: application/json",
      "-d",
      "{}",
    );
    expect(rpc.status).toBe(200);
    const scraped = await curl(`${presque.url}/metrics`);
    expect(scraped.status).toBe(200);
    text = scraped.body;
    contentType = scraped.headers["content-type"] as string;
  });

  it("answers in the Prometheus text format", () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain("# TYPE presque_queue_ready gauge");
    expect(text).toContain("# TYPE presque_jobs_enqueued_total counter");
  });

  it("reports each queue's depth, in flight, dead and stopped state", () => {
    // 4 enqueued, 3 leased: 1 acked, 1 nacked (back to ready, or delayed by a retry backoff),
    // 1 still leased, 1 never fetched.
    const waiting =
      (sample(text, 'presque_queue_ready{queue="m"}') ?? 0) +
      (sample(text, 'presque_queue_delayed{queue="m"}') ?? 0);
    expect(sample(text, 'presque_queue_ready{queue="m"}')).toBeGreaterThanOrEqual(1);
    expect(waiting).toBe(2);
    expect(sample(text, 'presque_queue_in_flight{queue="m"}')).toBe(1);
    expect(sample(text, 'presque_queue_dead{queue="m"}')).toBe(0);
    expect(sample(text, 'presque_queue_stopped{queue="m"}')).toBe(1);
    expect(sample(text, 'presque_queue_oldest_ready_age_seconds{queue="m"}')).toBeGreaterThanOrEqual(0);
  });

  it("counts enqueues, acks and nacks", () => {
    expect(sample(text, 'presque_jobs_enqueued_total{queue="m"}')).toBe(4);
    expect(sample(text, 'presque_jobs_processed_total{queue="m"}')).toBe(1);
    expect(sample(text, 'presque_jobs_failed_total{queue="m"}')).toBe(1);
    expect(sample(text, 'presque_leases_expired_total{queue="m"}')).toBe(0);
    expect(sample(text, 'presque_jobs_dead_total{queue="m"}')).toBe(0);
  });

  it("puts the one ack into the enqueue-to-ack latency histogram", () => {
    expect(sample(text, 'presque_ack_latency_seconds_count{queue="m"}')).toBe(1);
    expect(sample(text, 'presque_ack_latency_seconds_bucket{le="+Inf",queue="m"}')).toBe(1);
  });

  it("counts requests by route template and RPC procedure, never by raw path", () => {
    expect(sample(text, 'presque_requests_total{route="/q/:queue",method="POST",status="201"}')).toBe(4);
    expect(sample(text, 'presque_requests_total{route="/q/:queue",method="GET",status="200"}')).toBe(3);
    expect(sample(text, 'presque_requests_total{route="/q/:queue/:id",method="DELETE",status="204"}')).toBe(
      1,
    );
    // The nack's success status is the queue routes' business (204 or 200); the label is ours.
    expect(text).toMatch(
      /^presque_requests_total\{route="\/q\/:queue\/:id\/nack",method="POST",status="2\d\d"\} 1$/m,
    );
    expect(
      sample(
        text,
        'presque_requests_total{route="/presque.v1.StatsService/GetStats",method="POST",status="200"}',
      ),
    ).toBe(1);
    expect(sample(text, 'presque_request_duration_seconds_count{route="/q/:queue",method="POST"}')).toBe(4);
    expect(text).not.toMatch(/route="\/q\/m/);
  });

  it("measures the Redis round trip", () => {
    expect(sample(text, "presque_redis_ping_seconds")).toBeGreaterThan(0);
  });

  it("shows a purged queue as empty while keeping its lifetime counters", async () => {
    await curl("-X", "DELETE", `${presque.url}/q/m`);
    const after = (await curl(`${presque.url}/metrics`)).body;
    expect(sample(after, 'presque_queue_ready{queue="m"}')).toBe(0);
    expect(sample(after, 'presque_jobs_enqueued_total{queue="m"}')).toBe(4);
    expect(json(await curl(`${presque.url}/j/m`))).toMatchObject({ ready: 0, in_flight: 0 });
  });
});
