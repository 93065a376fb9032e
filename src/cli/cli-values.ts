import { parseDurationMs } from "../common/durations.ts";
import { usageError } from "./cli-error.ts";

/** A duration flag in the syntax REST takes (60s, 2m, 1h30m, 1d, plain seconds), as milliseconds. */
export function durationMs(text: string, option: string): number {
  return parseDurationMs(text.trim(), option, usageError);
}

export function parseCount(text: string, option: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw usageError(`${option} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** The server's priority range, checked here so a typo is a usage error before any request. */
const maxPriority = 1000;

export function parsePriority(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || Math.abs(value) > maxPriority) {
    throw usageError(
      `--priority must be an integer from -${maxPriority} to ${maxPriority}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
