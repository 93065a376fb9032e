import { defaultConfig } from "../config/config.ts";
import { parseJsonText } from "../engine/model/json-text.ts";
import { checkPayloadDepth } from "../engine/model/validate.ts";
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
 * reorder keys). The body must already have parsed as JSON; this only finds boundaries.
 */
export function rawJobsOfBatch(body: string, maxDepth = defaultMaxDepth): string[] {
  // Each job is checked on its own below: the envelope adds two levels to every one of them.
  const parsed = parseJsonBody(body, Number.POSITIVE_INFINITY) as { jobs?: unknown };
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !Array.isArray(parsed.jobs)) {
    throw invalidArgument('body must be {"jobs": [job, ...]}');
  }
  return arrayElements(body, valueStartOf(body, "jobs")).map((job, i) =>
    checkPayloadDepth(job, maxDepth, `jobs[${i}]`),
  );
}

/** The raw text of one member of a top-level JSON object (already parsed and known to be there). */
export function rawValueOf(body: string, member: string): string {
  const start = valueStartOf(body, member);
  return body.slice(start, skipValue(body, start));
}

/** Where the value of a top-level member starts; the last one wins, as in JSON.parse. */
function valueStartOf(body: string, member: string): number {
  let found = -1;
  let i = skipSpace(body, 0) + 1; // past "{"
  for (;;) {
    i = skipSpace(body, i);
    if (body[i] === "}" || i >= body.length) break;
    const keyEnd = skipValue(body, i);
    const key = JSON.parse(body.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(body, skipSpace(body, keyEnd) + 1); // past ":"
    if (key === member) found = valueStart;
    i = skipSpace(body, skipValue(body, valueStart));
    if (body[i] === ",") i++;
  }
  return found;
}

function arrayElements(text: string, start: number): string[] {
  const elements: string[] = [];
  let i = skipSpace(text, start + 1); // past "["
  while (text[i] !== "]") {
    const end = skipValue(text, i);
    elements.push(text.slice(i, end));
    i = skipSpace(text, end);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return elements;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  return i;
}

/** Index just past the JSON value starting at i. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === "{" || first === "[") {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') j = skipString(text, j) - 1;
      else if (c === "{" || c === "[") depth++;
      else if ((c === "}" || c === "]") && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !",}] \t\n\r".includes(text[j] as string)) j++;
  return j;
}

function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}
