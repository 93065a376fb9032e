import { grants, parseScope } from "../auth/scope.ts";
import { CliError } from "./cli-error.ts";
import { type createRestClient, RestRefusal } from "./rest-client.ts";

interface WhoAmI {
  auth: boolean;
  key: string | null;
  scopes: string[];
}

/**
 * Before a worker starts: GET /auth/whoami answers 401 for a missing or unknown key (thrown by
 * the REST client as one line), and names the key's scopes, checked here against the queues so
 * a key that may not consume one of them stops the command instead of failing every fetch.
 * Anything else (presque not up yet, a server without the route) is left to the worker, which
 * retries until it can connect.
 */
export async function checkConsumeAccess(
  rest: ReturnType<typeof createRestClient>,
  queues: readonly string[],
): Promise<void> {
  let whoami: WhoAmI;
  try {
    whoami = JSON.parse((await rest.request("GET", "/auth/whoami")).text) as WhoAmI;
  } catch (error) {
    if (error instanceof RestRefusal && (error.status === 401 || error.status === 403)) throw error;
    return;
  }
  if (!whoami.auth) return;
  const scopes = whoami.scopes.map(parseScope).filter((scope) => typeof scope !== "string");
  for (const queue of queues) {
    const allowed = scopes.some((scope) => grants(scope, "consume") && scope.matches(queue));
    if (!allowed) {
      throw new CliError(
        `permission_denied: key ${JSON.stringify(whoami.key)} may not consume queue ${JSON.stringify(queue)} (its scopes: ${whoami.scopes.join(", ")})`,
      );
    }
  }
}
