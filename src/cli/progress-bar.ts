/** Where the bar is drawn; only a terminal gets one, so logs and pipes stay clean. */
interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A one-line progress bar on stderr, redrawn in place at most ten times a second. With no
 * known total it counts only.
 */
export function createProgressBar(
  label: string,
  total: number | undefined,
  terminal: Terminal = process.stderr,
) {
  let lastDraw = 0;
  const draw = (done: number) => {
    const count = total ? `${done}/${total}` : `${done}`;
    if (!total) return `${label} ${count}`;
    const ratio = Math.min(done / total, 1);
    const width = Math.max(10, Math.min(40, (terminal.columns ?? 80) - label.length - count.length - 12));
    const filled = Math.round(ratio * width);
    return `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${count} ${Math.floor(ratio * 100)}%`;
  };
  return {
    update(done: number) {
      if (!terminal.isTTY || Date.now() - lastDraw < 100) return;
      lastDraw = Date.now();
      terminal.write(`\r${draw(done)}`);
    },
    finish(done: number) {
      if (terminal.isTTY) terminal.write(`\r${draw(done)}\n`);
    },
  };
}
