/**
 * @module The bad-input matrix through the public API of a network of real processes: each field wrong, broken
 * and huge files, hostile strings, path tricks in `model_id` and LoRA ids. Every answer must be a 4xx in one of the
 * two error shapes (never a 5xx, never a hang), and afterwards every process is still healthy and serves jobs.
 */

import { form, isAlive, png as makePng, pngClaiming, type Stack, startStack } from "@ai-video-subnet/test-kit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planModels } from "../src/models/model-plan.js";
import { postEarlyAnswer } from "./support/devnet.js";

const UPSCALER = "tiny/esrgan-x4";
const sd = planModels().find((m) => m.pipeline === "text-to-image" && m.modelId.startsWith("tiny/sd"));
const SD = sd?.modelId ?? "tiny/sd-turbo";
const PATH_TRICKS = [
  "../../etc/passwd",
  "/etc/passwd",
  "tiny/../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "tiny/esrgan-x4/../../..",
  "tiny/esrgan-x4\u0000.png",
  "file:///etc/passwd",
  "a".repeat(300),
];

interface Case {
  name: string;
  path: string;
  body: () => Promise<BodyInit> | BodyInit;
  contentType?: string;
  /** Send with node:http, which reads an answer the server gives before it has read the whole body. */
  early?: boolean;
}

const json = (name: string, path: string, value: unknown): Case => ({
  name,
  path,
  body: () => (typeof value === "string" ? value : JSON.stringify(value)),
  contentType: "application/json",
});
const t2i = (name: string, fields: Record<string, unknown>, omit: string[] = []) => {
  const base: Record<string, unknown> = {
    prompt: "a cube",
    model_id: SD,
    width: 64,
    height: 64,
    num_inference_steps: 2,
  };
  for (const k of omit) delete base[k];
  return json(`text-to-image: ${name}`, "/text-to-image", { ...base, ...fields });
};

