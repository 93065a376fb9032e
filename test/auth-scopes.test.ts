import { describe, expect, it } from "vitest";
import { digestOf, findDigest, hashSecret, newSecret } from "../src/auth/api-key.ts";
import { grantOf } from "../src/auth/grant.ts";
import { parseScope } from "../src/auth/scope.ts";

const grant = (...texts: string[]) => grantOf("k", texts);

describe("scopes", () => {
  it("match whole queue names, * being any run of characters", () => {
    const billing = grant("consume:billing.*");
    expect(billing.can("consume", "billing.invoices")).toBe(true);
    expect(billing.can("consume", "billing.")).toBe(true);
    expect(billing.can("consume", "billingX")).toBe(false);
    expect(billing.can("consume", "old.billing.x")).toBe(false);
    expect(billing.can("produce", "billing.invoices")).toBe(false);
    expect(grant("produce:mail").can("produce", "mail2")).toBe(false);
    expect(grant("read:*-eu").can("read", "mail-eu")).toBe(true);
  });

  it("* is everything; *:q is every verb on q; admin also reads", () => {
    expect(grant("*").canEvery("admin")).toBe(true);
    const onQ = grant("*:q");
    expect(onQ.can("produce", "q") && onQ.can("admin", "q")).toBe(true);
    expect(onQ.can("read", "r")).toBe(false);
    expect(onQ.canEvery("read")).toBe(false);
    expect(grant("admin:q").can("read", "q")).toBe(true);
    expect(grant("read:q").can("admin", "q")).toBe(false);
  });

  it("are refused with a reason when malformed", () => {
    expect(parseScope("consume")).toMatch(/must be <verb>:<queue pattern>/);
    expect(parseScope("eat:q")).toMatch(/unknown verb "eat"/);
    expect(parseScope("read:a b")).toMatch(/queue pattern may hold/);
    expect(parseScope("read:(a|b)")).toMatch(/queue pattern may hold/);
  });
});

describe("API key secrets", () => {
  it("are 256 random bits, found only by their own hash", () => {
    const [a, b] = [newSecret(), newSecret()];
    expect(a).toMatch(/^pq_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    const digests = [digestOf(hashSecret(a)), digestOf(hashSecret(b))];
    expect(findDigest(a, digests)).toBe(0);
    expect(findDigest(b, digests)).toBe(1);
    expect(findDigest(`${a}x`, digests)).toBe(-1);
  });
});
