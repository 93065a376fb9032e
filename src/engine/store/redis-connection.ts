import { readFileSync } from "node:fs";
import { Redis, type RedisOptions } from "ioredis";
import { defaultConfig, type RedisTarget } from "../../config/config.ts";

/** A command connection; only the store uses its methods, others pass it along. */
export type RedisConnection = Redis;

/** A managed redis-server: its socket (or a loopback port) and the password it was started with. */
export type ManagedRedisEndpoint = ({ path: string } | { host: string; port: number }) & {
  password?: string;
};

/**
 * Options every presque connection shares. Auto-pipelining stays off: on loopback it costs
 * consumers throughput (ChasquiMQ measured -38%); presque batches explicitly instead.
 *
 * Deadlines: `commandTimeout` bounds every command, also one waiting in the offline queue while
 * Redis reconnects, so a stalled Redis (SIGSTOP, a long script elsewhere) costs a request at most
 * that long and then a 503. presque sends no blocking command (long polls wait in Node on the
 * wake channel), so no command has a reason to take longer. `maxRetriesPerRequest` fails queued
 * commands after a few reconnect attempts, sooner than the deadline when Redis is plainly down.
 */
const common: RedisOptions = {
  maxRetriesPerRequest: 3,
  enableAutoPipelining: false,
  connectionName: "presque",
};

export interface RedisClientOptions {
  /** Longest wait for one command, in ms (config `redis.command_timeout_ms`). */
  commandTimeoutMs?: number;
}

/**
 * A client for a configured Redis or a managed one. Throws at once (before connecting) when the
 * target cannot work: a TLS file that cannot be read, TLS files with a `redis://` URL.
 */
export function createRedisClient(
  target: RedisTarget | ManagedRedisEndpoint,
  options: RedisClientOptions = {},
): Redis {
  const endpoint =
    "path" in target ? { path: target.path, password: target.password } : targetOptions(target);
  return new Redis({
    ...common,
    commandTimeout: options.commandTimeoutMs ?? defaultConfig.redisCommandTimeoutMs,
    ...endpoint,
  });
}

/**
 * The subscriber of the wake channel: a copy of `redis` whose commands have no deadline. It only
 * (re)subscribes; a SUBSCRIBE cut short by a stall would leave long polls without wake-ups.
 * `duplicate` copies every option, so the subscriber keeps the TLS settings and credentials.
 */
export function createSubscriberClient(redis: Redis): Redis {
  return redis.duplicate({ commandTimeout: undefined });
}

/**
 * The first PING of a client, failing with why the connection failed (a certificate refused, a
 * wrong password, nobody listening) and where it pointed, rather than with ioredis's "Reached the
 * max retries per request limit", which names no cause. Bounded by the client's retries and deadline.
 */
export async function firstPing(redis: Redis, where: string): Promise<void> {
  let connectionError: Error | undefined;
  const remember = (error: Error) => {
    connectionError = error;
  };
  redis.on("error", remember);
  try {
    await redis.ping();
  } catch (error) {
    const cause = connectionError ?? (error as Error);
    throw new Error(`cannot use Redis at ${where}: ${cause.message}`, { cause });
  } finally {
    redis.off("error", remember);
  }
}

/**
 * ioredis options for a configured target. Where Redis is (host, port, db, TLS or not) comes from
 * `url` when set, else from `host`/`port`/`db`. `username`/`password` override the URL's, so the
 * secret can live apart from the URL. TLS is on for `rediss://`, or without a URL when a TLS file
 * is set; the files are read here, so a bad path fails the start, not every reconnect.
 */
export function targetOptions(target: RedisTarget): RedisOptions {
  const { useTls, ...place } = targetPlace(target);
  return { ...place, ...(useTls ? { tls: tlsFiles(target) } : {}) };
}

/** Where a target points, for the start-up line: the user name, never a password. */
export function describeRedisTarget(target: RedisTarget): string {
  const place = targetPlace(target);
  const host = place.host.includes(":") ? `[${place.host}]` : place.host;
  const user = place.username === undefined ? "" : ` as user ${place.username}`;
  return `${place.useTls ? "rediss" : "redis"}://${host}:${place.port}/${place.db ?? 0}${user}`;
}

/** A target's parts, the URL's and the keys' merged, defaults filled in. */
interface TargetPlace {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  useTls: boolean;
}

function targetPlace(target: RedisTarget): TargetPlace {
  const fromUrl: UrlParts = target.url
    ? urlParts(target.url)
    : { host: target.host, port: target.port, db: target.db };
  const useTls = target.url ? target.url.startsWith("rediss:") : hasTlsFile(target);
  if (!useTls && hasTlsFile(target)) {
    throw new Error(
      "redis.tls_ca, redis.tls_cert and redis.tls_key need a rediss:// URL (redis.url is redis://)",
    );
  }
  const username = target.username ?? fromUrl.username;
  const password = target.password ?? fromUrl.password;
  return {
    host: fromUrl.host ?? "127.0.0.1",
    port: fromUrl.port ?? 6379,
    ...(fromUrl.db === undefined ? {} : { db: fromUrl.db }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    useTls,
  };
}

interface UrlParts {
  host?: string;
  port?: number;
  db?: number;
  username?: string;
  password?: string;
}

function urlParts(url: string): UrlParts {
  const parsed = new URL(url);
  if (parsed.search !== "") {
    throw new Error(
      "redis.url: query parameters are not read; use redis.db, redis.username and redis.password",
    );
  }
  const dbText = parsed.pathname.replace(/^\//, "");
  if (dbText !== "" && !/^\d+$/.test(dbText)) {
    throw new Error(`redis.url: the path must be a database number (redis://host:port/0), not /${dbText}`);
  }
  return {
    ...(parsed.hostname === "" ? {} : { host: parsed.hostname.replace(/^\[|\]$/g, "") }),
    ...(parsed.port === "" ? {} : { port: Number(parsed.port) }),
    ...(dbText === "" ? {} : { db: Number(dbText) }),
    // WHATWG URL keeps the user part percent-encoded
    ...(parsed.username === "" ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === "" ? {} : { password: decodeURIComponent(parsed.password) }),
  };
}

function hasTlsFile(target: RedisTarget): boolean {
  return target.tlsCa !== undefined || target.tlsCert !== undefined || target.tlsKey !== undefined;
}

/** Node's tls.connect options; without a CA file the system's CAs verify the server. */
function tlsFiles(target: RedisTarget): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  if ((target.tlsCert === undefined) !== (target.tlsKey === undefined)) {
    throw new Error("redis.tls_cert and redis.tls_key go together: set both or neither");
  }
  return {
    ...(target.tlsCa === undefined ? {} : { ca: readPem("redis.tls_ca", target.tlsCa) }),
    ...(target.tlsCert === undefined ? {} : { cert: readPem("redis.tls_cert", target.tlsCert) }),
    ...(target.tlsKey === undefined ? {} : { key: readPem("redis.tls_key", target.tlsKey) }),
  };
}

function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${key}: cannot read ${file}: ${(error as Error).message}`);
  }
}