describe("bad input through the public API", () => {
  let t: Stack;
  let png: Uint8Array;
  const multipart = (name: string, path: string, fields: () => Promise<Record<string, string | Uint8Array>>): Case => ({
    name: `${path.slice(1)}: ${name}`,
    path,
    body: async () => form(await fields()),
  });
  const up = (name: string, fields: () => Promise<Record<string, string | Uint8Array>>) =>
    multipart(name, "/upscale", fields);

  beforeAll(async () => {
    png = makePng(16, 16);
    t = await startStack([
      { pipeline: "upscale", model_id: UPSCALER, warm: true, capacity: 2 },
      ...(sd
        ? [
            { pipeline: "text-to-image", model_id: SD, warm: true, capacity: 1 },
            { pipeline: "image-to-image", model_id: SD, warm: true, capacity: 1 },
          ]
        : []),
    ]);
  });
  afterAll(async () => {
    const left = await t?.close();
    expect(left ?? []).toEqual([]);
  });

  const cases = (): Case[] => [
    // JSON route: the body, then each field wrong.
    json("text-to-image: body is not JSON", "/text-to-image", "{not json"),
    json("text-to-image: empty body", "/text-to-image", ""),
    json("text-to-image: body is an array", "/text-to-image", [1, 2]),
    {
      name: "text-to-image: text/plain body",
      path: "/text-to-image",
      body: () => "prompt=x",
      contentType: "text/plain",
    },
    t2i("prompt missing", {}, ["prompt"]),
    // No model_id: the gateway's default (Livepeer's), which this network does not serve, so a 400 naming it.
    t2i("model_id missing", {}, ["model_id"]),
    t2i("prompt is a number", { prompt: 123 }),
    t2i("prompt longer than 20000", { prompt: "x".repeat(20_001) }),
    t2i("width is a string", { width: "wide" }),
    t2i("width negative", { width: -64 }),
    t2i("width huge", { width: 1_000_000 }),
    t2i("height fractional", { height: 64.5 }),
    t2i("seed is a string", { seed: "abc" }),
    t2i("seed negative", { seed: -1 }),
    t2i("seed beyond 2^64", { seed: 2 ** 70 }),
    t2i("steps zero", { num_inference_steps: 0 }),
    t2i("steps huge", { num_inference_steps: 1_000_000 }),
    t2i("guidance_scale negative", { guidance_scale: -1 }),
    t2i("num_images_per_prompt huge", { num_images_per_prompt: 10_000 }),
    t2i("safety_check is a string", { safety_check: "yes" }),
    // LoRA ids: path tricks and malformed values.
    t2i("loras is not JSON", { loras: "{oops" }),
    t2i("loras is an array", { loras: "[1,2]" }),
    t2i("loras weight negative", { loras: JSON.stringify({ "org/lora": -1 }) }),
    t2i("loras weight is a string", { loras: JSON.stringify({ "org/lora": "heavy" }) }),
    t2i("loras with 5 entries", { loras: JSON.stringify({ a: 1, b: 1, c: 1, d: 1, e: 1 }) }),
    t2i("loras that is not installed", { loras: JSON.stringify({ "nobody/no-such-lora": 0.5 }) }),
    ...PATH_TRICKS.map((id) =>
      t2i(`lora id ${JSON.stringify(id.slice(0, 40))}`, { loras: JSON.stringify({ [id]: 1 }) }),
    ),
    // Multipart route: each field wrong, broken and huge files.
    up("image missing", async () => ({ prompt: "", model_id: UPSCALER })),
    up("image empty", async () => ({ prompt: "", model_id: UPSCALER, image: new Uint8Array(0) })),
    up("image is text", async () => ({ prompt: "", model_id: UPSCALER, image: new TextEncoder().encode("hello") })),
    up("image is a text field", async () => ({ prompt: "", model_id: UPSCALER, image: "not a file" })),
    up("image truncated PNG", async () => ({ prompt: "", model_id: UPSCALER, image: png.subarray(0, 60) })),
    up("image corrupt PNG body", async () => {
      const broken = new Uint8Array(png);
      for (let i = 40; i < broken.length - 12; i++) broken[i] = 0xaa;
      return { prompt: "", model_id: UPSCALER, image: broken };
    }),
    up("image header claims 100000×100000", async () => ({
      prompt: "",
      model_id: UPSCALER,
      image: pngClaiming(100_000, 100_000),
    })),
    up("image 6000×6000 (decompression bomb)", async () => ({
      prompt: "",
      model_id: UPSCALER,
      image: new Uint8Array(
        await sharp({ create: { width: 6000, height: 6000, channels: 3, background: "#808080" } })
          .png()
          .toBuffer(),
      ),
    })),
    up("image is a GIF", async () => ({
      prompt: "",
      model_id: UPSCALER,
      image: new Uint8Array(Buffer.from("R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=", "base64")),
    })),
    up("image is an SVG with a script", async () => ({
      prompt: "",
      model_id: UPSCALER,
      image: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    })),
    {
      ...up("file larger than the upload limit (51 MiB)", async () => ({
        prompt: "",
        model_id: UPSCALER,
        image: new Uint8Array(51 * 1024 * 1024).fill(7),
      })),
      early: true,
    },
    up("seed is a string", async () => ({ prompt: "", model_id: UPSCALER, image: png, seed: "abc" })),
    up("model_id missing", async () => ({ prompt: "", image: png })),
    up("prompt missing", async () => ({ model_id: UPSCALER, image: png })),
    {
      name: "upscale: multipart with a broken boundary",
      path: "/upscale",
      body: () => '--XYZ\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nx\r\n--XYZ',
      contentType: "multipart/form-data; boundary=ABC",
    },
    json("upscale: JSON body on a multipart route", "/upscale", { prompt: "", model_id: UPSCALER }),
    ...(sd
      ? [
          multipart("image missing", "/image-to-image", async () => ({ prompt: "x", model_id: SD })),
          multipart("strength above 1", "/image-to-image", async () => ({
            prompt: "x",
            model_id: SD,
            image: png,
            strength: "2",
          })),
          multipart("image is text", "/image-to-image", async () => ({
            prompt: "x",
            model_id: SD,
            image: new TextEncoder().encode("GIF89a but not really"),
          })),
          multipart("lora id path trick", "/image-to-image", async () => ({
            prompt: "x",
            model_id: SD,
            image: png,
            loras: JSON.stringify({ "../../etc/passwd": 1 }),
          })),
        ]
      : []),
  ];

  // Path tricks in model_id: no orchestrator can offer such a model, and the id itself is malformed.
  const modelIdTricks = (): Case[] => [
    ...PATH_TRICKS.map((id) => t2i(`model_id ${JSON.stringify(id.slice(0, 40))}`, { model_id: id })),
    ...PATH_TRICKS.map((id) =>
      up(`model_id ${JSON.stringify(id.slice(0, 40))}`, async () => ({ prompt: "", model_id: id, image: png })),
    ),
  ];

  it("each field wrong, broken and huge files, LoRA path tricks: a 4xx in the error shape every time", async () => {
    expect(await wrongAnswers(cases())).toEqual([]);
  });

  it("path tricks in model_id: a 4xx in the error shape every time", async () => {
    expect(await wrongAnswers(modelIdTricks())).toEqual([]);
  });

  async function wrongAnswers(list: Case[]): Promise<string[]> {
    const wrong: string[] = [];
    for (const c of list) {
      const headers: Record<string, string> = c.contentType ? { "content-type": c.contentType } : {};
      let status = 0;
      let body: unknown;
      try {
        if (c.early) {
          ({ status, body } = await postEarlyAnswer(
            `${t.net.broadcasterUrl}${c.path}`,
            (await c.body()) as FormData,
            30_000,
          ));
          const problem = checkError(status, body);
          if (problem) wrong.push(`${c.name}: ${problem}`);
          continue;
        }
        const res = await fetch(`${t.net.broadcasterUrl}${c.path}`, {
          method: "POST",
          headers,
          body: await c.body(),
          signal: AbortSignal.timeout(30_000),
        });
        status = res.status;
        const text = await res.text();
        try {
          body = JSON.parse(text);
        } catch {
          body = text.slice(0, 200);
        }
      } catch (err) {
        // A server may close the connection on an oversized upload after answering; that answer must still count.
        wrong.push(`${c.name}: no answer (${(err as Error).message})`);
        continue;
      }
      const problem = checkError(status, body);
      if (problem) wrong.push(`${c.name}: ${problem}`);
    }
    return wrong;
  }

  it("hostile prompts are either served or refused with a 4xx, never a 5xx", async () => {
    const hostile = [
      "\u0000\u0001\u0002",
      "<script>alert(1)</script>",
      "'; DROP TABLE jobs; --",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup string is the hostile input
      "${jndi:ldap://127.0.0.1/a}",
      "\u202e\u2066evil\u2069",
      "🧨".repeat(500),
      "{{7*7}} %s %n %x",
    ];
    const wrong: string[] = [];
    for (const prompt of hostile) {
      const res = await fetch(`${t.net.broadcasterUrl}/upscale`, {
        method: "POST",
        body: form({ prompt, model_id: UPSCALER, image: png }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.json().catch(() => undefined);
      if (res.status !== 200 && checkError(res.status, body)) wrong.push(`${JSON.stringify(prompt)}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("afterwards every process is alive, healthy and serves jobs", async () => {
    for (const pid of t.net.pids()) expect(isAlive(pid)).toBe(true);
    const urls = [t.net.broadcasterUrl, ...t.net.orchestrators.map((o) => o.url)];
    for (const u of urls) expect((await fetch(`${u}/health`)).status).toBe(200);
    for (const o of t.net.orchestrators) {
      for (const r of o.runners.values()) {
        const h = (await (await fetch(`${r.url}/health`)).json()) as { status: string };
        expect(h.status).toBe("OK");
      }
    }
    const ok = await fetch(`${t.net.broadcasterUrl}/upscale`, {
      method: "POST",
      body: form({ prompt: "", model_id: UPSCALER, image: png }),
    });
    expect(ok.status).toBe(200);
  });
});

/** Undefined when `body` is a 4xx in one of the two error shapes; else what is wrong. */
function checkError(status: number, body: unknown): string | undefined {
  if (status < 400 || status > 499) return `status ${status} (want 4xx): ${JSON.stringify(body).slice(0, 300)}`;
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  if (status === 422 && Array.isArray(detail)) {
    const ok = detail.every(
      (d) => Array.isArray(d?.loc) && typeof d?.msg === "string" && d.msg && typeof d?.type === "string",
    );
    return ok ? undefined : `422 detail items need loc, msg, type: ${JSON.stringify(body).slice(0, 300)}`;
  }
  const msg = (detail as { msg?: unknown } | undefined)?.msg;
  return typeof msg === "string" && msg.length > 0
    ? undefined
    : `${status} without {"detail":{"msg"}}: ${JSON.stringify(body).slice(0, 300)}`;
}
