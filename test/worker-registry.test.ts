import { describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServerAndClient } from "./support/presque-server.ts";

const presque = useTestServerAndClient();

interface WorkerJson {
  worker_id: string;
  name: string;
  alive: boolean;
  queues: string[];
  working_on: { queue: string; id: string }[];
  processed: number;
}

const listWorkers = async () => (json(await curl(`${presque.url}/w/`)) as { workers: WorkerJson[] }).workers;
const register = async (body: object) => {
  const answer = await curl("-X", "POST", `${presque.url}/w/`, "-d", JSON.stringify(body));
  expect(answer.status).toBe(201);
  return (json(answer) as { worker_id: string }).worker_id;
};

describe("/w/ worker registry", () => {
  it("lists a registered worker as alive, with what its heartbeat says it is working on", async () => {
    const id = await register({ name: "mailer", queues: ["emails"], concurrency: 2, heartbeat_seconds: 30 });
    const beat = await curl(
      "-X",
      "POST",
      `${presque.url}/w/${id}/heartbeat`,
      "-d",
      JSON.stringify({ working_on: [{ queue: "emails", id: "42" }], processed: 7 }),
    );
    expect(beat.status).toBe(204);
    expect((await listWorkers()).find((w) => w.worker_id === id)).toMatchObject({
      name: "mailer",
      alive: true,
      queues: ["emails"],
      working_on: [{ queue: "emails", id: "42" }],
      processed: 7,
    });

    const rpc = await presque.client.consumer.listWorkers({});
    expect(rpc.workers.find((w) => w.workerId === id)?.workingOn[0]?.id).toBe("42");
  });

  it("marks a worker gone once it misses three heartbeats", async () => {
    const id = await register({ name: "flaky", queues: ["q"], heartbeat_seconds: 0.1 });
    await expect
      .poll(async () => (await listWorkers()).find((w) => w.worker_id === id)?.alive, {
        interval: 50,
        timeout: 5000,
      })
      .toBe(false);
  });

  it("answers a heartbeat from a worker it does not know with 404, so the worker registers again", async () => {
    const answer = await curl(
      "-X",
      "POST",
      `${presque.url}/w/00000000-0000-0000-0000-000000000000/heartbeat`,
    );
    expect(answer.status).toBe(404);
  });

  it("forgets a worker that unregisters", async () => {
    const id = await register({ name: "short-lived", queues: ["q"] });
    expect((await curl("-X", "DELETE", `${presque.url}/w/${id}`)).status).toBe(204);
    expect((await listWorkers()).map((w) => w.worker_id)).not.toContain(id);
  });
});
