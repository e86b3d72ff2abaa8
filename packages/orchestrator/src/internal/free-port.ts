/** @module Asks the kernel for a free TCP port on 127.0.0.1 (for runners that cannot report their own). */
import { createServer } from "node:net";

/**
 * A port that was free a moment ago on `host`.
 * @example const port = await freePort(); // 41873
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
