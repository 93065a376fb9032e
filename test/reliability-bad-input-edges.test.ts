import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import { QueueService } from "../gen/presque/v1/queue_service_pb.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

/* Invalid UTF-8 bodies, the queue names `.` and `..`, loose numbers in query parameters. */

const presque = useTestServer();

async function expectNothingStored(queue: string) {
  const status = json(await curl(`${presque.url}/status`)) as { queues: string[] };
  expect(status.queues).not.toContain(queue);
}

/** curl sends the bytes of a file as they are. */
async function bytesFile(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(tmpdir(), `presque-${process.pid}-${name}`);
  await writeFile(path, bytes);
  return `@${path}`;
}

describe("a body that is not valid UTF-8 is a 400, not stored with U+FFFD in its place", () => {
  const bad = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

  it("single and batch enqueue", async () => {
    for (const [path, body] of [
      ["/q/utf8", bad],
      ["/qb/utf8", Buffer.concat([Buffer.from('{"jobs":['), bad, Buffer.from("]}")])],
    ] as const) {
      const answer = await curl(
        "-X",
        "POST",
        `${presque.url}${path}`,
        "--data-binary",
        await bytesFile("bad", body),
      );
      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({ code: "invalid_argument", message: "body is not valid UTF-8" });
    }
    await expectNothingStored("utf8");
  });

  it("valid multi-byte UTF-8 still goes through byte for byte", async () => {
    const good = Buffer.from('{"name":"Zoë 😀"}');
    const created = await curl(
      "-X",
      "POST",
      `${presque.url}/q/utf8-ok`,
      "--data-binary",
      await bytesFile("good", good),
    );
    expect(created.status).toBe(201);
    expect((await curl(`${presque.url}/q/utf8-ok`)).body).toBe(good.toString("utf8"));
  });
});

describe("queue names . and .. are refused on every edge", () => {
  it("RPC refuses them (REST cannot even name them: /q/.. is /)", async () => {
    const queue = createClient(
      QueueService,
      createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1" }),
    );
    for (const name of [".", ".."]) {
      const error = await queue
        .enqueue({ queue: name, payload: { kind: { case: "numberValue", value: 1 } } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.InvalidArgument);
      expect((error as ConnectError).rawMessage).toBe(`queue name cannot be ${JSON.stringify(name)}`);
    }
    const status = json(await curl(`${presque.url}/status`)) as { queues: string[] };
    expect(status.queues.filter((name) => /^\.+$/.test(name))).toEqual([]);
    // dots inside a name are fine, and so is a name of three dots: URLs keep those
    expect((await curl("-X", "POST", `${presque.url}/q/...`, "-d", "1")).status).toBe(201);
  });
});

describe("query parameters take decimal numbers and documented durations only", () => {
  it("an empty, hex, exponent or padded number is a 400 and takes no job", async () => {
    expect((await curl("-X", "POST", `${presque.url}/q/loose`, "-d", "1")).status).toBe(201);
    for (const query of ["lease=", "lease=0x10", "lease=1e-9", "lease=%205", "wait=", "wait=1e1"]) {
      const answer = await curl(`${presque.url}/q/loose?${query}`);
      expect(answer.status, query).toBe(400);
      expect(json(answer), query).toMatchObject({ code: "invalid_argument" });
    }
    for (const query of ["priority=", "priority=0x10", "max_attempts=1e1", "delayed=", "delay="]) {
      const answer = await curl("-X", "POST", `${presque.url}/q/loose-enqueue?${query}`, "-d", "1");
      expect(answer.status, query).toBe(400);
    }
    await expectNothingStored("loose-enqueue");
    // the job is still there, for the first well-formed fetch
    expect((await curl(`${presque.url}/q/loose?lease=30`)).status).toBe(200);
  });

  it("a parameter given twice is a 400, whatever the second value", async () => {
    expect((await curl("-X", "POST", `${presque.url}/q/twice`, "-d", "1")).status).toBe(201);
    const answer = await curl(`${presque.url}/q/twice?lease=5&lease=abc`);
    expect(answer.status).toBe(400);
    expect(json(answer)).toEqual({
      code: "invalid_argument",
      message: 'query parameter "lease" is given more than once',
    });
    expect((await curl("-X", "POST", `${presque.url}/q/twice?priority=1&priority=2`, "-d", "1")).status).toBe(
      400,
    );
    expect((await curl(`${presque.url}/q/twice?lease=5`)).status).toBe(200);
  });

  it("seconds, decimals and the duration forms keep working", async () => {
    for (const lease of ["30", "1.5", "90s", "2m", "1h30m", "250ms"]) {
      expect((await curl("-X", "POST", `${presque.url}/q/forms`, "-d", "1")).status).toBe(201);
      const answer = await curl(`${presque.url}/q/forms?lease=${lease}&wait=0.5`);
      expect(answer.status, lease).toBe(200);
    }
    expect(
      (await curl("-X", "POST", `${presque.url}/q/forms?priority=-5&delay=1m30s`, "-d", "1")).status,
    ).toBe(201);
  });
});
