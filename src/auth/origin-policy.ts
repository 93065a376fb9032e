import { hostname, networkInterfaces } from "node:os";
import { PresqueError } from "../errors/presque-error.ts";
import type { RequestFacts } from "./request-facts.ts";

/**
 * What a browser may make presque do. A page on another site can send requests to presque
 * through its user's browser (forms, images, no-cors fetches), and a rebound DNS name can make
 * presque look same-origin to it. So: the Host must be one of presque's own names, and a request
 * the browser marks as coming from another site (Sec-Fetch-Site, Origin) is refused unless CORS
 * allows its origin. curl and the SDKs send neither header and are not affected.
 */
export interface OriginPolicy {
  /** Throws 403 when the request must not be served. */
  check(facts: RequestFacts): void;
  /** Whether CORS allows this origin (the caller adds the Access-Control headers). */
  allowsOrigin(origin: string): boolean;
}

export interface OriginPolicyOptions {
  /** The address presque listens on (config host). */
  boundHost: string;
  /** http.allowed_hosts; `*` allows any. */
  allowedHosts: readonly string[];
  /** cors.allowed_origins. */
  allowedOrigins: readonly string[];
}

const wildcardHosts = new Set(["0.0.0.0", "::", "[::]"]);
/** Host values remembered at most (a bound: a client may send any number of different ones). */
const maxRememberedHosts = 256;

export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const anyHost = options.allowedHosts.includes("*");
  const names = new Set(
    ["localhost", "127.0.0.1", "::1", options.boundHost, ...options.allowedHosts].map(normalHost),
  );
  // Bound to every interface: each interface's address (and the machine's name) is presque's own.
  if (wildcardHosts.has(options.boundHost)) {
    names.add(normalHost(hostname()));
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) names.add(normalHost(address.address));
    }
  }
  const origins = new Set(options.allowedOrigins);
  // Clients send the same few Host values over and over: remember each one's verdict.
  const hostVerdicts = new Map<string, boolean>();
  const isOwnHost = (host: string) => {
    let own = hostVerdicts.get(host);
    if (own === undefined) {
      own = names.has(hostOf(host));
      if (hostVerdicts.size >= maxRememberedHosts) hostVerdicts.clear();
      hostVerdicts.set(host, own);
    }
    return own;
  };
  return {
    allowsOrigin: (origin) => origins.has(origin),
    check(facts) {
      if (facts.host !== undefined && !anyHost && !isOwnHost(facts.host)) {
        throw new PresqueError(
          "permission_denied",
          `Host ${JSON.stringify(facts.host)} is not one of this server's names; add it to http.allowed_hosts`,
        );
      }
      const { origin } = facts;
      if (origin !== undefined && origins.has(origin)) return;
      const site = facts.secFetchSite;
      if (site === undefined && origin === undefined) return; // curl, the SDKs: no browser
      const ownOrigin = `${facts.encrypted ? "https" : "http"}://${facts.host}`;
      if (site === "cross-site" || site === "same-site" || (origin !== undefined && origin !== ownOrigin)) {
        throw new PresqueError(
          "permission_denied",
          `requests from another site (${origin ?? site}) are refused; list the origin in cors.allowed_origins to allow it`,
        );
      }
    },
  };
}

/** `[::1]:5000` → `::1`, `Localhost:5000` → `localhost`. */
function hostOf(header: string): string {
  const trimmed = header.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(1, trimmed.indexOf("]"));
  const colon = trimmed.lastIndexOf(":");
  // one colon: host:port; more: a bare IPv6 address (not valid in Host, but harmless)
  return colon !== -1 && trimmed.indexOf(":") === colon ? trimmed.slice(0, colon) : trimmed;
}

function normalHost(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith("[") && lower.endsWith("]") ? lower.slice(1, -1) : lower;
}
