import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createGroupCommit } from "../src/engine/ops/group-commit.ts";

/** The batcher alone, over a commit that records its calls and answers each item with its double. */
function doubling(
  options: { maxItems?: number; maxBytes?: number; refuse?: (queue: string) => boolean } = {},
) {
  const calls: { queue: string; items: number[] }[] = [];
  const group = createGroupCommit<number, number>({
    async commit(queue, items) {
      calls.push({ queue, items: [...items] });
      if (options.refuse?.(queue)) throw new Error(`${queue} refused`);
      return items.map((n) => n * 2);
    },
    maxItems: options.maxItems ?? 1000,
    maxBytes: options.maxBytes ?? Number.POSITIVE_INFINITY,
    sizeOf: (n) => n,
  });
  return { calls, group };
}

describe("group commit", () => {
  it("items of one turn are one call per queue, each answered with its own outcome", async () => {
    const { calls, group } = doubling();
    const outcomes = await Promise.all([group.submit("a", 1), group.submit("b", 2), group.submit("a", 3)]);
    expect(outcomes).toEqual([2, 4, 6]);
    expect(calls).toEqual([
      { queue: "a", items: [1, 3] },
      { queue: "b", items: [2] },
    ]);
  });

  it("sends nothing before the turn ends, and an item of the next turn goes in the next call", async () => {
    const { calls, group } = doubling();
    const first = group.submit("a", 1);
    expect(calls).toEqual([]);
    await nextTurn();
    const second = group.submit("a", 2);
    expect(await Promise.all([first, second])).toEqual([2, 4]);
    expect(calls.map((call) => call.items)).toEqual([[1], [2]]);
  });

  it("a group is cut at maxItems, and before an item that would pass maxBytes, in order", async () => {
    const byCount = doubling({ maxItems: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => byCount.group.submit("a", n)));
    expect(byCount.calls.map((call) => call.items)).toEqual([[1, 2], [3, 4], [5]]);

    const byBytes = doubling({ maxBytes: 10 });
    await Promise.all([4, 5, 6, 20, 1].map((n) => byBytes.group.submit("a", n)));
    expect(byBytes.calls.map((call) => call.items)).toEqual([[4, 5], [6], [20], [1]]);
  });

  it("flush sends a queue's open group at once", async () => {
    const { calls, group } = doubling();
    const pending = group.submit("a", 1);
    group.flush("a");
    group.flush("b"); // nothing open: nothing sent
    expect(calls).toEqual([{ queue: "a", items: [1] }]);
    expect(await pending).toBe(2);
  });

  it("a failed call fails the callers of its group, not those of another queue", async () => {
    const { group } = doubling({ refuse: (queue) => queue === "broken" });
    const settled = await Promise.allSettled([
      group.submit("broken", 1),
      group.submit("fine", 2),
      group.submit("broken", 3),
    ]);
    expect(settled).toEqual([
      { status: "rejected", reason: new Error("broken refused") },
      { status: "fulfilled", value: 4 },
      { status: "rejected", reason: new Error("broken refused") },
    ]);
  });

  it("a commit answering the wrong number of outcomes fails its callers instead of answering wrongly", async () => {
    const group = createGroupCommit<number, number>({
      commit: async () => [1],
      maxItems: 10,
      maxBytes: 100,
      sizeOf: () => 1,
    });
    const settled = await Promise.allSettled([group.submit("a", 1), group.submit("a", 2)]);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected"]);
  });
});
