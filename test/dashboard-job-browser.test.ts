import { describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();

interface Page {
  jobs: { id: string; state: string; priority: number; payload: unknown }[];
  next_cursor?: string;
}

const browse = async (path: string) => json(await curl(`${presque.url}${path}`)) as Page;

describe("GET /q/:queue/jobs (the dashboard's job browser)", () => {
  it("lists ready jobs in delivery order: higher priority first, then arrival", async () => {
    await curl("-X", "POST", `${presque.url}/q/order`, "-d", '"low"');
    await curl("-X", "POST", `${presque.url}/q/order?priority=5`, "-d", '"high"');
    await curl("-X", "POST", `${presque.url}/q/order`, "-d", '"low, later"');
    const page = await browse("/q/order/jobs");
    expect(page.jobs.map((job) => job.payload)).toEqual(["high", "low", "low, later"]);
    expect(page.next_cursor).toBeUndefined();
  });

  it("keeps stored payloads byte for byte", async () => {
    await curl("-X", "POST", `${presque.url}/q/bytes`, "-d", '{"b": 1,   "a": 12345678901234567890}');
    const answer = await curl(`${presque.url}/q/bytes/jobs`);
    expect(answer.body).toContain('"payload":{"b": 1,   "a": 12345678901234567890}');
  });

  it("pages with a cursor until the last page, which has none", async () => {
    await curl("-X", "POST", `${presque.url}/qb/paged`, "-d", '{"jobs":[1,2,3,4,5]}');
    const first = await browse("/q/paged/jobs?limit=2");
    const second = await browse(`/q/paged/jobs?limit=2&cursor=${first.next_cursor}`);
    const third = await browse(`/q/paged/jobs?limit=2&cursor=${second.next_cursor}`);
    expect([first, second, third].flatMap((page) => page.jobs.map((job) => job.payload))).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(third.next_cursor).toBeUndefined();
  });

  it("lists delayed and leased jobs by state, and only those", async () => {
    await curl("-X", "POST", `${presque.url}/q/states?delay=600`, "-d", '"later"');
    await curl("-X", "POST", `${presque.url}/q/states`, "-d", '"now"');
    await curl("-X", "POST", `${presque.url}/q/states`, "-d", '"taken"');
    await curl(`${presque.url}/q/states?lease=60`);
    expect((await browse("/q/states/jobs?state=delayed")).jobs.map((job) => job.payload)).toEqual(["later"]);
    const leased = (await browse("/q/states/jobs?state=leased")).jobs;
    expect(leased.map((job) => [job.payload, job.state])).toEqual([["now", "leased"]]);
    expect((await browse("/q/states/jobs?state=ready")).jobs.map((job) => job.payload)).toEqual(["taken"]);
  });

  it("refuses an unknown state or limit with 400, and an empty queue is an empty page", async () => {
    expect((await curl(`${presque.url}/q/states/jobs?state=lost`)).status).toBe(400);
    expect((await curl(`${presque.url}/q/states/jobs?limit=0`)).status).toBe(400);
    expect(await browse("/q/never-used/jobs")).toEqual({ jobs: [] });
  });
});
