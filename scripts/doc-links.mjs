#!/usr/bin/env node
/**
 * @module The repository's Markdown links, checked: every relative link names a file that exists, and every
 * `#anchor` one of the target's headings (GitHub's rule: lower case, punctuation dropped, spaces to hyphens, `-1`,
 * `-2` … for repeats) or an explicit `<a id="…">`. Code blocks and inline code are skipped; absolute URLs are not
 * fetched. Run by `npm test` (doc-links.test.mjs); `node scripts/doc-links.mjs` prints what is broken.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The anchor GitHub gives a heading's text. @example headingSlug("The image-to-video → FILM chain") // "the-image-to-video--film-chain" */
export function headingSlug(text) {
  return text
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The text of a Markdown file without fenced code blocks and inline code, where links are not links. */
function prose(text) {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "")
    .replace(/`[^`\n]*`/g, (code) => (code.includes("](") ? "" : code));
}

/** The anchors of a Markdown file: its headings' slugs (repeats numbered) and its explicit `<a id>`/`<a name>`. */
export function anchorsOf(text) {
  const anchors = new Set();
  const seen = new Map();
  const body = prose(text);
  for (const m of body.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = headingSlug(m[1].replace(/`/g, ""));
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n ? `${slug}-${n}` : slug);
  }
  for (const m of body.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

/**
 * The broken relative links of the given Markdown files (paths relative to `root`), as `file: link (why)` lines.
 * @example brokenLinks("/repo", ["README.md"]) // ["README.md: docs/x.md#y (no heading or anchor \"y\" in docs/x.md)"]
 */
export function brokenLinks(root, files) {
  const cache = new Map();
  const anchors = (path) => {
    if (!cache.has(path)) cache.set(path, anchorsOf(readFileSync(path, "utf8")));
    return cache.get(path);
  };
  const broken = [];
  for (const file of files) {
    const path = resolve(root, file);
    for (const m of prose(readFileSync(path, "utf8")).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const link = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      const hash = link.indexOf("#");
      const target = hash === -1 ? link : link.slice(0, hash);
      const anchor = hash === -1 ? "" : decodeURIComponent(link.slice(hash + 1));
      const targetPath = target ? resolve(dirname(path), decodeURIComponent(target)) : path;
      const shown = relative(root, targetPath);
      if (!existsSync(targetPath)) broken.push(`${file}: ${link} (no file ${shown})`);
      else if (
        anchor &&
        statSync(targetPath).isFile() &&
        targetPath.endsWith(".md") &&
        !anchors(targetPath).has(anchor)
      )
        broken.push(`${file}: ${link} (no heading or anchor "${anchor}" in ${shown})`);
    }
  }
  return broken;
}

/** The repository's own Markdown files (git's list; generated changelogs and pending changesets left out). */
export function repositoryDocs(root) {
  return execFileSync("git", ["ls-files", "-z", "*.md"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && !f.startsWith(".changeset/") && !f.endsWith("CHANGELOG.md"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const broken = brokenLinks(root, repositoryDocs(root));
  for (const line of broken) console.log(line);
  console.log(`${broken.length} broken link(s)`);
  process.exit(broken.length ? 1 : 0);
}
