import { describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer({ limits: { ...defaultConfig.limits, maxBatchSize: 5 } });

describe("/qb/ batches", () => {
  it("enqueues a batch and fetches it back as an array of JSON jobs, each as it was sent", async () => {
    const created = await curl(
      "-X",
      "POST",
      `${presque.url}/qb/batch`,
      "-d",
      '{"jobs":[{"a": 1}, 12345678901234567890, "x", [1,2], null]}',
    );
    expect(created.status).toBe(201);
    const { ids } = json(created) as { ids: string[] };
    expect(ids).toHaveLength(5);

    const fetched = await curl(`${presque.url}/qb/batch?batch_size=3`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toBe('[{"a": 1},12345678901234567890,"x"]');
    expect(fetched.headers["x-presque-job-ids"]).toBe(ids.slice(0, 3).join(","));
    expect((await curl(`${presque.url}/qb/batch`)).body).toBe("[[1,2],null]");
    expect((await curl(`${presque.url}/qb/batch`)).status).toBe(204);
  });

  it("leases a batch, with one token per job in the same order as the ids", async () => {
    await curl("-X", "POST", `${presque.url}/qb/batch-lease`, "-d", '{"jobs":[1,2]}');
    const fetched = await curl(`${presque.url}/qb/batch-lease?batch_size=2&lease=60`);
    const ids = (fetched.headers["x-presque-job-ids"] as string).split(",");
    const tokens = (fetched.headers["x-presque-lease-tokens"] as string).split(",");
    expect(tokens).toHaveLength(2);
    for (const [i, id] of ids.entries()) {
      expect(
        (await curl("-X", "DELETE", `${presque.url}/q/batch-lease/${id}?token=${tokens[i]}`)).status,
      ).toBe(204);
    }
  });

  it("refuses a batch over the configured limit and stores none of it", async () => {
    const refused = await curl("-X", "POST", `${presque.url}/qb/too-many`, "-d", '{"jobs":[1,2,3,4,5,6]}');
    expect(refused.status).toBe(400);
    expect(json(refused)).toEqual({
      code: "invalid_argument",
      message: "number of jobs must be from 1 to 5",
    });
    expect(json(await curl(`${presque.url}/j/too-many`))).toMatchObject({ ready: 0, enqueued: 0 });
    expect((await curl(`${presque.url}/qb/too-many?batch_size=6`)).status).toBe(400);
  });

  it('refuses a body that is not {"jobs": [...]}', async () => {
    for (const body of ['{"jobs":"x"}', "[1,2]", '{"job":[1]}', "{not json", '{"jobs":[]}']) {
      const refused = await curl("-X", "POST", `${presque.url}/qb/bad-batch`, "-d", body);
      expect(refused.status).toBe(400);
      expect((json(refused) as { code: string }).code).toBe("invalid_argument");
    }
    expect(json(await curl(`${presque.url}/j/bad-batch`))).toMatchObject({ enqueued: 0 });
  });
});
