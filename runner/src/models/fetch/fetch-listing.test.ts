/**
 * @module `models fetch` against a real local hub whose listing is broken or hostile: every bad listing is refused
 * before anything is downloaded, with one message naming the listing's URL and the entry, and no failure leaves a
 * staging folder behind.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { QUICK, stagingLeft, useLocalHubFixtures } from "../../../test/fetch-fixtures.js";
import { fetchModel } from "./fetch-model.js";
import { HubError } from "./hub-api.js";
import { ListingError } from "./listing.js";

const f = useLocalHubFixtures();
type Sibling = Record<string, unknown>;

afterEach(() => f.hub.listing.clear());

/** Fetches org/film (one file, film_net.onnx) with its listing replaced; the error, and what was requested. */
async function refused(listing: string | ((siblings: Sibling[], sha: string) => unknown)) {
  f.hub.listing.set("org/film", listing);
  const dir = f.modelDir();
  const before = f.hub.requests.length;
  const err = await fetchModel({ repo: "org/film", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK }).then(
    () => undefined,
    (e: Error) => e,
  );
  const downloads = f.hub.requests.slice(before).filter((q) => q.url.includes("/resolve/") || q.server === "cdn");
  return { err, downloads, dir };
}

const url = () => `${f.hub.endpoint}/api/models/org/film/revision/main?blobs=true`;
const film = (siblings: Sibling[]) => siblings[0] as Sibling;

