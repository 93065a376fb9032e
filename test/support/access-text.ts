import type { Access } from "../../src/auth/access.ts";

/** How docs/security.md spells an access rule. */
export function accessText(access: Access): string {
  switch (access.kind) {
    case "public":
      return "open";
    case "authenticated":
      return "any key";
    case "queue":
      return `${access.verb} on the queue`;
    case "someQueue":
      return `${access.verb} on some queue (shows only those)`;
    case "everyQueue":
      return `${access.verb} on every queue (\`${access.verb}:*\`)`;
  }
}
