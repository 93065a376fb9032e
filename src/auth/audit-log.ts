import type { Logger } from "../log.ts";
import type { Access } from "./access.ts";

export interface AuditEntry {
  /** The key's name; undefined while auth is off. */
  key: string | undefined;
  /** `POST /control/:queue` or `presque.v1.ControlService/PurgeQueue`. */
  action: string;
  queues: readonly string[];
  /** HTTP status, or the Connect code's name. */
  outcome: string | number;
  remoteAddress: string;
}

/** Admin actions (purge, delete, redrive, settings, schedules, stop/start) leave one line each. */
export function isAudited(access: Access): boolean {
  return access.kind !== "public" && "verb" in access && access.verb === "admin";
}

export function writeAuditLine(log: Logger, entry: AuditEntry): void {
  log.info("audit", { audit: true, ...entry, queues: [...entry.queues] });
}
