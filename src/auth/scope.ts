/**
 * What an API key may do: scopes like `consume:billing.*`, `produce:mail`, `read:*`, `admin:*` or
 * `*` (everything). The verb is what it may do, the pattern which queues (`*` matches any run of
 * characters, so `billing.*` is every queue whose name starts with `billing.`).
 */
export const verbs = ["produce", "consume", "read", "admin"] as const;
export type Verb = (typeof verbs)[number];

export interface Scope {
  /** undefined: every verb (`*` or `*:pattern`). */
  verb: Verb | undefined;
  /** The queue-name pattern as written. */
  pattern: string;
  matches(queue: string): boolean;
}

const patternSyntax = /^[A-Za-z0-9_.:*-]+$/;

/** A scope from its text, or the sentence that says why the text is not one. */
export function parseScope(text: string): Scope | string {
  const colon = text.indexOf(":");
  const verbText = colon === -1 ? text : text.slice(0, colon);
  const pattern = colon === -1 ? "*" : text.slice(colon + 1);
  if (colon === -1 && verbText !== "*") {
    return `scope ${JSON.stringify(text)} must be <verb>:<queue pattern> (verbs: ${verbs.join(", ")}, *) or *`;
  }
  if (verbText !== "*" && !verbs.includes(verbText as Verb)) {
    return `scope ${JSON.stringify(text)}: unknown verb ${JSON.stringify(verbText)} (known: ${verbs.join(", ")}, *)`;
  }
  if (!patternSyntax.test(pattern)) {
    return `scope ${JSON.stringify(text)}: the queue pattern may hold A-Z a-z 0-9 _ . : - and *`;
  }
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.]/g, "\\."))
      .join(".*")}$`,
  );
  return {
    verb: verbText === "*" ? undefined : (verbText as Verb),
    pattern,
    matches: (queue) => regex.test(queue),
  };
}

/** admin covers read: what a key may change it may also see. */
export function grants(scope: Scope, verb: Verb): boolean {
  return scope.verb === undefined || scope.verb === verb || (verb === "read" && scope.verb === "admin");
}
