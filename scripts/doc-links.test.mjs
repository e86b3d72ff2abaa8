/**
 * @module The Markdown link check: the repository's own docs have no broken relative link, and the check finds each
 * kind of broken link in a small tree of files written for it (and passes the kinds that are fine).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { brokenLinks, headingSlug, repositoryDocs } from "./doc-links.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dirs = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes `files` (path → text) under a new temp dir and returns it. */
function tree(files) {
  const dir = mkdtempSync(join(tmpdir(), "avs-links-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe("doc links", () => {
  it("finds no broken relative link in the repository's Markdown", () => {
    const docs = repositoryDocs(root);
    expect(docs).toContain("README.md");
    expect(docs).toContain("runner/README.md");
    expect(brokenLinks(root, docs)).toEqual([]);
  });

  it("makes GitHub's anchors from headings", () => {
    expect(headingSlug("The image-to-video → FILM chain (output_fps)")).toBe(
      "the-image-to-video--film-chain-output_fps",
    );
    expect(headingSlug("`POST /frame-interpolation`")).toBe("post-frame-interpolation");
    expect(headingSlug("API keys, rate limits, body limits")).toBe("api-keys-rate-limits-body-limits");
  });

  it("reports missing files and anchors, and passes the links that resolve", () => {
    const dir = tree({
      "README.md": [
        "# Top",
        "## Benchmark",
        "## Benchmark",
        '<a id="which-store"></a>Text.',
        "Good: [a](docs/a.md), [b](docs/a.md#the-part), [c](#benchmark-1), [d](#which-store), [e](docs/),",
        '[f](https://example.com/x.md#nope), [g](<docs/a.md> "title"), [h](#top).',
        "Bad: [m](docs/missing.md), [n](docs/a.md#no-such-part), [o](#benchmark-2).",
        "`[in code](nowhere.md)` is not a link.",
        "```",
        "[in a block](nowhere.md)",
        "```",
      ].join("\n"),
      "docs/a.md": "# A\n\n## The part\n\nBack to [the top](../README.md#top).\n",
    });
    expect(brokenLinks(dir, ["README.md", "docs/a.md"])).toEqual([
      "README.md: docs/missing.md (no file docs/missing.md)",
      'README.md: docs/a.md#no-such-part (no heading or anchor "no-such-part" in docs/a.md)',
      'README.md: #benchmark-2 (no heading or anchor "benchmark-2" in README.md)',
    ]);
  });
});
