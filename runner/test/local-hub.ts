/**
 * @module A local Hugging Face-style file server for tests (node:http on 127.0.0.1, port 0): the hub API's
 * `GET /api/models/{repo}/revision/{rev}` with `siblings` (size, git blob id, LFS sha256), `/{repo}/resolve/{rev}/{path}`
 * serving git files directly and redirecting LFS files to a second server on another origin (a CDN), real `Range`
 * answers (206, 416), bearer tokens for private repositories, and faults on demand: a connection cut after n bytes,
 * a connection that stalls after n bytes, a refusal (with a `Retry-After` if asked), no answer at all, a body sent a
 * byte at a time, a corrupted file, a listing replaced by another body, listings that fail a given number of times
 * before they answer. Every request is logged with the time it arrived.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A repository: its revisions (branch or tag name → files), and whether it needs the token. */
export interface LocalRepo {
  revisions: Record<string, Record<string, Uint8Array>>;
  private?: boolean;
}

/**
 * A refusal with a `Retry-After` header: its status, and the header's value, or a function that makes it when the
 * request arrives (an HTTP-date a moment ahead).
 */
export interface RetryAfterRefusal {
  status: number;
  retryAfter: string | (() => string);
}

/** One request the servers saw. */
export interface SeenRequest {
  server: "hub" | "cdn";
  /** When it arrived (`Date.now()`). */
  at: number;
  url: string;
  range: string | undefined;
  authorization: string | undefined;
}

/** A running local hub. */
export interface LocalHub {
  /** The hub's URL, for `--endpoint` / `HF_ENDPOINT`. */
  endpoint: string;
  /** The commit id a revision resolves to. */
  commit(repo: string, revision: string): string;
  requests: SeenRequest[];
  /** Repository path → bytes after which the next response for that file drops its connection (once). */
  cutAfter: Map<string, number>;
  /** Repository path → bytes after which the next response for that file stops sending, connection open (once). */
  stallAfter: Map<string, number>;
  /** Repository path → its next request gets no answer at all, the connection left open (once). */
  silent: Set<string>;
  /** Repository path → its next request is answered with this status and a JSON error, and a Retry-After if given (once). */
  refuse: Map<string, number | RetryAfterRefusal>;
  /** Repository path → its next response sends one byte every n ms (once). */
  drip: Map<string, number>;
  /** Repository → its listing gets no answer ("silent") or is sent one byte every n ms. */
  listingFault: Map<string, "silent" | number>;
  /**
   * Repository → how its next listing requests fail, one entry each, in order: a status answered with a JSON error
   * (with a `Retry-After` header when given as a `RetryAfterRefusal`), `"cut"` (the connection dropped half-way
   * through the body) or `"silent"` (no answer, the connection left open).
   */
  listingFailures: Map<string, Array<number | RetryAfterRefusal | "cut" | "silent">>;
  /** Repository paths served with one byte changed (their listed size and sha256 stay the true ones). */
  corrupt: Set<string>;
  /**
   * Repository → the listing's body instead of the true one: raw text, or a function of the true `siblings` and
   * commit whose result is sent as JSON (as is when it is a string): a hostile or broken hub.
   */
  listing: Map<string, string | ((siblings: Array<Record<string, unknown>>, sha: string) => unknown)>;
  close(): Promise<void>;
}

const LFS = /\.(onnx|onnx_data|pb|safetensors|bin|data)$/;

