import { describe, expect, it } from "vitest";
import { buildOpenApi, documentedServices, openApiPath, operationDocs } from "../src/rest/openapi.ts";
import { useTestServer } from "./support/presque-server.ts";

const env = useTestServer();
const server = () => env.server;
const base = () => `http://127.0.0.1:${server().port}`;

type Doc = ReturnType<typeof buildOpenApi>;
type Op = { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> };
const operation = (doc: Doc, key: string): Op => {
  const [method, pattern] = key.split(" ") as [string, string];
  return (doc.paths[openApiPath(pattern)] as Record<string, Op>)[method.toLowerCase()] as Op;
};

describe("GET /openapi.json", () => {
  it("is OpenAPI 3.1 and names every route of the table, and nothing else", async () => {
    const response = await fetch(`${base()}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    const tableKeys = server()
      .routes.map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(tableKeys).toContain("GET /openapi.json");
    expect(Object.keys(operationDocs).sort()).toEqual(tableKeys);
    for (const key of tableKeys) expect(operation(doc, key), key).toBeDefined();
    // Every query parameter the router accepts is described, with a schema.
    for (const r of server().routes) {
      const op = operation(doc, `${r.method} ${r.path}`) as unknown as {
        parameters?: { name: string; in: string; schema: unknown }[];
      };
      const query = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      expect(query.sort(), `${r.method} ${r.path}`).toEqual([...(r.query ?? [])].sort());
    }
    // One POST per unary RPC of every served service, none for streams.
    for (const service of documentedServices) {
      for (const method of service.methods) {
        const path = doc.paths[`/${service.typeName}/${method.name}`];
        if (method.methodKind === "unary") expect(path, method.name).toHaveProperty("post");
        else expect(path, method.name).toBeUndefined();
      }
    }
  });

  it("a route without a description cannot be documented", () => {
    expect(() => buildOpenApi([{ method: "GET", path: "/new-route" }])).toThrow(/no OpenAPI description/);
    expect(() => buildOpenApi([{ method: "GET", path: "/stats", query: ["new"] }])).toThrow(/not described/);
  });

  it("every documented status code of every route is produced, with the documented body", async () => {
    const doc = (await fetch(`${base()}/openapi.json`).then((r) => r.json())) as Doc;
    const q = "openapi-tour";
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const response = await fetch(`${base()}${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, text, headers: response.headers };
    };
    const produced = new Map<string, Set<number>>();
    const probe = async (key: string, path: string, expected: number, body?: unknown, headers = {}) => {
      const [method] = key.split(" ") as [string];
      const answer = await call(method, path, body, headers);
      expect(answer.status, `${key} ${path}: ${answer.text}`).toBe(expected);
      const documented = operation(doc, key).responses[String(expected)];
      expect(documented, `${key} answered ${expected}, which is not documented`).toBeDefined();
      if (documented?.content?.["application/json"]) {
        const json = JSON.parse(answer.text) as Record<string, unknown>;
        const schema = documented.content["application/json"].schema;
        for (const field of (schema.required as string[] | undefined) ?? [])
          expect(json, key).toHaveProperty(field);
      }
      if (!produced.has(key)) produced.set(key, new Set());
      produced.get(key)?.add(expected);
      return answer;
    };

    // 400 on every route: an unknown query parameter is refused before the handler runs.
    const sample = (pattern: string) =>
      pattern
        .replace(":queue", q)
        .replace(":id", "1")
        .replace(":name", "s")
        .replace(":worker", "w")
        .replace("*", "app.js");
    for (const r of server().routes) await probe(`${r.method} ${r.path}`, `${sample(r.path)}?nope=1`, 400);

    // Jobs.
    const first = JSON.parse((await probe("POST /q/:queue", `/q/${q}`, 201, { n: 1 })).text) as {
      id: string;
    };
    await probe("POST /q/:queue", `/q/${q}-idem`, 201, 1, { "idempotency-key": "k1" });
    await probe("POST /q/:queue", `/q/${q}-idem`, 200, 1, { "idempotency-key": "k1" });
    await probe("PUT /q/:queue", `/q/${q}-put`, 201, 1, { "idempotency-key": "k2" });
    await probe("PUT /q/:queue", `/q/${q}-put`, 200, 1, { "idempotency-key": "k2" });
    await probe("POST /qb/:queue", `/qb/${q}-b`, 201, { jobs: [1, 2] }, { "idempotency-key": "k3" });
    await probe("POST /qb/:queue", `/qb/${q}-b`, 200, { jobs: [1, 2] }, { "idempotency-key": "k3" });
    const big = "x".repeat(2 * 1024 * 1024);
    for (const key of ["POST /q/:queue", "PUT /q/:queue"]) await probe(key, `/q/${q}-big`, 413, big);
    await probe("POST /qb/:queue", `/qb/${q}-big`, 413, { jobs: [big] });
    await probe("POST /control/:queue/settings", `/control/${q}-full/settings`, 200, { max_length: 1 });
    await probe("POST /q/:queue", `/q/${q}-full`, 201, 1);
    await probe("POST /q/:queue", `/q/${q}-full`, 429, 2);
    await probe("PUT /q/:queue", `/q/${q}-full`, 429, 2);
    await probe("POST /qb/:queue", `/qb/${q}-full`, 429, { jobs: [2] });

    await probe("GET /q/:queue/:id", `/q/${q}/${first.id}`, 200);
    await probe("GET /q/:queue/:id", `/q/${q}/999999`, 404);
    const leased = await probe("GET /q/:queue", `/q/${q}?lease=60`, 200);
    const token = leased.headers.get("x-presque-lease-token") as string;
    await probe("GET /q/:queue", `/q/${q}`, 204);
    await probe("GET /qb/:queue", `/qb/${q}`, 204);
    await probe("POST /q/:queue/:id/extend", `/q/${q}/${first.id}/extend?lease=60&token=wrong`, 409);
    await probe("POST /q/:queue/:id/extend", `/q/${q}/999999/extend?lease=60&token=t`, 404);
    await probe("POST /q/:queue/:id/extend", `/q/${q}/${first.id}/extend?lease=60&token=${token}`, 200);
    await probe("POST /q/:queue/:id/nack", `/q/${q}/${first.id}/nack?token=wrong`, 409);
    await probe("POST /q/:queue/:id/nack", `/q/${q}/999999/nack?token=t`, 404);
    await probe("DELETE /q/:queue/:id", `/q/${q}/${first.id}?token=wrong`, 409);
    await probe("DELETE /q/:queue/:id", `/q/${q}/999999?token=t`, 404);
    await probe("POST /q/:queue/:id/nack", `/q/${q}/${first.id}/nack?token=${token}&delay=1h`, 200, {
      error: "e",
    });
    await probe("POST /q/:queue/:id/promote", `/q/${q}/${first.id}/promote`, 200);
    await probe("POST /q/:queue/:id/promote", `/q/${q}/${first.id}/promote`, 409);
    await probe("POST /q/:queue/:id/promote", `/q/${q}/999999/promote`, 404);
    const again = await probe("GET /q/:queue", `/q/${q}?lease=60`, 200);
    await probe("DELETE /q/:queue/:id", `/q/${q}/${first.id}`, 204, undefined, {
      "x-presque-lease-token": again.headers.get("x-presque-lease-token") as string,
    });
    await probe("POST /qb/:queue", `/qb/${q}`, 201, { jobs: [1, 2] });
    await probe("GET /qb/:queue", `/qb/${q}?batch_size=2`, 200);
    await probe("POST /control/:queue", `/control/${q}-stopped`, 200, { status: "stop" });
    await probe("GET /q/:queue", `/q/${q}-stopped`, 409);
    await probe("GET /qb/:queue", `/qb/${q}-stopped`, 409);
    await probe("DELETE /q/:queue", `/q/${q}`, 200);

    // A stream: its headers say 200; the body never ends, so leave it.
    const abort = new AbortController();
    const stream = await fetch(`${base()}/q/${q}/stream`, { signal: abort.signal });
    expect(stream.status).toBe(200);
    produced.get("GET /q/:queue/stream")?.add(200);
    abort.abort();

    // Dead letters, queues, schedules, workers, monitoring.
    for (const [key, path, body] of [
      ["GET /dead/:queue", `/dead/${q}`],
      ["POST /dead/:queue/redrive", `/dead/${q}/redrive`, {}],
      ["DELETE /dead/:queue", `/dead/${q}`, {}],
      ["GET /j/:queue", `/j/${q}`],
      ["GET /status", "/status"],
      ["GET /status/:queue", `/status/${q}?with_desc=1`],
      ["GET /stats", "/stats"],
      ["GET /control/:queue", `/control/${q}`],
      ["POST /control/:queue", `/control/${q}`, { status: "start" }],
      ["GET /control/:queue/settings", `/control/${q}/settings`],
      ["POST /control/:queue/settings", `/control/${q}/settings`, { max_attempts: 3 }],
      ["DELETE /control/:queue", `/control/${q}-full`],
      ["PUT /schedules/:queue/:name", `/schedules/${q}/s`, { every: 3600, payload: 1 }],
      ["GET /schedules", "/schedules"],
      ["GET /schedules/:queue", `/schedules/${q}`],
      ["GET /w", "/w"],
      ["GET /q/:queue/jobs", `/q/${q}/jobs?state=ready`],
      ["GET /stats/:queue/history", `/stats/${q}/history?minutes=5`],
      ["GET /metrics", "/metrics"],
      ["GET /healthz", "/healthz"],
      ["GET /readyz", "/readyz"],
      ["GET /auth/whoami", "/auth/whoami"],
      ["GET /", "/"],
      ["GET /openapi.json", "/openapi.json"],
    ] as [string, string, unknown?][]) {
      await probe(key, path, 200, body);
    }
    await probe("DELETE /schedules/:queue/:name", `/schedules/${q}/s`, 200);
    const worker = JSON.parse((await probe("POST /w", "/w", 201, { name: "tour", queues: [q] })).text) as {
      worker_id: string;
    };
    await probe("POST /w/:worker/heartbeat", `/w/${worker.worker_id}/heartbeat`, 204, { working_on: [] });
    await probe("DELETE /w/:worker", `/w/${worker.worker_id}`, 204);
    await probe("POST /w/:worker/heartbeat", `/w/${worker.worker_id}/heartbeat`, 404, { working_on: [] });
    const asset = (await call("GET", "/")).text.match(/\/dashboard\/([^"]+\.js)/)?.[1] as string;
    await probe("GET /dashboard/*", `/dashboard/${asset}`, 200);
    await probe("GET /dashboard/*", "/dashboard/nope.js", 404);

    for (const key of Object.keys(operationDocs)) {
      const documented = Object.keys(operation(doc, key).responses).map(Number).sort();
      expect([...(produced.get(key) ?? [])].sort(), key).toEqual(documented);
    }

    // Connect JSON: an unknown field is a 400 with Connect's error body on every unary RPC.
    for (const service of documentedServices) {
      for (const method of service.methods.filter((m) => m.methodKind === "unary")) {
        const answer = await call("POST", `/${service.typeName}/${method.name}`, { nope: 1 });
        expect(answer.status, method.name).toBe(400);
        expect(JSON.parse(answer.text)).toMatchObject({
          code: "invalid_argument",
          message: expect.any(String),
        });
      }
    }
  }, 60_000);
});
