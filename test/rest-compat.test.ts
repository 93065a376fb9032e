import { describe, expect, it } from "vitest";
import { type CurlResult, curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";
import { redisClockPast } from "./support/redis-clock.ts";

/*
 * presque 2010's own test suite (franckcuny/presque t/10_basic.t), replayed over HTTP against
 * presque, check by check. Where presque answers differently, the assertion is presque's documented
 * answer and the comment says what 2010 answered; docs/presque-compat.md has the table and the
 * reasons. The server has its own key prefix, so it starts as empty as 2010's test wanted Redis.
 */

const presque = useTestServer();

const queue = "presque_test";
const workerHeader = ["-H", "X-presque-workerid: worker_foo"];
const jsonType = ["-H", "Content-Type: application/json"];

type Info = Record<string, unknown>;
const presqueFields = (info: Info) => ({
  job_processed: info.job_processed,
  job_count: info.job_count,
  queue_name: info.queue_name,
  job_failed: info.job_failed,
});

// The helpers of t/10_basic.t, same names, same requests.
const url = (path: string) => `${presque.url}${path}`;
const getStatsFromQueue = async () => presqueFields(json(await curl(url(`/j/${queue}`))) as Info);
const getJob = () => curl(url(`/q/${queue}`));
const getJobs = () => curl(...workerHeader, url(`/qb/${queue}`));
const createJob = (job: unknown, path = `/q/${queue}`) =>
  curl("-X", "POST", ...jsonType, ...workerHeader, url(path), "-d", JSON.stringify(job));
const createJobs = (jobs: unknown[]) =>
  curl("-X", "POST", ...jsonType, url(`/qb/${queue}`), "-d", JSON.stringify({ jobs }));
const failedJob = () => curl("-X", "PUT", ...jsonType, url(`/q/${queue}`), "-d", JSON.stringify({ foo: 1 }));
const controlQueue = () => curl(url(`/control/${queue}`));
// 2010's test sent no content type here
const changeQueueStatus = (status: string) =>
  curl("-X", "POST", url(`/control/${queue}`), "-d", JSON.stringify({ status }));
const queueStatus = () => curl(url(`/status/${queue}`));
const regWorker = () => curl("-X", "POST", ...jsonType, ...workerHeader, url(`/w/${queue}`));
const unregWorker = () => curl("-X", "DELETE", ...workerHeader, url(`/w/${queue}`));
const purgeQueue = () => curl("-X", "DELETE", url(`/q/${queue}`));

const workers = async () =>
  (json(await curl(url("/w/"))) as { workers: { worker_id: string; name: string; queues: string[] }[] })
    .workers;
const isSuccess = (res: CurlResult) => res.status >= 200 && res.status < 300;

describe("t/10_basic.t, replayed", () => {
  it("runs 2010's whole session with presque's answers", async () => {
    // get queue informations
    expect(await getStatsFromQueue()).toEqual({
      job_processed: 0,
      job_count: 0,
      queue_name: "presque_test",
      job_failed: 0,
    });

    // no job in queue: 2010 answered 404 {"error":"no job"}; presque 204, no body
    let res = await getJob();
    // (2010's `ok !$res->is_success` would fail: 204 is a success)
    expect(res.status).toBe(204);
    expect(res.body).toBe("");

    // create a new job: 2010 201 with an empty body; presque gives the id
    const job = { foo: "bar" };
    res = await createJob(job);
    expect(res.status).toBe(201);
    expect(json(res)).toEqual({ id: "1", queue });
    expect(res.headers.location).toBe(`/q/${queue}/1`);

    // info about a queue
    expect(await getStatsFromQueue()).toEqual({
      job_count: 1,
      job_failed: 0,
      job_processed: 0,
      queue_name: "presque_test",
    });

    // do a basic job: the body as posted
    res = await getJob();
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(json(res)).toEqual(job);
    expect(res.body).toBe('{"foo":"bar"}');

    // insert a delayed job (absolute epoch seconds, as 2010's time() + 2)
    const due = Math.floor(Date.now() / 1000) + 2;
    res = await createJob({ foo: "baz" }, `/q/${queue}?delayed=${due}`);
    expect(res.status).toBe(201);

    // no job to do now
    expect((await getJob()).status).toBe(204);
    // 2010 slept 2 s; a long poll answers as soon as the job is due
    res = await curl(url(`/q/${queue}?wait=10`));
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/baz/);

    // control queue: 2010 {status: 1, queue}; see the it.fails test below for `status`
    res = await controlQueue();
    expect(json(res)).toMatchObject({ queue: "presque_test", stopped: false });

    // close queue
    res = await changeQueueStatus("stop");
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/updated/);
    expect(json(res)).toMatchObject({ queue, response: "updated", stopped: true });

    // status of a closed queue: 2010 checked `like qr/0/` (see the it.fails test below)
    expect(json(await controlQueue())).toMatchObject({ queue, stopped: true });

    // can't get job on a stopped queue: 2010 404 {"error":"queue is closed"}; presque 409
    res = await getJob();
    expect(isSuccess(res)).toBe(false);
    expect(res.status).toBe(409);
    expect(json(res)).toEqual({ code: "failed_precondition", message: "queue presque_test is stopped" });

    // open queue
    res = await changeQueueStatus("start");
    expect(res.body).toMatch(/updated/);
    expect(json(res)).toMatchObject({ stopped: false });

    // batch inserts: 2010 201 with an empty body; presque lists the ids
    const jobs = [{ foo: 1 }, { foo: 2 }, { foo: 3 }, { foo: 4 }];
    res = await createJobs(jobs);
    expect(res.status).toBe(201);
    expect(json(res)).toEqual({ queue, ids: ["3", "4", "5", "6"] });

    // batch fetch: 2010 gave an array of JSON strings (the test decoded each one); presque the values
    res = await getJobs();
    expect(res.status).toBe(200);
    expect(json(res)).toEqual(jobs);
    expect(res.body).toBe('[{"foo":1},{"foo":2},{"foo":3},{"foo":4}]');
    expect(res.headers["x-presque-job-ids"]).toBe("3,4,5,6");

    // insert uniq job
    res = await createJob({ foo: 1 }, `/q/${queue}?uniq=a`);
    expect(res.status).toBe(201);
    res = await createJob({ foo: 1 }, `/q/${queue}?uniq=a`);
    expect(res.body).toMatch(/job already exists/);
    // can't insert duplicate uniq job: 2010 400; presque 409
    expect(res.status).toBe(409);
    expect(json(res)).toEqual({
      code: "already_exists",
      message: "job already exists: job 7 holds unique key a",
    });

    // fetch job
    expect(json(await getJob())).toEqual({ foo: 1 });

    // no more job in queue: 2010 404; presque 204
    expect((await getJob()).status).toBe(204);

    // job failed
    res = await failedJob();
    expect(res.status).toBe(201);

    // status
    expect(json(await queueStatus())).toEqual({ queue: "presque_test", size: 1 });

    // worker stats for queue: 2010's GET /w/?queue_name= gave
    // {workers_list: [], queue_name, processed: 7, failed: 1}: the queue's counters are /j/'s,
    // the workers presque's registry
    expect(await getStatsFromQueue()).toMatchObject({ job_processed: 7, job_failed: 1 });
    expect(await workers()).toEqual([]);

    // full process with worker id
    // reg.: 2010 201; presque's /w/ is a registry: POST /w/:queue is not a route, POST /w/ registers
    res = await regWorker();
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("DELETE");
    res = await curl(
      "-X",
      "POST",
      url("/w/"),
      "-d",
      JSON.stringify({ name: "worker_foo", queues: ["presque_test"] }),
    );
    expect(res.status).toBe(201);
    const { worker_id: workerId } = json(res) as { worker_id: string };
    expect(res.headers.location).toBe(`/w/${workerId}`);

    // create/fetch/mcreate/mfetch/fail/stats
    res = await createJob(job);
    expect(res.status).toBe(201);
    res = await getJobs();
    expect(res.status).toBe(200);
    expect(json(res)).toEqual([{ foo: 1 }, { foo: "bar" }]); // the failed job, then the new one

    // 2010: {workers_list: ["worker_foo"], queue_name, processed: 9, failed: 1}
    expect(await getStatsFromQueue()).toMatchObject({ job_processed: 9, job_failed: 1 });
    expect(await workers()).toMatchObject([
      { worker_id: workerId, name: "worker_foo", queues: ["presque_test"] },
    ]);

    // unreg.: 2010 204; presque reads the path as a worker id
    res = await unregWorker();
    expect(res.status).toBe(400);
    expect(json(res)).toEqual({
      code: "invalid_argument",
      message: 'worker id "presque_test" is not valid',
    });
    expect((await curl("-X", "DELETE", url(`/w/${workerId}`))).status).toBe(204);
    expect((await workers()).map((w) => w.worker_id)).not.toContain(workerId);

    // purge queue: 2010 204 with no body; presque 200 with the count
    await createJob(job);
    res = await purgeQueue();
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ queue, purged: 1 });

    // check purged (2010 asserted nothing here): no job left, the name stays, and the lifetime
    // counters stay (2010 reset processed and failed)
    expect((await getJob()).status).toBe(204);
    expect(await getStatsFromQueue()).toEqual({
      job_count: 0,
      job_processed: 9,
      job_failed: 1,
      queue_name: "presque_test",
    });
    expect((json(await curl(url("/status/"))) as { queues: string[] }).queues).toContain(queue);
  });
});

