import { anyKey } from "../auth/access.ts";
import { sendJson } from "./http-io.ts";
import { type RestRoute, route } from "./router.ts";

/**
 * GET /auth/whoami: the key a request came with and its scopes, so the dashboard shows only what
 * the key may see and hides the buttons it may not use. `auth: false` while no key is configured.
 */
export function authRoutes(authOn: boolean): RestRoute[] {
  return [
    route("GET", "/auth/whoami", anyKey, ({ res, grant }) =>
      sendJson(res, 200, { auth: authOn, key: grant.keyName ?? null, scopes: grant.scopes }),
    ),
  ];
}