function gitOid(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

/**
 * Starts a hub serving `repos` (`{"org/name": {revisions: {main: {"path": bytes}}}}`); `token` opens private ones.
 *
 * @example
 * const hub = await startLocalHub({ "org/m": { revisions: { main: { "model.onnx": bytes } } } });
 * await fetchModel({ repo: "org/m", endpoint: hub.endpoint, modelDir });
 * await hub.close();
 */
export async function startLocalHub(repos: Record<string, LocalRepo>, token?: string): Promise<LocalHub> {
  const requests: SeenRequest[] = [];
  const cutAfter = new Map<string, number>();
  const stallAfter = new Map<string, number>();
  const corrupt = new Set<string>();
  const silent = new Set<string>();
  const drip = new Map<string, number>();
  const refuse: LocalHub["refuse"] = new Map();
  const listingFault: LocalHub["listingFault"] = new Map();
  const listingFailures: LocalHub["listingFailures"] = new Map();
  const listing: LocalHub["listing"] = new Map();
  const commit = (repo: string, revision: string) => createHash("sha1").update(`${repo}@${revision}`).digest("hex");
  const byCommit = new Map<string, Record<string, Uint8Array>>();
  const lfsBlobs = new Map<string, Uint8Array>();
  for (const [repo, r] of Object.entries(repos)) {
    for (const [rev, files] of Object.entries(r.revisions)) {
      byCommit.set(`${repo}@${commit(repo, rev)}`, files);
      for (const [path, bytes] of Object.entries(files)) if (LFS.test(path)) lfsBlobs.set(sha256(bytes), bytes);
    }
  }

  const seen = (server: "hub" | "cdn", req: IncomingMessage) =>
    requests.push({
      server,
      at: Date.now(),
      url: req.url ?? "",
      range: req.headers.range,
      authorization: req.headers.authorization,
    });

  const fail = (res: ServerResponse, status: number, code: string, message: string, retryAfter?: string) => {
    res.writeHead(status, {
      "content-type": "application/json",
      "x-error-code": code,
      "x-error-message": message,
      ...(retryAfter === undefined ? {} : { "retry-after": retryAfter }),
    });
    res.end(JSON.stringify({ error: message }));
  };

  /** Answers a refusal armed as a status or a `RetryAfterRefusal`. */
  const refuseWith = (res: ServerResponse, refusal: number | RetryAfterRefusal) => {
    if (typeof refusal === "number") return fail(res, refusal, "Refused", "Request refused");
    const value = typeof refusal.retryAfter === "function" ? refusal.retryAfter() : refusal.retryAfter;
    fail(res, refusal.status, "Refused", "Request refused", value);
  };

  /** Sends `body` (headers already written) one byte every `ms`, until it is sent or the client has gone. */
  const dripping = (res: ServerResponse, body: Uint8Array, ms: number) => {
    res.flushHeaders();
    let at = 0;
    const timer = setInterval(() => {
      if (res.destroyed || at >= body.length) return void clearInterval(timer);
      res.write(body.subarray(at, ++at));
      if (at === body.length) res.end();
    }, ms);
    res.on("close", () => clearInterval(timer));
  };

  /** Serves `bytes` with Range support and the armed faults for `path`. */
  const serve = (req: IncomingMessage, res: ServerResponse, path: string, original: Uint8Array) => {
    if (silent.delete(path)) return;
    const refusal = refuse.get(path);
    if (refusal !== undefined) {
      refuse.delete(path);
      return refuseWith(res, refusal);
    }
    let bytes = original;
    if (corrupt.has(path)) {
      bytes = Uint8Array.from(original);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff;
    }
    let start = 0;
    let end = bytes.length - 1;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (m) {
      start = Number(m[1]);
      if (m[2]) end = Math.min(Number(m[2]), end);
      if (start >= bytes.length) {
        res.writeHead(416, { "content-range": `bytes */${bytes.length}` });
        return void res.end();
      }
    }
    const body = bytes.subarray(start, end + 1);
    res.writeHead(m ? 206 : 200, {
      "content-type": "application/octet-stream",
      "content-length": body.length,
      "accept-ranges": "bytes",
      ...(m ? { "content-range": `bytes ${start}-${end}/${bytes.length}` } : {}),
    });
    if (req.method === "HEAD") return void res.end();
    const cut = cutAfter.get(path);
    if (cut !== undefined && cut < body.length) {
      cutAfter.delete(path);
      res.write(body.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    const every = drip.get(path);
    if (every !== undefined) {
      drip.delete(path);
      return dripping(res, body, every);
    }
    const stall = stallAfter.get(path);
    if (stall !== undefined && stall < body.length) {
      stallAfter.delete(path);
      res.write(body.subarray(0, stall));
      return;
    }
    res.end(body);
  };

  const cdn = createServer((req, res) => {
    seen("cdn", req);
    const [, sha = "", path = ""] = /^\/lfs\/([0-9a-f]+)\/(.+)$/.exec(req.url ?? "") ?? [];
    const bytes = lfsBlobs.get(sha);
    if (!bytes) return fail(res, 404, "EntryNotFound", "no such object");
    serve(req, res, decodeURIComponent(path), bytes);
  });
  const cdnUrl = await listen(cdn);

  const hub = createServer((req, res) => {
    seen("hub", req);
    const url = new URL(req.url ?? "/", "http://hub");
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repo = api?.[1] ?? resolve?.[1] ?? "";
    const revision = decodeURIComponent(api?.[2] ?? resolve?.[2] ?? "");
    const r = repos[repo];
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `Bearer ${token}`) {
      return fail(res, 401, "Unauthorized", "Invalid credentials in Authorization header");
    }
    if (!r || (r.private && auth === undefined)) return fail(res, 401, "RepoNotFound", "Repository not found");
    const sha = r.revisions[revision] ? commit(repo, revision) : revision;
    const files = byCommit.get(`${repo}@${sha}`);
    if (!files) return fail(res, 404, "RevisionNotFound", `Invalid rev id: ${revision}`);
    if (api) {
      const failure = listingFailures.get(repo)?.shift();
      if (typeof failure === "number" || typeof failure === "object") return refuseWith(res, failure);
      const fault = failure ?? listingFault.get(repo);
      if (fault === "silent") return;
      res.writeHead(200, { "content-type": "application/json" });
      const siblings = Object.entries(files).map(([rfilename, bytes]) => ({
        rfilename,
        size: bytes.length,
        blobId: gitOid(
          LFS.test(rfilename)
            ? Buffer.from(
                `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(bytes)}\nsize ${bytes.length}\n`,
              )
            : bytes,
        ),
        ...(LFS.test(rfilename) ? { lfs: { sha256: sha256(bytes), size: bytes.length, pointerSize: 134 } } : {}),
      }));
      const override = listing.get(repo);
      const body = typeof override === "function" ? override(siblings, sha) : (override ?? { id: repo, sha, siblings });
      const text = typeof body === "string" ? body : JSON.stringify(body);
      if (typeof fault === "number") return dripping(res, Buffer.from(text), fault);
      if (fault === "cut") return void res.write(text.slice(0, text.length >> 1), () => res.socket?.destroy());
      return void res.end(text);
    }
    const path = (resolve?.[3] ?? "").split("/").map(decodeURIComponent).join("/");
    const bytes = files[path];
    if (!bytes) return fail(res, 404, "EntryNotFound", `${path} does not exist`);
    if (LFS.test(path)) {
      res.writeHead(302, {
        location: `${cdnUrl}/lfs/${sha256(bytes)}/${encodeURIComponent(path)}`,
        "x-linked-size": bytes.length,
        "x-linked-etag": `"${sha256(bytes)}"`,
        "x-repo-commit": sha,
      });
      return void res.end();
    }
    serve(req, res, path, bytes);
  });
  const endpoint = await listen(hub);

  return {
    endpoint,
    commit,
    requests,
    cutAfter,
    stallAfter,
    corrupt,
    silent,
    refuse,
    drip,
    listingFault,
    listingFailures,
    listing,
    close: async () => {
      for (const s of [hub, cdn]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
