import { createFailureThrottle } from "../auth/failure-throttle.ts";
import { createKeyRing } from "../auth/key-ring.ts";
import { loadKeyEntries } from "../auth/load-keys.ts";
import { createOriginPolicy, type OriginPolicy } from "../auth/origin-policy.ts";
import { createRequestGate, type RequestGate } from "../auth/request-gate.ts";
import type { PresqueConfig } from "../config/config.ts";
import type { Logger } from "../log.ts";
import { isLoopbackHost } from "./loopback.ts";

export interface Security {
  gate: RequestGate;
  origins: OriginPolicy;
  /** Re-reads the keys (auth.keys and auth.keys_file); on an error the old keys stay. */
  reloadKeys(config: PresqueConfig): void;
}

/**
 * The keys and checks of a presque as configured. Auth is on when keys are configured at start;
 * without keys presque listens only on loopback, unless auth.insecure_no_auth says otherwise
 * (warned at every start).
 */
export function openSecurity(config: PresqueConfig, log: Logger): Security {
  const entries = loadKeyEntries(config.auth);
  const authOn = entries.length > 0;
  if (!authOn && !isLoopbackHost(config.host)) {
    if (!config.auth.insecureNoAuth) {
      throw new Error(
        `refusing to listen on ${config.host} without API keys: anyone who reaches the port could read ` +
          "and delete every job. Create a key (presque keys create --name NAME --scope '*') and add it to " +
          "auth.keys, or start with --insecure-no-auth",
      );
    }
    log.warn(
      `INSECURE: listening on ${config.host} with no API keys (--insecure-no-auth): anyone who reaches the port controls every queue`,
    );
  }
  const keys = createKeyRing(entries);
  const origins = createOriginPolicy({
    boundHost: config.host,
    allowedHosts: config.http.allowedHosts,
    allowedOrigins: config.cors.allowedOrigins,
  });
  const gate = createRequestGate({
    authOn,
    keys,
    origins,
    throttle: createFailureThrottle(config.auth.maxFailures, config.auth.failureWindowMs),
  });
  if (authOn) log.info("auth on", { keys: entries.map((entry) => entry.name) });
  return {
    gate,
    origins,
    reloadKeys(next) {
      const fresh = loadKeyEntries(next.auth);
      keys.replace(fresh);
      log.info("API keys reloaded", { audit: true, keys: fresh.map((entry) => entry.name) });
    },
  };
}
