import { PresqueError } from "../errors/presque-error.ts";
import { grants, parseScope, type Scope, type Verb } from "./scope.ts";

/** What one request may do: the key it came with and that key's scopes. */
export interface Grant {
  /** The key's name; undefined while auth is off (then everything is allowed). */
  readonly keyName: string | undefined;
  /** The scopes as configured (`*` while auth is off). */
  readonly scopes: readonly string[];
  /** May it `verb` on this queue? */
  can(verb: Verb, queue: string): boolean;
  /** May it `verb` on some queue (the cross-queue views, filtered by `can`)? */
  canSome(verb: Verb): boolean;
  /** May it `verb` on every queue (a scope whose pattern is `*`): /metrics. */
  canEvery(verb: Verb): boolean;
  /** Throws 403 unless it may `verb` on the queue. */
  require(verb: Verb, queue: string): void;
}

/** Auth off: every request may do everything. */
export const everything: Grant = {
  keyName: undefined,
  scopes: ["*"],
  can: () => true,
  canSome: () => true,
  canEvery: () => true,
  require: () => undefined,
};

/** A key's grant from its scope texts, which the config loader has already checked. */
export function grantOf(keyName: string, texts: readonly string[]): Grant {
  const scopes = texts.map((text) => parseScope(text) as Scope);
  const granting = (verb: Verb) => scopes.filter((scope) => grants(scope, verb));
  const grant: Grant = {
    keyName,
    scopes: texts,
    can: (verb, queue) => granting(verb).some((scope) => scope.matches(queue)),
    canSome: (verb) => granting(verb).length > 0,
    canEvery: (verb) => granting(verb).some((scope) => scope.pattern === "*"),
    require(verb, queue) {
      if (!grant.can(verb, queue)) throw denied(keyName, verb, `queue ${JSON.stringify(queue)}`);
    },
  };
  return grant;
}

export function denied(keyName: string | undefined, verb: Verb, what: string): PresqueError {
  return new PresqueError(
    "permission_denied",
    `key ${JSON.stringify(keyName)} may not ${verb} ${what} (it needs a ${verb} scope for it)`,
  );
}
