/**
 * @module Reads a file path into a `File` in Node, Deno and Bun. The file system module is looked up at call time
 * (`process.getBuiltinModule`, else a dynamic import bundlers are told to skip), so browser bundles never pull in
 * Node built-ins and a browser caller gets a clear error instead.
 */

interface FsLike {
  openAsBlob?: (path: string) => Promise<Blob>;
  promises: { readFile(path: string): Promise<Uint8Array>; stat(path: string): Promise<{ isFile(): boolean }> };
}

// A variable, not a literal: bundlers leave `import(FS)` alone instead of trying to resolve Node's fs for the browser.
const FS = "node:fs";

/**
 * Opens `path` as a `File` named after its last segment.
 *
 * @example
 * const file = await readPath("./inputs/cat.png"); // File { name: "cat.png" }
 */
export async function readPath(path: string): Promise<File> {
  // Else read as a relative path: "ENOENT … 'https://…'", or in a browser "paths work in Node…".
  if (/^(https?|data|blob|file):/i.test(path)) {
    throw new TypeError(`${JSON.stringify(path.slice(0, 60))} is a URL, not a file path: fetch it, pass the Blob`);
  }
  const fs = await loadFs();
  if (!fs) {
    throw new TypeError(
      `cannot read the file path "${path}" here: paths work in Node, Deno and Bun; in a browser pass a File or Blob`,
    );
  }
  const name = path.split(/[\\/]/).pop() || "image";
  // openAsBlob reports a missing file as "Unable to open file as blob"; stat names the path and the code (ENOENT).
  if (!(await fs.promises.stat(path)).isFile()) throw new TypeError(`"${path}" is not a file`);
  const blob = fs.openAsBlob ? await fs.openAsBlob(path) : new Blob([(await fs.promises.readFile(path)) as BlobPart]);
  return new File([blob], name);
}

async function loadFs(): Promise<FsLike | undefined> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: object } }).process;
  const builtin = proc?.getBuiltinModule?.(FS) as FsLike | undefined;
  if (builtin) return builtin;
  if (!proc?.versions) return undefined;
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ FS)) as FsLike;
}
