/**
 * @module FAKE orchestrator as a bare node:http server, for answers the scripted fake cannot give: an `/info` listing
 * capabilities exactly as given (malformed ones included), and job requests handed to the test as they come
 * (an answer that stops after its headers).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A well-formed capability of `/info`, warm, with 4 free slots and no price. */
export function wellFormed(modelId: string, pipeline = "text-to-image") {
  return {
    pipeline,
    model_id: modelId,
    warm: true,
    capacity: 4,
    in_use: 0,
    price: { price_per_unit: 0, pixels_per_unit: 1 },
  };
}

/** A started bare orchestrator: its `/info` capabilities (changeable) and the job requests it got. */
export interface BareOrchestrator {
  url: string;
  state: { capabilities: unknown[]; jobs: number };
  close(): Promise<void>;
}

/**
 * Starts a bare FAKE orchestrator: `/info` lists `capabilities` as they are; every other request counts as a job
 * and goes to `onJob`, which answers it (or not).
 * @example const o = await startBareOrchestrator([null], (_req, res) => res.writeHead(200).flushHeaders());
 */
export async function startBareOrchestrator(
  capabilities: unknown[],
  onJob: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<BareOrchestrator> {
  const state = { capabilities, jobs: 0 };
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/info") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ version: "bare", hardware: [], capabilities: state.capabilities }));
      return;
    }
    state.jobs += 1;
    req.resume();
    onJob(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
