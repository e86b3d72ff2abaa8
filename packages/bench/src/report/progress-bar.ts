/**
 * @module A one-line progress bar on stderr, redrawn in place on a terminal and silent elsewhere (CI logs, pipes).
 */

/**
 * A progress printer; `done()` clears the line.
 * @example const bar = progressBar(process.stderr); bar.update("c=2", 5, 20); bar.done();
 */
export function progressBar(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  return {
    update(label: string, done: number, total: number) {
      if (!tty) return;
      const width = 30;
      const filled = Math.round((done / Math.max(1, total)) * width);
      stream.write(`\r${label.padEnd(16)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} `);
    },
    done() {
      if (tty) stream.write("\r\x1b[2K");
    },
  };
}
