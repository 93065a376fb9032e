import { open } from "node:fs/promises";

/** The last lines of a log that may be large (redis.log is never truncated), or "" if unreadable. */
export async function readLogTail(file: string, maxBytes = 4096): Promise<string> {
  try {
    const handle = await open(file, "r");
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - maxBytes);
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - start), 0, size - start, start);
      const text = buffer.subarray(0, bytesRead).toString("utf8");
      // Drop the first, probably partial, line when the read started mid-file.
      return (start > 0 ? text.slice(text.indexOf("\n") + 1) : text).trimEnd();
    } finally {
      await handle.close();
    }
  } catch {
    return "";
  }
}
