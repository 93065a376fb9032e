import { isIP } from "node:net";

/**
 * Whether presque bound to this host is reachable from this machine only: 127.0.0.0/8, ::1,
 * localhost. 0.0.0.0 and :: are every interface, not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost" || name === "::1") return true;
  return isIP(name) === 4 && name.startsWith("127.");
}
