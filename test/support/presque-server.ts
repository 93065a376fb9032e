import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { type RunningPresque, startPresque } from "../../src/app/start-presque.ts";
import { defaultConfig, type PresqueConfig } from "../../src/config/config.ts";
import { type Logger, silentLogger } from "../../src/log.ts";
import { createPresqueClient, type PresqueClient } from "../../src/sdk/client.ts";

export interface TestServer {
  baseUrl: string;
  port: number;
  /** The key prefix this server uses; unique per server, so tests never see each other's queues. */
  prefix: string;
  /** The REST route table the server was built from. */
  routes: RunningPresque["routes"];
  procedures: RunningPresque["procedures"];
  /** The running presque itself (reload, ...). */
  presque: RunningPresque;
  stop(): Promise<void>;
}

/** A real presque on a real socket (port 0), on the test run's redis-server, with its own prefix. */
export async function startTestServer(
  overrides: Partial<PresqueConfig> = {},
  log: Logger = silentLogger,
): Promise<TestServer> {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  const config: PresqueConfig = {
    ...defaultConfig,
    host: "127.0.0.1",
    port: 0,
    redis: { url: inject("redisUrl") },
    prefix,
    ...overrides,
  };
  const presque = await startPresque(config, log);
  return {
    baseUrl: `${config.tls.cert ? "https" : "http"}://127.0.0.1:${presque.port}`,
    port: presque.port,
    prefix,
    routes: presque.routes,
    procedures: presque.procedures,
    presque,
    stop: () => presque.stop(),
  };
}

/**
 * One server for a test file: started before its tests, stopped after them. Read `url` inside
 * tests (it is known once the server listens).
 */
export function useTestServer(overrides: Partial<PresqueConfig> = {}): {
  readonly url: string;
  readonly server: TestServer;
} {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(overrides);
  });
  afterAll(() => server?.stop());
  const started = () => {
    if (!server) throw new Error("the test server is not started yet: use it inside a test");
    return server;
  };
  return {
    get url() {
      return started().baseUrl;
    },
    get server() {
      return started();
    },
  };
}

/** useTestServer plus an SDK client of it (closed after the file's tests). */
export function useTestServerAndClient(overrides: Partial<PresqueConfig> = {}): {
  readonly url: string;
  readonly server: TestServer;
  readonly client: PresqueClient;
} {
  const presque = useTestServer(overrides);
  let client: PresqueClient | undefined;
  beforeAll(() => {
    client = createPresqueClient({ baseUrl: presque.url });
  });
  afterAll(() => client?.close());
  return {
    get url() {
      return presque.url;
    },
    get server() {
      return presque.server;
    },
    get client() {
      if (!client) throw new Error("the test client is not made yet: use it inside a test");
      return client;
    },
  };
}
