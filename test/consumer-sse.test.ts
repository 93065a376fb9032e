import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

interface SseEvent {
  event: string;
  data: string;
}

/** `curl -N $url` kept running, its output read one server-sent event at a time. */
function curlStream(url: string) {
  const child = spawn("curl", ["-sS", "-N", url], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async next(): Promise<SseEvent> {
      const event: SseEvent = { event: "message", data: "" };
      const data: string[] = [];
      for (;;) {
        const { value: line, done } = await lines.next();
        if (done) throw new Error("stream ended");
        if (line === "") {
          if (data.length === 0) continue;
          event.data = data.join("\n");
          return event;
        }
        if (line.startsWith("event: ")) event.event = line.slice(7);
        if (line.startsWith("data: ")) data.push(line.slice(6));
      }
    },
    async nextJob(): Promise<Record<string, unknown>> {
      for (;;) {
        const event = await this.next();
        if (event.event === "job") return JSON.parse(event.data) as Record<string, unknown>;
      }
    },
    close: () => child.kill(),
  };
}

const enqueue = async (queue: string, body: string) =>
  (json(await curl("-X", "POST", `${server.baseUrl}/q/${queue}`, "-d", body)) as { id: string }).id;

describe("GET /q/:queue/stream", () => {
  it("streams subscribed, then each leased job; DELETE with the token acks it and the next one follows", async () => {
    const first = await enqueue("sse", '{"n":1}');
    const second = await enqueue("sse", '{"n":2}');
    const stream = curlStream(`${server.baseUrl}/q/sse/stream?heartbeat=1&lease=60`);
    const hello = await stream.next();
    expect(hello.event).toBe("subscribed");
    expect(JSON.parse(hello.data)).toMatchObject({ prefetch: 1, lease_seconds: 60, heartbeat_seconds: 1 });

    const job = await stream.nextJob();
    expect(job).toMatchObject({ id: first, queue: "sse", state: "leased", attempt: 1, payload: { n: 1 } });
    // prefetch=1 and one job out: the second waits, and the stream only heartbeats.
    expect((await stream.next()).event).toBe("heartbeat");

    const ack = await curl("-X", "DELETE", `${server.baseUrl}/q/sse/${first}?token=${job.lease_token}`);
    expect(ack.status).toBe(204);
    // The ack returns the credit at once: the job comes before the next heartbeat is due.
    const next = await stream.next();
    expect(next.event).toBe("job");
    expect(JSON.parse(next.data).id).toBe(second);
    stream.close();
  });

  it("gives the unacked job back when the client hangs up", async () => {
    const id = await enqueue("sse-hangup", '"x"');
    const stream = curlStream(`${server.baseUrl}/q/sse-hangup/stream?lease=600`);
    expect((await stream.nextJob()).id).toBe(id);
    stream.close();
    // A long poll: answered as soon as the release makes the job ready (not after the 10-minute lease).
    const again = await curl(`${server.baseUrl}/q/sse-hangup?wait=10&lease=60`);
    expect(again.status).toBe(200);
    expect(again.headers["x-presque-job-id"]).toBe(id);
    expect(again.headers["x-presque-attempt"]).toBe("1");
  });

  it("splits a payload stored with line breaks over several data lines that join back to the JSON", async () => {
    const pretty = '{\n  "multi": [\n    1,\n    2\n  ]\n}';
    await enqueue("sse-lines", pretty);
    const stream = curlStream(`${server.baseUrl}/q/sse-lines/stream`);
    expect((await stream.nextJob()).payload).toEqual({ multi: [1, 2] });
    stream.close();
  });

  it("ends with an `error` event saying unavailable when the server shuts down", async () => {
    const doomed = await startTestServer({ prefix: server.prefix });
    const stream = curlStream(`${doomed.baseUrl}/q/sse-shutdown/stream`);
    expect((await stream.next()).event).toBe("subscribed");
    const stopped = doomed.stop();
    const last = await stream.next();
    await stopped;
    expect(last.event).toBe("error");
    expect(JSON.parse(last.data)).toEqual({ code: "unavailable", message: "server is shutting down" });
  });

  it("answers bad parameters with a JSON 400 before any event", async () => {
    const answer = await curl(`${server.baseUrl}/q/sse-bad/stream?prefetch=0`);
    expect(answer.status).toBe(400);
    expect(json(answer)).toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("prefetch"),
    });
  });
});
