/**
 * A JSON payload of exactly `bytes` bytes (ASCII), different for every `n` below 10^7:
 * {"to":"someone@example.com","n":"0000042","pad":"xxx…"}.
 */
export function sizedPayload(n: number, bytes: number): Record<string, string> {
  const head = { to: "someone@example.com", n: String(n).padStart(7, "0") };
  const bare = JSON.stringify({ ...head, pad: "" }).length;
  if (bare > bytes) throw new Error(`a payload cannot be smaller than ${bare} bytes`);
  return { ...head, pad: "x".repeat(bytes - bare) };
}