describe("a listing entry that cannot be checked", () => {
  it("is refused before any download when it has no size and no hash, naming the file", async () => {
    const { err, downloads, dir } = await refused((siblings, sha) => ({
      sha,
      siblings: [...siblings, { rfilename: "big.json" }],
    }));
    expect(err).toBeInstanceOf(ListingError);
    expect(err?.message).toBe(
      `${f.hub.endpoint} lists big.json of org/film@main with no size and no hash, so its download could not be ` +
        "checked (nor its end known); nothing was fetched. Leave it out with --include, or use a hub that lists " +
        "every file's size and hash (?blobs=true)",
    );
    expect(downloads).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it("is refused with a size but no hash, and with a hash but no size; left out with --include, the rest fetches", async () => {
    const noHash = await refused((siblings, sha) => ({
      sha,
      siblings: [{ ...film(siblings), lfs: undefined, blobId: undefined }],
    }));
    expect(noHash.err?.message).toMatch(
      /lists film_net.onnx of org\/film@main with no hash \(neither lfs.sha256 nor a git blobId\)/,
    );
    const noSize = await refused((siblings, sha) => ({
      sha,
      siblings: [{ ...film(siblings), size: undefined, lfs: { sha256: (film(siblings).lfs as Sibling).sha256 } }],
    }));
    expect(noSize.err?.message).toMatch(/lists film_net.onnx of org\/film@main with no size, so/);
    expect([...noHash.downloads, ...noSize.downloads]).toEqual([]);
    f.hub.listing.set("org/film", (siblings, sha) => ({ sha, siblings: [...siblings, { rfilename: "big.json" }] }));
    const dir = f.modelDir();
    const r = await fetchModel({
      repo: "org/film",
      include: ["*.onnx"],
      endpoint: f.hub.endpoint,
      modelDir: dir,
      ...QUICK,
    });
    expect(r.pipeline).toBe("frame-interpolation");
  });
});

describe("a listing of the wrong shape", () => {
  const cases: Array<[string, string | ((siblings: Sibling[], sha: string) => unknown), RegExp]> = [
    ["a null body", "null", /answered null, not a repository listing \(an object with "sha" and "siblings"\)$/],
    [
      "text that is not JSON",
      "{not json",
      /answered with something that is not JSON \(.*; it begins "\{not json"\): is the endpoint a Hugging Face-style hub\?$/,
    ],
    [
      "a null entry",
      (_s, sha) => ({ sha, siblings: [null] }),
      /lists a file the fetch will not write: siblings\[0\]: null is no file entry$/,
    ],
    [
      "an entry without a path",
      (s, sha) => ({ sha, siblings: [{ ...film(s), rfilename: 7 }] }),
      /siblings\[0\]: "rfilename" is 7, not a path$/,
    ],
    [
      "a negative LFS size",
      (s, sha) => ({ sha, siblings: [{ ...film(s), lfs: { ...(film(s).lfs as Sibling), size: -5 } }] }),
      /siblings\[0\] \("film_net.onnx"\): lfs.size is -5, not a whole number of bytes$/,
    ],
    [
      "a size past any disk (1e309 parses as Infinity)",
      (s, sha) =>
        JSON.stringify({ sha, siblings: [film(s)] })
          .replace(/"size":\d+,"blobId"/, '"size":1e309,"blobId"')
          .replace(/"size":\d+,"pointerSize"/, '"size":1e309,"pointerSize"'),
      /siblings\[0\] \("film_net.onnx"\): lfs.size is Infinity, not a whole number of bytes$/,
    ],
    [
      "a NUL in a name",
      (s, sha) => ({ sha, siblings: [...s, { ...film(s), rfilename: "a/\u0000b.json" }] }),
      /siblings\[1\] \("a\/\\u0000b.json"\): a control character in the path$/,
    ],
    [
      "a name of 300 characters",
      (s, sha) => ({ sha, siblings: [...s, { ...film(s), rfilename: `${"x".repeat(300)}.json` }] }),
      /siblings\[1\] \("x{300}.json"\): a name longer than 255 bytes$/,
    ],
    [
      "a path out of the folder",
      (s, sha) => ({ sha, siblings: [...s, { ...film(s), rfilename: "../../evil.json" }] }),
      /siblings\[1\] \("..\/..\/evil.json"\): an empty, . or .. segment$/,
    ],
    [
      "a path listed twice",
      (s, sha) => ({ sha, siblings: [...s, ...s] }),
      /siblings\[1\] \("film_net.onnx"\): listed twice$/,
    ],
    [
      "a path that is a file and a folder",
      (s, sha) => ({ sha, siblings: [...s, { ...film(s), rfilename: "film_net.onnx/x.json" }] }),
      /lists "film_net.onnx" both as a file and as a folder \("film_net.onnx\/x.json"\); a repository cannot hold both$/,
    ],
    [
      "a hash of the wrong kind",
      (s, sha) => ({ sha, siblings: [{ ...film(s), lfs: { size: 3, sha256: "zz" } }] }),
      /siblings\[0\] \("film_net.onnx"\): lfs.sha256 "zz" is not 64 hex digits$/,
    ],
  ];
  for (const [what, listing, message] of cases) {
    it(`refuses ${what} with the listing's URL, downloading nothing`, async () => {
      const { err, downloads, dir } = await refused(listing);
      expect(err).toBeInstanceOf(ListingError);
      expect(err?.message.startsWith(url())).toBe(true);
      expect(err?.message).toMatch(message);
      expect(downloads).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    });
  }
});

describe("staging after a failure", () => {
  it("is removed after a refusal mid-fetch (a listed file the server does not have), the earlier version kept", async () => {
    const dir = f.modelDir();
    await fetchModel({ repo: "org/film", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    const before = readFileSync(join(dir, "org", "film", "model.onnx"));
    f.hub.listing.set("org/film", (siblings, sha) => ({
      sha,
      siblings: [...siblings, { rfilename: "gone.json", size: 2, blobId: "0".repeat(40) }],
    }));
    const failed = fetchModel({ repo: "org/film", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    await expect(failed).rejects.toThrow(HubError);
    await expect(failed).rejects.toThrow(
      /^gone.json: a file of org\/film was not found \(404: gone.json does not exist\)$/,
    );
    expect(stagingLeft(dir, "org")).toEqual([]);
    expect(Buffer.compare(readFileSync(join(dir, "org", "film", "model.onnx")), before)).toBe(0);
  });
});
