import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import * as reflectionV1 from "../gen/grpc/reflection/v1/reflection_pb.ts";
import * as reflectionV1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.ts";
import { verbs } from "../src/auth/scope.ts";
import { rpcAccess } from "../src/rpc/rpc-access.ts";
import { scopesWithout, type TestKey, testKey, withKeys } from "./support/auth-keys.ts";
import { useTestServer } from "./support/presque-server.ts";
import { servedServices } from "./support/served-services.ts";

// Generated from the service descriptors: every RPC the server serves is called here, without a
// key, with an unknown one and with keys that lack its scope, so a new RPC cannot skip auth.
const full = testKey("full", ["*"]);
const elsewhere = testKey("elsewhere", ["*:zz-elsewhere"]);
const without = Object.fromEntries(verbs.map((verb) => [verb, testKey(`no-${verb}`, scopesWithout(verb))]));
const presque = useTestServer(
  withKeys([full, elsewhere, ...Object.values(without)], { maxFailures: 1_000_000 }),
);

const services: DescService[] = [
  ...servedServices,
  reflectionV1.ServerReflection,
  reflectionV1alpha.ServerReflection,
];
const methods = services.flatMap((service) =>
  service.methods.map((method) => ({ path: `${service.typeName}/${method.name}`, service, method })),
);
const queue = "rpc-am-q";

/** A request naming `queue` in whichever of the usual fields the message has. */
function sampleRequest(method: DescMethod): Record<string, unknown> {
  const sample: Record<string, unknown> = {
    queue,
    queues: [queue],
    items: [{ queue, id: "1", leaseToken: "x" }],
    schedule: { queue, name: "s" },
  };
  const fields = new Set(method.input.fields.map((field) => field.localName));
  return Object.fromEntries(Object.entries(sample).filter(([name]) => fields.has(name)));
}

/** Calls the method with this authorization header; resolves with the code (undefined: it answered). */
async function codeOf(
  service: DescService,
  method: DescMethod,
  authorization?: string,
): Promise<Code | undefined> {
  const withKey: Interceptor = (next) => (req) => {
    if (authorization !== undefined) req.header.set("authorization", authorization);
    return next(req);
  };
  const client = createClient(
    service,
    createGrpcTransport({ baseUrl: presque.url, interceptors: [withKey] }),
  );
  const call = (client as unknown as Record<string, (input: unknown) => unknown>)[method.localName] as (
    input: unknown,
  ) => unknown;
  const input = sampleRequest(method);
  try {
    if (method.methodKind === "unary") await (call as (input: unknown) => Promise<unknown>)(input);
    else {
      const argument =
        method.methodKind === "server_streaming"
          ? input
          : (async function* () {
              yield input;
            })();
      for await (const _ of call(argument) as AsyncIterable<unknown>) break;
    }
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe("every RPC checks the key (generated from the service descriptors)", () => {
  it("serves exactly the RPCs of the access table and the descriptors", () => {
    const served = presque.server.procedures.map((path) => path.slice(1)).sort();
    expect(served).toEqual(methods.map((m) => m.path).sort());
    expect(Object.keys(rpcAccess).sort()).toEqual(served);
  });

  it("answers UNAUTHENTICATED without a key or with an unknown one, except health", async () => {
    for (const { path, service, method } of methods) {
      const rule = rpcAccess[path];
      if (rule?.access.kind === "public") {
        expect(await codeOf(service, method), path).toBeUndefined();
        continue;
      }
      expect(await codeOf(service, method), path).toBe(Code.Unauthenticated);
      expect(await codeOf(service, method, "Bearer pq_nope"), path).toBe(Code.Unauthenticated);
    }
  });

  it("answers PERMISSION_DENIED to a key without the scope the RPC needs", async () => {
    for (const { path, service, method } of methods) {
      const access = rpcAccess[path]?.access;
      if (access === undefined || access.kind === "public" || access.kind === "authenticated") continue;
      const denied: TestKey[] =
        access.kind === "someQueue"
          ? [without[access.verb] as TestKey]
          : [elsewhere, without[access.verb] as TestKey];
      for (const key of denied) {
        expect(await codeOf(service, method, `Bearer ${key.secret}`), `${path} ${key.entry.name}`).toBe(
          Code.PermissionDenied,
        );
      }
    }
  });

  it("lets a key with the scope through the unary RPCs", async () => {
    for (const { path, service, method } of methods) {
      if (method.methodKind !== "unary") continue;
      const code = await codeOf(service, method, `Bearer ${full.secret}`);
      expect([Code.Unauthenticated, Code.PermissionDenied], path).not.toContain(code);
    }
  });

  it("answers Connect JSON with the same {code, message} body as REST", async () => {
    const response = await fetch(`${presque.url}/presque.v1.ControlService/PurgeQueue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${elsewhere.secret}` },
      body: JSON.stringify({ queue }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      code: "permission_denied",
      message: expect.stringContaining("elsewhere"),
    });
  });
});