describe("2010 answers presque changed on purpose", () => {
  it("errors are {code, message}, where 2010 sent {error}", async () => {
    const empty = await curl("-X", "POST", ...jsonType, url("/q/errs"));
    expect(empty.status).toBe(400); // 2010: 400 {"error":"job is missing"}
    expect(json(empty)).toEqual({
      code: "invalid_argument",
      message: "body is empty: a job is any JSON value",
    });

    const unknown = await curl(url("/nope")); // 2010: 404 text/html "404 Not Found"
    expect(unknown.status).toBe(404);
    expect(unknown.headers["content-type"]).toBe("application/json");
    expect(json(unknown)).toEqual({ code: "not_found", message: "no route for /nope" });
  });

  it("takes any content type but only JSON bodies (2010: the reverse)", async () => {
    // 2010: 400 "content-type must be set to application/json"
    const form = await curl("-X", "POST", url("/q/types"), "-d", '{"x":1}');
    expect(form.status).toBe(201);
    // 2010: stored the bytes as they came
    const notJson = await curl("-X", "POST", ...jsonType, url("/q/types"), "-d", "not json");
    expect(notJson.status).toBe(400);
    expect(json(notJson)).toMatchObject({ code: "invalid_argument" });
    expect((await curl(url("/q/types"))).body).toBe('{"x":1}');
    expect((await curl(url("/q/types"))).status).toBe(204);
  });

  it("refuses what 2010 answered with a 500 or a Perl truth value", async () => {
    // 2010: 500 (decode_json died)
    const broken = await curl("-X", "POST", ...jsonType, url("/qb/bad"), "-d", '{"jobs":');
    expect(broken.status).toBe(400);
    // 2010: 400 "jobs should be an array of job"
    const notArray = await curl("-X", "POST", ...jsonType, url("/qb/bad"), "-d", '{"jobs":1}');
    expect(json(notArray)).toEqual({
      code: "invalid_argument",
      message: 'body must be {"jobs": [job, ...]}',
    });
    // 2010: 500 (the error path used the body string as a hash)
    const pause = await curl("-X", "POST", url("/control/bad"), "-d", '{"status":"pause"}');
    expect(pause.status).toBe(400);
    // 2010: "0" is false in Perl, so 10 jobs
    await curl("-X", "POST", url("/qb/bad"), "-d", '{"jobs":[1,2]}');
    const zero = await curl(url("/qb/bad?batch_size=0"));
    expect(json(zero)).toEqual({ code: "invalid_argument", message: "batch size must be from 1 to 1000" });
    expect(json(await curl(url("/j/bad")))).toMatchObject({ job_count: 2 });
    // 2010: a queue name could hold a slash
    const slash = await curl(url("/q/a%2Fb"));
    expect(slash.status).toBe(400);
    expect(json(slash)).toMatchObject({ code: "invalid_argument" });
  });

  it("PUT and DELETE /qb/ are 405 (2010: 400, and 500 from a misspelt method)", async () => {
    for (const method of ["PUT", "DELETE"]) {
      const res = await curl("-X", method, ...jsonType, url("/qb/methods"), "-d", '{"jobs":[1]}');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe("POST, GET");
      expect(json(res)).toMatchObject({ code: "unimplemented" });
    }
    expect(json(await curl(url("/j/methods")))).toMatchObject({ job_count: 0 });
  });

  it("HEAD /q/ takes no job (2010 mapped HEAD to GET and dropped one)", async () => {
    await curl("-X", "POST", url("/q/head"), "-d", '"kept"');
    const head = await curl("-I", url("/q/head"));
    expect(head.status).toBe(405);
    expect((await curl(url("/q/head"))).body).toBe('"kept"');
  });

  it("due delayed jobs go to the back (2010 LPUSHed them ahead of waiting jobs)", async () => {
    const dueMs = (Math.floor(Date.now() / 1000) + 1) * 1000;
    // waiting first: a delayed job falling due between the two POSTs would be ahead by right
    await curl("-X", "POST", url("/q/order"), "-d", '"waiting"');
    await curl("-X", "POST", url(`/q/order?delayed=${dueMs / 1000}`), "-d", '"delayed"');
    await redisClockPast(dueMs);
    // the reaper moves it within reaper_interval_ms; wait for the move, not for a time
    let info = json(await curl(url("/j/order"))) as Info;
    for (let i = 0; i < 200 && info.ready !== 2; i++) info = json(await curl(url("/j/order"))) as Info;
    expect(info).toMatchObject({ ready: 2, delayed: 0 });
    expect((await curl(url("/q/order"))).body).toBe('"waiting"');
    expect((await curl(url("/q/order"))).body).toBe('"delayed"');
  });

  it("2010's GET /w/?queue_name= shape is gone", async () => {
    // 2010: {"queue_name":q,"workers_list":[...],"processed":..,"failed":..}. Today the query is not
    // read (the registry's list); once every route checks its query it is a 400.
    const res = await curl(url(`/w/?queue_name=${queue}`));
    const body = json(res) as Info;
    expect(body).not.toHaveProperty("workers_list");
    if (res.status === 200) expect(Array.isArray(body.workers)).toBe(true);
    else expect(body).toMatchObject({ code: "invalid_argument" });
  });

  it("GET /status works without its trailing slash (2010: 404)", async () => {
    await curl("-X", "POST", url("/q/slash"), "-d", "1");
    const [bare, slashed] = [json(await curl(url("/status"))), json(await curl(url("/status/")))];
    expect(bare).toEqual(slashed);
    expect((bare as { queues: string[] }).queues).toContain("slash");
  });
});

