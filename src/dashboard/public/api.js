// The dashboard talks to presque through its public API only: the same REST routes and RPCs, with
// the same checks, as any other client. Every call carries the tab's API key, if it has one.
import { storedKey } from "./key-store.js";

/**
 * An answer that was not 2xx; `status` lets callers treat a missing route (404) as "not here",
 * `code` is presque's error code (`permission_denied`, ...), `sentKey` the key the call carried.
 */
export class ApiError extends Error {
  constructor(status, message, code, sentKey) {
    super(message);
    this.status = status;
    this.code = code;
    this.sentKey = sentKey;
  }
}

let unauthenticated = () => undefined;

/** `listener(error)` runs whenever presque answers 401: no key, or one it does not (or no longer) know. */
export function onUnauthenticated(listener) {
  unauthenticated = listener;
}

function keyed(headers) {
  const key = storedKey();
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  return { headers, key };
}

function failure(status, body, fallback, sentKey) {
  const error = new ApiError(status, body?.message ?? fallback, body?.code, sentKey);
  if (status === 401 || error.code === "unauthenticated") unauthenticated(error);
  return error;
}

const safeJson = (text) => {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A REST call; resolves with the parsed JSON body (undefined for an empty one). */
export async function rest(method, path, body) {
  const { headers, key } = keyed({});
  const init = { method, headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const parsed = safeJson(await response.text());
  if (!response.ok) throw failure(response.status, parsed, `${method} ${path}: ${response.status}`, key);
  return parsed;
}

/** A unary Connect call with the JSON codec (plain POST). */
export async function rpc(procedure, request) {
  const { headers, key } = keyed({ "content-type": "application/json" });
  const response = await fetch(`/${procedure}`, { method: "POST", headers, body: JSON.stringify(request) });
  const answer = safeJson(await response.text());
  if (!response.ok) throw failure(response.status, answer, procedure, key);
  return answer;
}

/**
 * A server-streaming Connect call (connect+json over HTTP/1.1): each message is an envelope of
 * one flag byte, a 4-byte big-endian length and the JSON; flag 0x02 marks the end-of-stream
 * envelope, which carries an error when the call failed. Calls onMessage for each message and
 * resolves when the stream ends.
 */
export async function serverStream(procedure, request, onMessage, signal) {
  const json = new TextEncoder().encode(JSON.stringify(request));
  const body = new Uint8Array(5 + json.length);
  new DataView(body.buffer).setUint32(1, json.length);
  body.set(json, 5);
  const { headers, key } = keyed({ "content-type": "application/connect+json" });
  const response = await fetch(`/${procedure}`, { method: "POST", headers, body, signal });
  if (!response.ok || !response.body) {
    const answer = safeJson(await response.text());
    throw failure(response.status, answer, `${procedure}: ${response.status}`, key);
  }
  const reader = response.body.getReader();
  let buffer = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${procedure}: stream ended without an end-of-stream message`);
    const joined = new Uint8Array(buffer.length + value.length);
    joined.set(buffer);
    joined.set(value, buffer.length);
    buffer = joined;
    while (buffer.length >= 5) {
      const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
      if (buffer.length < 5 + length) break;
      const flags = buffer[0];
      const message = JSON.parse(new TextDecoder().decode(buffer.subarray(5, 5 + length)));
      buffer = buffer.slice(5 + length);
      if (flags & 0x02) {
        const error = message.error;
        if (error) throw failure(0, error, error.code ?? procedure, key);
        return;
      }
      onMessage(message);
    }
  }
}
