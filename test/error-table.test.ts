import { describe, expect, it } from "vitest";
import { toPresqueError } from "../src/errors/error-table.ts";
import { PresqueError } from "../src/errors/presque-error.ts";

describe("Redis errors that mean 'not now'", () => {
  it.each([
    [
      "OOM command not allowed when used memory > 'maxmemory'.",
      "redis is out of memory (maxmemory reached), retry later",
    ],
    ["LOADING Redis is loading the dataset in memory", "redis cannot take writes now (LOADING), retry later"],
    ["BUSY Redis is busy running a script.", "redis cannot take writes now (BUSY), retry later"],
    [
      "READONLY You can't write against a read only replica.",
      "redis cannot take writes now (READONLY), retry later",
    ],
    ["Connection is closed.", "redis is unavailable, retry later"],
  ])("%s is unavailable (503), not an internal error", (message, expected) => {
    const error = toPresqueError(new Error(message));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toBe(expected);
  });

  it("anything else unexpected is internal, and says nothing about it", () => {
    expect(toPresqueError(new Error("ERR wrong number of arguments"))).toMatchObject({
      kind: "internal",
      message: "internal error",
    });
    expect(toPresqueError(new PresqueError("not_found", "x")).kind).toBe("not_found");
  });
});
