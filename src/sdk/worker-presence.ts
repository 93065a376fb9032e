import { hostname } from "node:os";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Logger } from "../log.ts";
import type { PresqueClient } from "./client.ts";

export interface PresenceStatus {
  workingOn: { queue: string; id: string; startedAt: number }[];
  processed: number;
  failed: number;
}

/**
 * Keeps the worker listed in presque's registry (GET /w/): registers, heartbeats with what it
 * runs, and unregisters at stop. Best effort: a registry failure never stops the work.
 */
export function startPresence(
  client: PresqueClient,
  registration: { name: string; queues: string[]; concurrency: number; heartbeatSeconds: number },
  status: () => PresenceStatus,
  log: Logger,
) {
  let workerId: string | undefined;
  let stopped = false;

  const register = async () => {
    const reply = await client.consumer.registerWorker({
      ...registration,
      host: hostname(),
      pid: process.pid,
    });
    workerId = reply.workerId;
  };

  const beat = async () => {
    if (stopped) return;
    try {
      if (!workerId) return await register();
      const now = status();
      await client.consumer.heartbeat({
        workerId,
        workingOn: now.workingOn.map((ref) => ({ ...ref, startedAt: timestampFromMs(ref.startedAt) })),
        processed: BigInt(now.processed),
        failed: BigInt(now.failed),
      });
    } catch (error) {
      const code = ConnectError.from(error).code;
      if (code === Code.NotFound)
        workerId = undefined; // forgotten while unreachable: register again
      else if (code === Code.Unimplemented) clearInterval(timer);
      else log.warn("worker heartbeat failed", { error: ConnectError.from(error).message });
    }
  };

  const timer = setInterval(beat, registration.heartbeatSeconds * 1000);
  timer.unref();
  const started = beat();

  return {
    get workerId() {
      return workerId;
    },
    /** Resolves once the first registration attempt is over. */
    started,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await started;
      if (workerId) await client.consumer.unregisterWorker({ workerId }).catch(() => {});
    },
  };
}
