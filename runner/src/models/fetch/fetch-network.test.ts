/**
 * @module `models fetch` on a bad network and with a bad server, against a real local Hugging Face-style server:
 * resuming after a dropped or stalled connection and across runs, partial files, a corrupt file, and tokens.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lora, QUICK, requestsOf, stagingLeft, TOKEN, useLocalHubFixtures } from "../../../test/fetch-fixtures.js";
import { readManifest } from "../layout.js";
import { ChecksumError } from "./download-file.js";
import { fetchModel } from "./fetch-model.js";
import { jsonProgress } from "./progress.js";

const f = useLocalHubFixtures();
const { big, esrgan } = f;

describe("a flaky connection", () => {
  it("resumes a file from where the server dropped the connection, with a Range request", async () => {
    const dir = f.modelDir();
    const lines: string[] = [];
    f.hub.cutAfter.set("weights.data", 1_000_000);
    const before = f.hub.requests.length;
    const r = await fetchModel({
      repo: "org/big",
      endpoint: f.hub.endpoint,
      modelDir: dir,
      progress: jsonProgress((l) => lines.push(l)),
      ...QUICK,
    });
    expect(Buffer.compare(readFileSync(join(dir, "org", "big", "weights.data")), big)).toBe(0);
    const gets = requestsOf(f.hub)
      .cdn(before)
      .filter((q) => q.url.startsWith(`/lfs/${createHash("sha256").update(big).digest("hex")}/`));
    expect(gets).toHaveLength(2);
    expect(gets[0]?.range).toBeUndefined();
    const at = Number(/^bytes=(\d+)-$/.exec(gets[1]?.range ?? "")?.[1]);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(1_000_000);
    const retry = lines.map((l) => JSON.parse(l)).find((e) => e.event === "retry");
    expect(retry).toMatchObject({ file: "weights.data", attempt: 1, at });
    expect(r.downloaded).toBe(big.length + esrgan.length);
  });

  it("keeps the partial file when the retries run out, and the next run resumes it", async () => {
    const dir = f.modelDir();
    f.hub.cutAfter.set("weights.data", 1_200_000);
    const first = fetchModel({ repo: "org/big", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK, retries: 0 });
    await expect(first).rejects.toThrow(
      /weights.data: connection lost at byte \d+.*gave up after 1 attempt \(\d+ bytes kept in .*\/\.partial\/weights.data, a new fetch resumes there\)/,
    );
    expect(existsSync(join(dir, "org", "big"))).toBe(false);
    const staging = join(dir, "org", `.fetching-big@${f.hub.commit("org/big", "main")}`);
    const kept = statSync(join(staging, ".partial", "weights.data")).size;
    expect(kept).toBeGreaterThan(0);
    const before = f.hub.requests.length;
    const r = await fetchModel({ repo: "org/big", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    expect(
      requestsOf(f.hub)
        .cdn(before)
        .find((q) => q.range)?.range,
    ).toBe(`bytes=${kept}-`);
    expect(r.downloaded).toBe(big.length - kept);
    expect(Buffer.compare(readFileSync(join(dir, "org", "big", "weights.data")), big)).toBe(0);
    expect(stagingLeft(dir, "org")).toEqual([]);
  });

  it("drops a connection that stops sending and resumes it", async () => {
    const dir = f.modelDir();
    const lines: string[] = [];
    f.hub.stallAfter.set("weights.data", 500_000);
    await fetchModel({
      repo: "org/big",
      endpoint: f.hub.endpoint,
      modelDir: dir,
      progress: jsonProgress((l) => lines.push(l)),
      ...QUICK,
      stallMs: 300,
    });
    expect(Buffer.compare(readFileSync(join(dir, "org", "big", "weights.data")), big)).toBe(0);
    expect(lines.map((l) => JSON.parse(l)).find((e) => e.event === "retry")?.error).toMatch(
      /^cut at byte \d+: no data for 0.3 s$/,
    );
  });
});

describe("partial files", () => {
  it("cannot collide with a repository's files: a repository with model.onnx and model.onnx.part fetches", async () => {
    const dir = f.modelDir();
    const r = await fetchModel({ repo: "org/parts", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    expect(r.pipeline).toBe("upscale");
    expect(Buffer.compare(readFileSync(join(dir, "org", "parts", "model.onnx")), esrgan)).toBe(0);
    expect(readFileSync(join(dir, "org", "parts", "model.onnx.part"), "utf8")).toBe("notes\n");
    expect(stagingLeft(dir, "org")).toEqual([]);
  });

  it("what an interrupted fetch of the same commit left beyond the files to fetch stays out of the model", async () => {
    const dir = f.modelDir();
    const staging = join(dir, "org", `.fetching-big@${f.hub.commit("org/big", "main")}`);
    mkdirSync(join(staging, "old"), { recursive: true });
    writeFileSync(join(staging, "old", "notes.txt"), "from a fetch with other --include patterns\n");
    writeFileSync(join(staging, "weights.data.part"), big.subarray(0, 1000));
    await fetchModel({ repo: "org/big", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    expect(readdirSync(join(dir, "org", "big")).sort()).toEqual(["avs-model.json", "model.onnx", "weights.data"]);
  });
});

describe("a corrupt file", () => {
  it("fails clearly and leaves nothing of the fetch, the earlier version untouched", async () => {
    const dir = f.modelDir();
    await fetchModel({ repo: "org/lora", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    f.hub.corrupt.add("pytorch_lora_weights.safetensors");
    try {
      const failed = fetchModel({
        repo: "org/lora",
        revision: "v2",
        endpoint: f.hub.endpoint,
        modelDir: dir,
        ...QUICK,
      });
      await expect(failed).rejects.toThrow(ChecksumError);
      await expect(
        fetchModel({ repo: "org/lora", revision: "v2", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK }),
      ).rejects.toThrow(
        /pytorch_lora_weights.safetensors: downloaded sha256 [0-9a-f]{64}, the server lists [0-9a-f]{64}; the file is corrupt or changed on the server, so it was discarded/,
      );
      expect(Buffer.compare(readFileSync(join(dir, "org", "lora", "pytorch_lora_weights.safetensors")), lora(1))).toBe(
        0,
      );
      expect((await readManifest(join(dir, "org", "lora")))?.commit).toBe(f.hub.commit("org/lora", "main"));
      expect(stagingLeft(dir, "org")).toEqual([]);
      const fresh = f.modelDir();
      await expect(
        fetchModel({ repo: "org/lora", endpoint: f.hub.endpoint, modelDir: fresh, ...QUICK }),
      ).rejects.toThrow(ChecksumError);
      expect(existsSync(join(fresh, "org", "lora"))).toBe(false);
      expect(stagingLeft(fresh, "org")).toEqual([]);
    } finally {
      f.hub.corrupt.clear();
    }
  });
});

describe("tokens", () => {
  it("401 without a token and with a bad one, saying what to do; the token opens the repository and stays off the CDN", async () => {
    const dir = f.modelDir();
    const base = { repo: "org/private", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK };
    await expect(fetchModel(base)).rejects.toMatchObject({ status: 401 });
    await expect(fetchModel(base)).rejects.toThrow(
      /org\/private needs authentication \(401: Repository not found\); set HF_TOKEN/,
    );
    await expect(fetchModel({ ...base, token: "hf_wrong" })).rejects.toThrow(
      /refused the token in HF_TOKEN for org\/private \(401: Invalid credentials in Authorization header\)/,
    );
    expect(existsSync(join(dir, "org"))).toBe(false);
    const before = f.hub.requests.length;
    await fetchModel({ ...base, token: TOKEN });
    expect(Buffer.compare(readFileSync(join(dir, "org", "private", "adapter_model.safetensors")), lora(1))).toBe(0);
    const seen = f.hub.requests.slice(before);
    expect(seen.filter((q) => q.server === "hub").every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen.filter((q) => q.server === "cdn")).not.toHaveLength(0);
    expect(seen.filter((q) => q.server === "cdn").every((q) => q.authorization === undefined)).toBe(true);
  });

  it("a 401 or 403 from the storage a download is redirected to is the storage's, not the token's or the terms'", async () => {
    const base = { repo: "org/private", endpoint: f.hub.endpoint, token: TOKEN, ...QUICK };
    for (const status of [401, 403]) {
      f.hub.refuse.set("adapter_model.safetensors", status);
      const dir = f.modelDir();
      const failed = await fetchModel({ ...base, modelDir: dir }).catch((e: Error) => e);
      expect(failed).toMatchObject({ status });
      const said = new RegExp(
        `^adapter_model.safetensors: the storage (http://127.0.0.1:\\d+) that ${f.hub.endpoint} redirected the download of org/private to refused it \\(${status}: Request refused\\); HF_TOKEN is never sent there, so neither the token nor a gated repository's terms are the cause: the signed link may have expired`,
      ).exec((failed as Error).message);
      expect(said?.[1]).toMatch(/^http:/);
      expect(said?.[1]).not.toBe(f.hub.endpoint);
      expect(stagingLeft(dir, "org")).toEqual([]);
    }
    f.hub.refuse.set("README.md", 403);
    await expect(
      fetchModel({ repo: "org/lora", endpoint: f.hub.endpoint, modelDir: f.modelDir(), ...QUICK }),
    ).rejects.toThrow(
      /^README.md: access to org\/lora was denied \(403: Request refused\); a gated repository needs its terms accepted/,
    );
  });
});
