// Numbers as an operator reads them.

export const count = (n) => Number(n ?? 0).toLocaleString("en-US");

/** Always per second, as the columns say: slow rates keep two significant digits (0.017). */
export function rate(perSecond) {
  const n = Number(perSecond ?? 0);
  if (n === 0) return "0";
  if (n < 0.1) return String(Number(n.toPrecision(2)));
  return n < 10 ? n.toFixed(2) : n.toFixed(0);
}

export function age(seconds) {
  const s = Math.round(Number(seconds ?? 0));
  if (s === 0) return "–";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export const time = (iso) => (iso ? new Date(iso).toLocaleString() : "");
