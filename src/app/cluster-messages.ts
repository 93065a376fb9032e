import type { ManagedRedisEndpoint } from "../engine/store/redis-connection.ts";

/*
 * What the primary of `presque serve --workers N` and its workers tell each other over the IPC
 * channel node:cluster opens. The worker speaks first: a message sent before it listens would be
 * lost, so it says hello and the primary answers with its start message. The Redis password
 * travels here, never in the environment or on a command line.
 */

/** Worker → primary. */
export type WorkerMessage =
  /** Listening for the start message. */
  | { type: "hello" }
  /** Serving: the port it shares and where jobs live, for the primary's start-up line. */
  | { type: "ready"; port: number; redis: string };

/** Primary → worker, the answer to hello. */
export interface StartMessage {
  type: "start";
  /** 1-based; the same number again when a worker is replaced. */
  worker: number;
  /** Runs the reaper, schedule ticker and depth sampler (worker 1 only). */
  background: boolean;
  /** The managed redis-server the primary started (no Redis configured). */
  sharedRedis?: { connection: ManagedRedisEndpoint; describe: string };
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === "hello" || type === "ready";
}

export function isStartMessage(message: unknown): message is StartMessage {
  return (message as { type?: unknown } | null)?.type === "start";
}
