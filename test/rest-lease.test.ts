import { describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();

/** GET /q/:queue?lease=N and the envelope headers that come with it. */
async function lease(queue: string, query = "lease=60") {
  const answer = await curl(`${presque.url}/q/${queue}?${query}`);
  return {
    status: answer.status,
    body: answer.body,
    id: answer.headers["x-presque-job-id"] as string,
    token: answer.headers["x-presque-lease-token"] as string,
    attempt: Number(answer.headers["x-presque-attempt"]),
    deadline: answer.headers["x-presque-lease-deadline"] as string,
    location: answer.headers.location,
  };
}

describe("reliable mode: GET /q/:queue?lease=N", () => {
  it("leases the job instead of removing it, and an ack with the token finishes it", async () => {
    await curl("-X", "POST", `${presque.url}/q/ack`, "-d", '{"to":"a@b.c"}');
    const job = await lease("ack");
    expect(job.status).toBe(200);
    expect(job.body).toBe('{"to":"a@b.c"}');
    expect(job.token).not.toBe("");
    expect(job.location).toBe(`/q/ack/${job.id}`);
    expect(json(await curl(`${presque.url}/q/ack/${job.id}`))).toMatchObject({
      state: "leased",
      lease_token: job.token,
    });

    const acked = await curl(
      "-X",
      "DELETE",
      `${presque.url}/q/ack/${job.id}`,
      "-H",
      `x-presque-lease-token: ${job.token}`,
    );
    expect(acked.status).toBe(204);
    expect((await curl(`${presque.url}/q/ack/${job.id}`)).status).toBe(404);
    expect(json(await curl(`${presque.url}/j/ack`))).toMatchObject({ ready: 0, in_flight: 0, processed: 1 });
  });

  it("rejects an ack with a stale token with 409 and changes nothing", async () => {
    await curl("-X", "POST", `${presque.url}/q/stale`, "-d", "1");
    const job = await lease("stale");
    const refused = await curl("-X", "DELETE", `${presque.url}/q/stale/${job.id}?token=not-${job.token}`);
    expect(refused.status).toBe(409);
    expect(json(refused)).toEqual({
      code: "failed_precondition",
      message: `job ${job.id} of queue stale is not leased under this token`,
    });
    expect(json(await curl(`${presque.url}/j/stale`))).toMatchObject({ in_flight: 1, processed: 0 });
  });

  it("an un-acked job comes back after its lease with attempt 2, and the first token no longer works", async () => {
    await curl("-X", "POST", `${presque.url}/q/expiry`, "-d", '"again"');
    const first = await lease("expiry", "lease=0.2");
    expect(first.attempt).toBe(1);
    // Long-poll: the reaper puts the job back when the lease ends and wakes this request.
    const second = await lease("expiry", "lease=60&wait=10");
    expect(second.status).toBe(200);
    expect(second.id).toBe(first.id);
    expect(second.body).toBe('"again"');
    expect(second.attempt).toBe(2);
    expect(second.token).not.toBe(first.token);

    expect(
      (await curl("-X", "DELETE", `${presque.url}/q/expiry/${first.id}?token=${first.token}`)).status,
    ).toBe(409);
    expect(
      (await curl("-X", "DELETE", `${presque.url}/q/expiry/${second.id}?token=${second.token}`)).status,
    ).toBe(204);
    expect(json(await curl(`${presque.url}/j/expiry`))).toMatchObject({ expired_leases: 1, processed: 1 });
  });

  it("a nack with delay 0 puts the job back at once with its error kept, and counts a failure", async () => {
    await curl("-X", "POST", `${presque.url}/q/nack`, "-d", "7");
    const first = await lease("nack");
    const nacked = await curl(
      "-X",
      "POST",
      `${presque.url}/q/nack/${first.id}/nack`,
      "-H",
      `x-presque-lease-token: ${first.token}`,
      "-d",
      '{"error":"smtp timeout","delay":0}',
    );
    expect(nacked.status).toBe(200);
    expect(json(nacked)).toMatchObject({ outcome: "retry" });
    expect(json(await curl(`${presque.url}/q/nack/${first.id}`))).toMatchObject({
      state: "ready",
      last_error: "smtp timeout",
    });
    const second = await lease("nack");
    expect(second.id).toBe(first.id);
    expect(second.attempt).toBe(2);
    expect(json(await curl(`${presque.url}/j/nack`))).toMatchObject({ failed: 1 });
  });

  it("a nack with a delay holds the job back", async () => {
    await curl("-X", "POST", `${presque.url}/q/nack-later`, "-d", "7");
    const job = await lease("nack-later");
    await curl(
      "-X",
      "POST",
      `${presque.url}/q/nack-later/${job.id}/nack?token=${job.token}`,
      "-d",
      '{"delay":3600}',
    );
    expect(json(await curl(`${presque.url}/j/nack-later`))).toMatchObject({
      ready: 0,
      delayed: 1,
      in_flight: 0,
    });
    expect((await curl(`${presque.url}/q/nack-later`)).status).toBe(204);
  });

  it("extending a lease moves its deadline; a stale token cannot extend", async () => {
    await curl("-X", "POST", `${presque.url}/q/extend`, "-d", "1");
    const job = await lease("extend", "lease=10");
    const extended = await curl(
      "-X",
      "POST",
      `${presque.url}/q/extend/${job.id}/extend?lease=3600&token=${job.token}`,
    );
    expect(extended.status).toBe(200);
    const envelope = json(extended) as { lease_deadline: string; lease_token: string };
    expect(Date.parse(envelope.lease_deadline)).toBeGreaterThan(Date.parse(job.deadline) + 3000 * 1000);
    expect(envelope.lease_token).toBe(job.token);
    expect((await curl("-X", "POST", `${presque.url}/q/extend/${job.id}/extend?token=nope`)).status).toBe(
      409,
    );
  });

  it("asks for the token when an ack comes without one", async () => {
    const answer = await curl("-X", "DELETE", `${presque.url}/q/any/1`);
    expect(answer.status).toBe(400);
    expect(json(answer)).toEqual({
      code: "invalid_argument",
      message: "lease token is missing: send X-Presque-Lease-Token or ?token=",
    });
  });
});

describe("long poll: GET /q/:queue?wait=N", () => {
  it("answers as soon as a job is enqueued", async () => {
    const waiting = curl(`${presque.url}/q/longpoll?wait=20`);
    // The job may land before or after the poll starts waiting; either way the poll gets it.
    await curl("-X", "POST", `${presque.url}/q/longpoll`, "-d", '"hello"');
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('"hello"');
  });

  it("answers 204 when the wait ends with nothing", async () => {
    expect((await curl(`${presque.url}/q/longpoll-empty?wait=0.2`)).status).toBe(204);
  });
});
