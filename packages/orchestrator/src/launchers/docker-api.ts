/**
 * @module A minimal Docker Engine API client over the daemon's unix socket (API v1.41+): JSON calls and the
 * multiplexed log stream. Only what the docker launcher needs.
 */
import { request } from "node:http";

/** An error answer of the Docker daemon. */
export class DockerApiError extends Error {
  readonly status: number;
  /** The daemon's own message (`could not select device driver …`), without the call. */
  readonly detail: string;
  constructor(method: string, path: string, status: number, message: string) {
    super(`docker ${method} ${path.split("?")[0]}: ${status} ${message}`);
    this.name = "DockerApiError";
    this.status = status;
    this.detail = message;
  }
}

/**
 * Talks to one Docker daemon.
 * @example
 * const docker = new DockerApi("/var/run/docker.sock");
 * const { Version } = await docker.json("GET", "/version");
 */
export class DockerApi {
  readonly socketPath: string;

  constructor(socketPath = "/var/run/docker.sock") {
    this.socketPath = socketPath;
  }

  /** One JSON call; resolves with the parsed body (undefined for empty bodies), rejects with {@link DockerApiError}. */
  json<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {},
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            const status = res.statusCode ?? 0;
            if (status >= 400) {
              let message = text.trim();
              try {
                message = (JSON.parse(text) as { message?: string }).message ?? message;
              } catch {}
              reject(new DockerApiError(method, path, status, message));
              return;
            }
            try {
              resolve((text ? JSON.parse(text) : undefined) as T);
            } catch {
              resolve(text as T);
            }
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`docker ${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /**
   * Follows a container's output (`stdout` and `stderr`, demultiplexed) until it ends.
   * @example docker.followLogs(id, (stream, chunk) => process.stdout.write(chunk))
   */
  followLogs(id: string, onChunk: (stream: "stdout" | "stderr", chunk: Buffer) => void): { close(): void } {
    const req = request(
      {
        socketPath: this.socketPath,
        method: "GET",
        path: `/containers/${id}/logs?follow=1&stdout=1&stderr=1`,
      },
      (res) => {
        let buf = Buffer.alloc(0);
        res.on("data", (c: Buffer) => {
          buf = Buffer.concat([buf, c]);
          // Each frame: 1 byte stream (1 stdout, 2 stderr), 3 zero bytes, 4 bytes big-endian length, payload.
          while (buf.length >= 8) {
            const size = buf.readUInt32BE(4);
            if (buf.length < 8 + size) break;
            onChunk(buf[0] === 2 ? "stderr" : "stdout", buf.subarray(8, 8 + size));
            buf = buf.subarray(8 + size);
          }
        });
        res.on("error", () => {});
      },
    );
    req.on("error", () => {});
    req.end();
    return { close: () => req.destroy() };
  }

  /** Resolves true when the daemon answers `/_ping`. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    try {
      await this.json("GET", "/_ping", undefined, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }
}
