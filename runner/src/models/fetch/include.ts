/**
 * @module `--include` patterns: shell-style wildcards matched against a file's whole path in the repository, as
 * `huggingface_hub`'s `allow_patterns` match (Python's `fnmatch`: `*` also crosses `/`; a pattern ending in `/` means
 * everything under that folder).
 */

/**
 * A matcher for `fnmatch`-style `pattern`: `*` any run of characters (`/` included), `?` one character, `[abc]`,
 * `[a-z]` and `[!abc]` one character of (not of) a set; everything else literal.
 *
 * @example
 * globMatcher("unet/*")("unet/model.onnx_data"); // true
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  const full = pattern.endsWith("/") ? `${pattern}*` : pattern;
  let source = "";
  for (let i = 0; i < full.length; i++) {
    const c = full[i] as string;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[") {
      const end = full.indexOf("]", i + 2);
      if (end === -1) {
        source += "\\[";
        continue;
      }
      let set = full.slice(i + 1, end);
      const negate = set.startsWith("!");
      if (negate) set = set.slice(1);
      source += `[${negate ? "^" : ""}${set.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  const re = new RegExp(`^${source}$`, "s");
  return (path) => re.test(path);
}

/**
 * Keeps the paths that match at least one of `patterns` (all paths when there are none).
 *
 * @example
 * selectPaths(["model_index.json", "unet/model.onnx", "unet/diffusion_pytorch_model.bin"], ["*.json", "*.onnx"]);
 * // ["model_index.json", "unet/model.onnx"]
 */
export function selectPaths(paths: readonly string[], patterns: readonly string[]): string[] {
  if (patterns.length === 0) return [...paths];
  const matchers = patterns.map(globMatcher);
  return paths.filter((p) => matchers.some((m) => m(p)));
}
