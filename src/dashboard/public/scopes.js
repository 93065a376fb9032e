// What the page's key may do, from the scopes GET /auth/whoami lists: the same rule as the
// server's src/auth/scope.ts (`<verb>:<queue pattern>` or `*`; a `*` in the pattern matches any
// run of characters; admin implies read). The server still checks every call; this only hides
// the buttons it would refuse.

const regexSpecials = /[\\^$.|?+()[\]{}]/g;

/** A scope text → { verb (undefined: every verb), matches(queue) }. */
export function parseScope(text) {
  const colon = text.indexOf(":");
  const verb = colon === -1 ? text : text.slice(0, colon);
  const pattern = colon === -1 ? "*" : text.slice(colon + 1);
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(regexSpecials, "\\$&"))
      .join(".*")}$`,
  );
  return { verb: verb === "*" ? undefined : verb, matches: (queue) => regex.test(queue) };
}

const grants = (scope, verb) =>
  scope.verb === undefined || scope.verb === verb || (verb === "read" && scope.verb === "admin");

/**
 * A whoami answer → what the page may show: `auth` (keys are on), `key` (its name), `can(verb,
 * queue)` and `canSome(verb)` (on at least one queue: the cross-queue views).
 */
export function accessOf(whoami) {
  const scopes = (whoami.scopes ?? []).map(parseScope);
  return {
    auth: whoami.auth === true,
    key: whoami.key ?? undefined,
    can: (verb, queue) => scopes.some((scope) => grants(scope, verb) && scope.matches(queue)),
    canSome: (verb) => scopes.some((scope) => grants(scope, verb)),
  };
}

/** A server from before API keys (no /auth/whoami): everything, as with auth off. */
export const noAuth = accessOf({ auth: false, key: null, scopes: ["*"] });
