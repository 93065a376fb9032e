import { randomUUID } from "node:crypto";
import { invalidArgument, PresqueError } from "../../errors/presque-error.ts";
import type { Store } from "../store/store.ts";

export interface WorkerRegistration {
  name: string;
  queues: string[];
  host: string;
  pid: number;
  concurrency: number;
  /** How often the worker promises to heartbeat; three missed beats and it is gone. */
  heartbeatMs: number;
}

/** A job a worker reports it is running. */
export interface RunningJob {
  queue: string;
  id: string;
  startedAt: number;
}

export interface WorkerStatus {
  /** The jobs running now; replaces the previous list. */
  workingOn: RunningJob[];
  processed: number;
  failed: number;
}

export interface WorkerInfo extends WorkerRegistration, WorkerStatus {
  workerId: string;
  registeredAt: number;
  lastHeartbeatAt: number;
  /** False after three missed heartbeats. */
  alive: boolean;
}

export interface WorkerRegistry {
  register(registration: WorkerRegistration): Promise<string>;
  /** Fails with not_found when the registry forgot the worker: it must register again. */
  heartbeat(workerId: string, status: WorkerStatus): Promise<void>;
  unregister(workerId: string): Promise<boolean>;
  /** Workers seen within the last hour, most recently registered first. */
  list(): Promise<WorkerInfo[]>;
}

const missedBeatsUntilGone = 3;
/** A gone worker stays listed this long after its last heartbeat, so operators can see it died. */
const keepGoneMs = 60 * 60 * 1000;
const workerIdPattern = /^[0-9a-f-]{36}$/;

/** Workers register, heartbeat with what they are running, and are listed alive or gone. */
export function createWorkerRegistry(store: Store): WorkerRegistry {
  const beat = (
    mode: "register" | "beat",
    workerId: string,
    heartbeatMs: number,
    fields: Record<string, string>,
  ) => store.workers.beat(mode, workerId, missedBeatsUntilGone * heartbeatMs + keepGoneMs, fields);

  const checkId = (workerId: string) => {
    if (!workerIdPattern.test(workerId))
      throw invalidArgument(`worker id ${JSON.stringify(workerId)} is not valid`);
    return workerId;
  };

  return {
    async register(registration) {
      const { heartbeatMs } = registration;
      if (!Number.isFinite(heartbeatMs) || heartbeatMs < 100 || heartbeatMs > 300_000) {
        throw invalidArgument("heartbeat must be from 0.1 to 300 seconds");
      }
      const workerId = randomUUID();
      await beat("register", workerId, heartbeatMs, {
        name: registration.name,
        host: registration.host,
        pid: String(registration.pid),
        concurrency: String(registration.concurrency),
        queues: JSON.stringify(registration.queues),
        heartbeatMs: String(heartbeatMs),
        workingOn: "[]",
        processed: "0",
        failed: "0",
      });
      return workerId;
    },

    async heartbeat(workerId, status) {
      checkId(workerId);
      const heartbeatMs = Number((await store.workers.field(workerId, "heartbeatMs")) ?? 0);
      const fields = {
        workingOn: JSON.stringify(status.workingOn),
        processed: String(status.processed),
        failed: String(status.failed),
      };
      if (heartbeatMs === 0 || !(await beat("beat", workerId, heartbeatMs, fields))) {
        throw new PresqueError("not_found", `worker ${workerId} is not registered (gone too long?)`);
      }
    },

    async unregister(workerId) {
      checkId(workerId);
      return store.workers.remove(workerId);
    },

    async list() {
      const [now, entries] = await Promise.all([store.nowMs(), store.workers.list()]);
      const workers: WorkerInfo[] = [];
      const expired: string[] = [];
      for (const { workerId, hash } of entries) {
        const info = parseWorker(workerId, hash, now);
        if (info) workers.push(info);
        else expired.push(workerId);
      }
      // The hash expired on its own; the index entry is ours to drop.
      await store.workers.forget(expired);
      return workers.sort((a, b) => b.registeredAt - a.registeredAt);
    },
  };
}

function parseWorker(workerId: string, hash: Record<string, string>, now: number): WorkerInfo | undefined {
  if (hash.registeredAt === undefined) return undefined;
  const heartbeatMs = Number(hash.heartbeatMs);
  const lastHeartbeatAt = Number(hash.lastBeat);
  return {
    workerId,
    name: hash.name ?? "",
    queues: JSON.parse(hash.queues ?? "[]") as string[],
    host: hash.host ?? "",
    pid: Number(hash.pid ?? 0),
    concurrency: Number(hash.concurrency ?? 0),
    heartbeatMs,
    registeredAt: Number(hash.registeredAt),
    lastHeartbeatAt,
    alive: now - lastHeartbeatAt <= missedBeatsUntilGone * heartbeatMs,
    workingOn: JSON.parse(hash.workingOn ?? "[]") as RunningJob[],
    processed: Number(hash.processed ?? 0),
    failed: Number(hash.failed ?? 0),
  };
}
