/**
 * @module The API reference page at `/docs`: one self-contained HTML document (inline CSS, no scripts, no CDN)
 * rendered from the resolved gateway spec, so it is always exactly what the server validates.
 */
import type { OpenApiDocument, OperationObject, SchemaObject } from "@ai-video-subnet/server-kit";

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Inline code spans and paragraphs of the spec's Markdown-ish descriptions, escaped. */
const prose = (s: unknown) =>
  esc(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .split(/\n{2,}/)
    .map((p) => `<p>${p}</p>`)
    .join("");

function flatten(schema: SchemaObject): SchemaObject {
  let out: SchemaObject = {
    ...schema,
    properties: { ...(schema.properties ?? {}) },
    required: [...(schema.required ?? [])],
  };
  for (const part of schema.allOf ?? []) {
    const f = flatten(part);
    out = {
      ...f,
      ...out,
      properties: { ...f.properties, ...out.properties },
      required: [...new Set([...(f.required ?? []), ...(out.required ?? [])])],
    };
  }
  delete out.allOf;
  return out;
}

function typeOf(s: SchemaObject): string {
  if (s.type === "string" && s.format === "binary") return "file";
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? (s.anyOf ? "any of" : "object"));
  return t === "array" && s.items ? `${typeOf(s.items)}[]` : t;
}

function bounds(s: SchemaObject): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (typeof s.exclusiveMinimum === "number") parts.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.minLength === "number") parts.push(`length ≥ ${s.minLength}`);
  if (s.maxLength !== undefined) parts.push(`length ≤ ${s.maxLength}`);
  if (typeof s.pattern === "string") parts.push(`pattern <code>${esc(s.pattern)}</code>`);
  if (typeof s.multipleOf === "number") parts.push(`multiple of ${s.multipleOf}`);
  return parts.join(", ");
}

function fieldsTable(schema: SchemaObject): string {
  const flat = flatten(schema);
  const required = new Set(flat.required ?? []);
  const rows = Object.entries(flat.properties ?? {}).map(([name, raw]) => {
    const s = flatten(raw);
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ""}</td>
<td>${esc(typeOf(s))}</td><td>${s.default === undefined || required.has(name) ? "" : `<code>${esc(JSON.stringify(s.default))}</code>`}</td>
<td>${bounds(s)}</td><td>${prose(s.description)}</td></tr>`;
  });
  return `<table><thead><tr><th>field</th><th>type</th><th>default</th><th>allowed</th><th>description</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>`;
}

function operationSection(path: string, method: string, op: OperationObject): string {
  const id = op.operationId ?? `${method}-${path}`;
  const params = (op.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? "yes" : "no"}</td><td>${prose(
        (p as { description?: string }).description ?? p.schema?.description,
      )}</td></tr>`,
  );
  const body = Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => {
    const examples = Object.values(
      (media as { examples?: Record<string, { summary?: string; value: unknown }> }).examples ?? {},
    );
    return `<h4>Request body <code>${esc(type)}</code></h4>${fieldsTable(media.schema)}${examples
      .map((e) => `<p class="ex">Example: ${esc(e.summary)}</p><pre>${esc(JSON.stringify(e.value, null, 2))}</pre>`)
      .join("")}`;
  });
  const responses = Object.entries(op.responses).map(
    ([status, r]) =>
      `<tr><td class="s${status[0]}">${esc(status)}</td><td>${prose(r.description)}</td><td>${Object.keys(
        r.content ?? {},
      )
        .map((t) => `<code>${esc(t)}</code>`)
        .join(" ")}</td></tr>`,
  );
  const open = Array.isArray(op.security) && op.security.length === 0;
  return `<section id="${esc(id)}"><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>
 — ${esc(op.summary)}${open ? "" : ' <span class="lock">API key</span>'}</h3>${prose(op.description)}
${params.length ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>description</th></tr></thead><tbody>${params.join("")}</tbody></table>` : ""}
${body.join("")}<h4>Responses</h4><table><thead><tr><th>status</th><th>meaning</th><th>content</th></tr></thead><tbody>${responses.join("")}</tbody></table></section>`;
}

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}
nav{position:sticky;top:0;height:100vh;overflow:auto;width:250px;flex:none;background:#f3f5f8;padding:16px;box-sizing:border-box}
nav a{display:block;color:#234;text-decoration:none;padding:2px 0;font-size:14px}main{padding:24px 40px;max-width:1100px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}th,td{border:1px solid #d8dde6;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8}td p{margin:0}code{background:#eef1f5;padding:0 3px;border-radius:3px}pre{background:#1d2330;color:#e8ecf2;padding:10px;overflow:auto}
.m{display:inline-block;min-width:48px;text-align:center;color:#fff;border-radius:4px;padding:0 6px;font-size:13px}
.post{background:#2f7d4a}.get{background:#2d5fa8}.req{color:#b03a2e;font-size:12px}.lock{font-size:12px;color:#7a5b00;background:#fff3c4;padding:1px 6px;border-radius:8px}
section{border-top:1px solid #d8dde6;padding-top:8px}.s2{color:#2f7d4a}.s4{color:#b06a00}.s5{color:#b03a2e}.ex{margin-bottom:0;font-style:italic}`;

/**
 * Renders the reference page of a resolved OpenAPI document.
 * @example const html = renderDocsPage(await loadSpec("gateway"));
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const ops: Array<[string, string, OperationObject]> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) if (op?.responses) ops.push([path, method, op]);
  }
  const nav = ops
    .map(([p, m, op]) => `<a href="#${esc(op.operationId)}"><b>${esc(m.toUpperCase())}</b> ${esc(p)}</a>`)
    .join("");
  const servers = (doc.servers as Array<{ url: string; description?: string }> | undefined) ?? [];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} — reference</title><style>${CSS}</style></head><body>
<nav><strong>${esc(doc.info.title)}</strong><br><small>version ${esc(doc.info.version)}</small><hr>${nav}
<hr><a href="openapi.yaml">openapi.yaml</a> · <a href="openapi.json">openapi.json</a></nav>
<main><h1>${esc(doc.info.title)}</h1>${prose(doc.info.description)}
<p>Errors are <code>{"detail":{"msg":"..."}}</code>, or for invalid requests 422 <code>{"detail":[{"loc":[...],"msg":"...","type":"..."}]}</code>.
Routes marked <span class="lock">API key</span> need <code>Authorization: Bearer &lt;key&gt;</code> when the gateway is configured with keys.</p>
${servers.map((s) => `<p>Server: <code>${esc(s.url)}</code> ${esc(s.description)}</p>`).join("")}
${ops.map(([p, m, op]) => operationSection(p, m, op)).join("\n")}</main></body></html>`;
}
