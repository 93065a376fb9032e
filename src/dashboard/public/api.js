// The dashboard talks to presque through its public API only: the same REST routes and RPCs, with
// the same checks, as any other client.

/** An answer that was not 2xx; `status` lets callers treat a missing route (404) as "not here". */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** A REST call; resolves with the parsed JSON body (undefined for an empty one). */
export async function rest(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const parsed = text === "" ? undefined : safeJson(text);
  if (!response.ok)
    throw new ApiError(response.status, parsed?.message ?? `${method} ${path}: ${response.status}`);
  return parsed;
}

const safeJson = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A unary Connect call with the JSON codec (plain POST). */
export async function rpc(procedure, request) {
  const response = await fetch(`/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const answer = await response.json();
  if (!response.ok) throw new ApiError(response.status, answer.message ?? procedure);
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
  const response = await fetch(`/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/connect+json" },
    body,
    signal,
  });
  if (!response.ok || !response.body) throw new ApiError(response.status, `${procedure}: ${response.status}`);
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
        if (message.error) throw new ApiError(0, message.error.message ?? message.error.code);
        return;
      }
      onMessage(message);
    }
  }
}