describe("2010 answers presque should give back (bugs)", () => {
  // presque 2010 answered status 1 (open) or 0 (stopped); the string form was a regression.
  it("GET /control/:queue: status is 1 when open, 0 when stopped, next to stopped", async () => {
    const open = await curl(url("/control/ctl-compat"));
    expect(json(open)).toMatchObject({ queue: "ctl-compat", status: 1, stopped: false }); // never used: open
    await curl("-X", "POST", url("/q/ctl-compat"), "-d", "1");
    expect(json(await curl(url("/control/ctl-compat")))).toMatchObject({ status: 1, stopped: false });

    await curl("-X", "POST", url("/control/ctl-compat"), "-d", '{"status":"stop"}');
    const stopped = await curl(url("/control/ctl-compat"));
    expect(json(stopped)).toMatchObject({ queue: "ctl-compat", status: 0, stopped: true });
    expect(stopped.body).toMatch(/0/); // t/10_basic.t: like $res->content, qr/0/

    await curl("-X", "POST", url("/control/ctl-compat"), "-d", '{"status":"start"}');
    expect(json(await curl(url("/control/ctl-compat")))).toMatchObject({ status: 1, stopped: false });
  });

  // presque 2010 listed the ready jobs with with_desc=1; presque had silently ignored it.
  it("GET /status/:queue?with_desc=1: the ready jobs' payloads under jobs, in fetch order", async () => {
    const q = url("/q/desc");
    await curl("-X", "POST", q, "-d", '{"a": 1.10}');
    await curl("-X", "POST", q, "-d", '"two"');
    await curl("-X", "POST", `${q}?priority=5`, "-d", '{"p":5}');
    await curl("-X", "POST", `${q}?delay=1h`, "-d", '"later"'); // delayed: not ready, not listed

    const desc = await curl(url("/status/desc?with_desc=1"));
    expect(desc.status).toBe(200);
    expect(json(desc)).toEqual({ queue: "desc", size: 3, jobs: [{ p: 5 }, { a: 1.1 }, "two"] });
    expect(desc.body).toContain('[{"p":5},{"a": 1.10},"two"]'); // byte for byte, as GET /qb/ writes them

    // off: absent or 0 (false in Perl), as today
    expect(json(await curl(url("/status/desc?with_desc=0")))).toEqual({ queue: "desc", size: 3 });
    expect(json(await curl(url("/status/desc")))).toEqual({ queue: "desc", size: 3 });
    // an empty queue (2010: a Redis error, MGET without keys)
    expect(json(await curl(url("/status/empty-desc?with_desc=1")))).toEqual({
      queue: "empty-desc",
      size: 0,
      jobs: [],
    });
    // listing takes nothing
    expect((await curl(`${q}`)).body).toBe('{"p":5}');
  });
});
