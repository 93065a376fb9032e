import { defaultConfig } from "../config/config.ts";
import { parseJsonText } from "../engine/model/json-text.ts";
import { closingQuote, payloadTooDeep } from "../engine/model/validate.ts";
import { invalidArgument } from "../errors/presque-error.ts";

/** For bodies that are not jobs (control, dead letters, workers): the default payload depth. */
const defaultMaxDepth = defaultConfig.limits.maxPayloadDepth;

/**
 * Parses a request body as JSON, with a clear error. Any content type is accepted: curl -d sends
 * a form content type, and whatever parses as JSON is a job. A body nested deeper than maxDepth
 * is refused before anything walks it: RPC clients could not decode it as a job.
 */
export function parseJsonBody(body: string, maxDepth = defaultMaxDepth): unknown {
  return parseJsonText(body, "body", maxDepth);
}

/** Strict UTF-8: a malformed byte is a 400, not a U+FFFD silently stored in the job. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function utf8Text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidArgument("body is not valid UTF-8");
  }
}

/**
 * The raw text of each element of the `jobs` array of a `{"jobs": [...]}` body, so that batch
 * jobs are stored byte for byte like single ones (JSON.parse would round big integers and
 * reorder keys). The body is parsed once, to check it is JSON; one scan then finds the elements
 * and the depth of each.
 */
export function rawJobsOfBatch(body: string, maxDepth = defaultMaxDepth): string[] {
  // Each job is checked on its own below: the envelope adds two levels to every one of them.
  const parsed = parseJsonBody(body, Number.POSITIVE_INFINITY) as { jobs?: unknown };
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !Array.isArray(parsed.jobs)) {
    throw invalidArgument('body must be {"jobs": [job, ...]}');
  }
  const jobs: string[] = [];
  let i = skipSpace(body, valueStartOf(body, "jobs") + 1); // past "["
  while (body.charCodeAt(i) !== 0x5d) {
    const end = skipValue(body, i, maxDepth);
    if (end < 0) throw payloadTooDeep(`jobs[${jobs.length}]`, maxDepth);
    jobs.push(body.slice(i, end));
    i = skipSpace(body, end);
    if (body.charCodeAt(i) === 0x2c) i = skipSpace(body, i + 1);
  }
  return jobs;
}

/** The raw text of one member of a top-level JSON object (already parsed and known to be there). */
export function rawValueOf(body: string, member: string): string {
  const start = valueStartOf(body, member);
  return body.slice(start, skipValue(body, start, Number.POSITIVE_INFINITY));
}

/** Where the value of a top-level member starts; the last one wins, as in JSON.parse. */
function valueStartOf(body: string, member: string): number {
  let found = -1;
  let i = skipSpace(body, 0) + 1; // past "{"
  for (;;) {
    i = skipSpace(body, i);
    if (body.charCodeAt(i) === 0x7d || i >= body.length) break;
    const keyEnd = closingQuote(body, i) + 1;
    const key = JSON.parse(body.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(body, skipSpace(body, keyEnd) + 1); // past ":"
    if (key === member) found = valueStart;
    i = skipSpace(body, skipValue(body, valueStart, Number.POSITIVE_INFINITY));
    if (body.charCodeAt(i) === 0x2c) i++;
  }
  return found;
}

/** Space, tab, line feed, carriage return: JSON's whitespace. */
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the JSON value starting at i, or -1 when it nests deeper than maxDepth. */
function skipValue(text: string, i: number, maxDepth: number): number {
  const first = text.charCodeAt(i);
  if (first === 0x22) return closingQuote(text, i) + 1;
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) j = closingQuote(text, j);
      else if (c === 0x7b || c === 0x5b) {
        if (++depth > maxDepth) return -1;
      } else if ((c === 0x7d || c === 0x5d) && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let j = i;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c)) break;
  }
  return j;
}
