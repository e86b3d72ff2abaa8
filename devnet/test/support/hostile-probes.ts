/**
 * @module The probes of the hostile-input audit (`hostile.test.ts`): the hostile requests for each route, a raw
 * node:http sender that sends paths and headers exactly as given, and the rule for what answer is acceptable.
 */
import http from "node:http";
import { PIPELINES, type PipelineEntry } from "@ai-video-subnet/sdk";

const TABLE: readonly PipelineEntry[] = Object.values(PIPELINES);
/** The job routes of the gateway's API, from the spec's pipeline table (so a new pipeline is probed too). */
export const JOB_PATHS: readonly string[] = TABLE.map((p) => p.path);
/** The job routes that take multipart bodies. */
export const MULTIPART_PATHS: ReadonlySet<string> = new Set(
  TABLE.filter((p) => p.body === "multipart").map((p) => p.path),
);
export const TRAVERSALS = [
  "..%2F..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "..%5C..%5Cwindows%5Cwin.ini",
  "%00",
  "a%00.png",
  "....%2F%2F....%2F%2Fetc%2Fpasswd",
  "%252e%252e%252f",
  encodeURIComponent("x".repeat(2000)),
];

export interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

export interface Probe {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Sends a request with node:http, which sends the path, Host and every header exactly as given. */
export function send(base: string, p: Probe): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const body = p.body === undefined ? undefined : Buffer.from(p.body);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: p.method,
        path: p.path,
        agent: false,
        headers: { ...(body ? { "content-length": String(body.length) } : {}), ...p.headers },
        timeout: 30_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer in 30 s")));
    req.on("error", reject);
    req.end(body);
  });
}

/** Undefined when the answer is acceptable for hostile input: a 2xx/3xx, or a 4xx in the error shape. */
export function problemOf(a: Answer, internals: string[]): string | undefined {
  if (a.status >= 500) return `status ${a.status}: ${a.text.slice(0, 300)}`;
  if (a.status < 400) return undefined;
  let body: { detail?: unknown };
  try {
    body = JSON.parse(a.text);
  } catch {
    return `${a.status} is not JSON: ${a.text.slice(0, 200)}`;
  }
  const msgs = Array.isArray(body.detail)
    ? body.detail.map((d: { msg?: unknown; loc?: unknown; type?: unknown }) =>
        Array.isArray(d.loc) && typeof d.type === "string" ? d.msg : undefined,
      )
    : [(body.detail as { msg?: unknown } | undefined)?.msg];
  for (const m of msgs) {
    if (typeof m !== "string" || m.length === 0) return `${a.status} without the error shape: ${a.text.slice(0, 200)}`;
    if (m.length > 1500) return `${a.status} message of ${m.length} characters`;
    for (const secret of internals) if (m.includes(secret)) return `${a.status} names ${secret}: ${m.slice(0, 200)}`;
  }
  return undefined;
}

export const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

/** The battery for one POST route. */
export function postProbes(path: string, auth: Record<string, string>): Probe[] {
  const json = { ...auth, "content-type": "application/json" };
  const probes: Probe[] = [
    { name: "deep JSON 5000", method: "POST", path, headers: json, body: deep(5000) },
    { name: "deep JSON in a field", method: "POST", path, headers: json, body: `{"prompt":${deep(100_000)}}` },
    { name: "deep object", method: "POST", path, headers: json, body: `${'{"a":'.repeat(3000)}1${"}".repeat(3000)}` },
    { name: "JSON array", method: "POST", path, headers: json, body: "[1,2,3]" },
    { name: "JSON null", method: "POST", path, headers: json, body: "null" },
    { name: "broken JSON", method: "POST", path, headers: json, body: '{"prompt": "x' },
    { name: "empty body", method: "POST", path, headers: json, body: "" },
    {
      name: "wrong types",
      method: "POST",
      path,
      headers: json,
      body: JSON.stringify({ prompt: [1], width: "x", seed: {} }),
    },
    {
      name: "huge string field",
      method: "POST",
      path,
      headers: json,
      body: JSON.stringify({ prompt: "x".repeat(900_000) }),
    },
    { name: "over the JSON limit", method: "POST", path, headers: json, body: "x".repeat(2 * 1024 * 1024) },
    { name: "gzip body", method: "POST", path, headers: { ...json, "content-encoding": "gzip" }, body: "{}" },
    { name: "br body", method: "POST", path, headers: { ...json, "content-encoding": "br, gzip" }, body: "{}" },
    { name: "text/plain", method: "POST", path, headers: { ...auth, "content-type": "text/plain" }, body: "hi" },
    { name: "no content type", method: "POST", path, headers: auth, body: "{}" },
    {
      name: "content type with a huge parameter",
      method: "POST",
      path,
      headers: { ...auth, "content-type": `multipart/form-data; boundary=${"b".repeat(4000)}` },
      body: "--x",
    },
    {
      name: "multipart without boundary",
      method: "POST",
      path,
      headers: { ...auth, "content-type": "multipart/form-data" },
      body: "--x\r\n",
    },
    {
      name: "multipart truncated",
      method: "POST",
      path,
      headers: { ...auth, "content-type": "multipart/form-data; boundary=zz" },
      body: '--zz\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\n\r\n\x89PNG',
    },
    {
      name: "bad X-Request-Id",
      method: "POST",
      path,
      headers: { ...json, "x-request-id": "\u00ff".repeat(10) },
      body: "{}",
    },
    {
      name: "garbage Authorization",
      method: "POST",
      path,
      headers: { ...json, authorization: "Bearer \u00e9\u00e9" },
      body: "{}",
    },
    {
      name: "Prefer respond-async junk",
      method: "POST",
      path,
      headers: { ...json, prefer: "respond-async, wait=-1" },
      body: "{}",
    },
  ];
  return probes;
}

/** GET probes: hostile path parameters and headers. */
export function getProbes(paths: string[], auth: Record<string, string>): Probe[] {
  const probes: Probe[] = [];
  for (const path of paths) {
    probes.push({ name: "plain", method: "GET", path, headers: auth });
    probes.push({ name: "evil Host", method: "GET", path, headers: { ...auth, host: "evil.example" } });
    probes.push({ name: "empty Host", method: "GET", path, headers: { ...auth, host: "" } });
    probes.push({
      name: "forwarded",
      method: "GET",
      path,
      headers: { ...auth, "x-forwarded-host": "evil.example", "x-forwarded-for": "1.2.3.4" },
    });
    probes.push({ name: "huge header", method: "GET", path, headers: { ...auth, "x-junk": "j".repeat(12_000) } });
    probes.push({ name: "DELETE", method: "DELETE", path, headers: auth });
    probes.push({
      name: "PUT with body",
      method: "PUT",
      path,
      headers: { ...auth, "content-type": "application/json" },
      body: deep(5000),
    });
  }
  return probes;
}

export function paramPaths(templates: string[]): string[] {
  return templates.flatMap((t) => TRAVERSALS.map((x) => t.replace(/\{[^}]+\}/, x)));
}
