import { PresqueError } from "../errors/presque-error.ts";
import type { Access } from "./access.ts";
import type { FailureThrottle } from "./failure-throttle.ts";
import { denied, everything, type Grant } from "./grant.ts";
import type { KeyRing } from "./key-ring.ts";
import type { OriginPolicy } from "./origin-policy.ts";
import type { RequestFacts } from "./request-facts.ts";

/**
 * The one check every REST route and RPC passes before its handler runs: where the request
 * comes from (origin policy), which key it carries (401), what that key may do (403).
 */
export interface RequestGate {
  /** Keys were configured at start: every non-public route needs one. */
  readonly authOn: boolean;
  /** The grant for this request, or a PresqueError (401, 403, 415, 429). */
  admit(facts: RequestFacts, access: Access, queues: readonly string[]): Grant;
}

export interface RequestGateDeps {
  authOn: boolean;
  keys: KeyRing;
  throttle: FailureThrottle;
  origins: OriginPolicy;
  now?: () => number;
}

/** Content types a cross-site HTML form (or a no-cors fetch) can send without a CORS preflight. */
const formTypes = new Set(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]);
const bodyMethods = new Set(["POST", "PUT", "DELETE", "PATCH"]);

export function createRequestGate(deps: RequestGateDeps): RequestGate {
  const now = deps.now ?? Date.now;

  function identify(facts: RequestFacts): Grant {
    if (facts.bearer !== undefined) {
      const waitMs = deps.throttle.blockedForMs(facts.remoteAddress, now());
      if (waitMs > 0) {
        throw new PresqueError(
          "too_many_auth_failures",
          `too many failed key checks from ${facts.remoteAddress}; retry in ${Math.ceil(waitMs / 1000)} s`,
          Math.ceil(waitMs / 1000),
        );
      }
      const grant = facts.bearer === "" ? undefined : deps.keys.bySecret(facts.bearer);
      if (grant !== undefined) return grant;
      deps.throttle.fail(facts.remoteAddress, now());
      throw new PresqueError(
        "unauthenticated",
        facts.bearer === "" ? "Authorization must be: Bearer <key>" : "unknown API key",
      );
    }
    if (facts.certificateName !== undefined) {
      const grant = deps.keys.byName(facts.certificateName);
      if (grant !== undefined) return grant;
      throw new PresqueError(
        "unauthenticated",
        `client certificate CN=${facts.certificateName} names no configured key`,
      );
    }
    throw new PresqueError("unauthenticated", "an API key is needed: send Authorization: Bearer <key>");
  }

  return {
    authOn: deps.authOn,
    admit(facts, access, queues) {
      if (access.kind === "public") return everything;
      deps.origins.check(facts);
      if (!deps.authOn) return everything;
      const type = facts.contentType?.split(";")[0]?.trim().toLowerCase();
      if (type !== undefined && formTypes.has(type) && bodyMethods.has(facts.method)) {
        throw new PresqueError(
          "unsupported_media_type",
          `content-type ${type} is refused while auth is on (a cross-site form can send it); use application/json`,
        );
      }
      const grant = identify(facts);
      switch (access.kind) {
        case "authenticated":
          return grant;
        case "queue":
          for (const queue of queues) if (queue !== "") grant.require(access.verb, queue);
          return grant;
        case "someQueue":
          if (!grant.canSome(access.verb)) throw denied(grant.keyName, access.verb, "any queue");
          return grant;
        case "everyQueue":
          if (!grant.canEvery(access.verb)) throw denied(grant.keyName, access.verb, "every queue (*)");
          return grant;
      }
    },
  };
}
