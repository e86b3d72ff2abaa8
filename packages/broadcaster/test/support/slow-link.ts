/**
 * @module FAKE slow orchestrator: an HTTP proxy on 127.0.0.1 that forwards each job (a POST) to a target after a fixed
 * delay, recording the request ids it saw; other requests (`/info`, `/health`) pass at once, so discovery sees it as
 * reachable whatever the delay. It stands in for a distant or slower orchestrator (which this one machine cannot
 * have) in front of a real one.
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/** A started slow link. */
export interface SlowLink {
  url: string;
  /** Request ids of the job requests that passed through. */
  requestIds: string[];
  close(): Promise<void>;
}

/**
 * Starts a proxy to `target` adding `delayMs` before each job request.
 * @example const link = await startSlowLink("http://127.0.0.1:8935", 150);
 */
export async function startSlowLink(target: string, delayMs: number): Promise<SlowLink> {
  const to = new URL(target);
  const requestIds: string[] = [];
  const server = createServer((req, res) => {
    const job = req.method === "POST";
    if (job && typeof req.headers["x-request-id"] === "string") {
      requestIds.push(req.headers["x-request-id"]);
    }
    setTimeout(
      () => {
        const up = request(
          { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on("error", () => res.destroy());
        req.pipe(up);
      },
      job ? delayMs : 0,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestIds,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
