/**
 * @module The `--json` report file: checked before the run, so that a path that cannot be written fails at once rather
 * than after minutes of measuring, and written after it.
 */
import { accessSync, constants, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { BenchReport } from "../bench.js";

/**
 * Throws unless `path` can be written: its directory exists and is writable, and the path is not a directory nor a
 * read-only file. The message names the setting, the path and what is wrong.
 * @example checkJsonFile("/nonexistent/x.json") // throws: json: cannot write /nonexistent/x.json: the directory /nonexistent does not exist
 */
export function checkJsonFile(path: string): void {
  const fail = (why: string, cause?: unknown): never => {
    throw new Error(`json: cannot write ${path}: ${why}`, { cause });
  };
  const dir = dirname(resolve(path));
  const where = statOf(dir);
  if (!where) fail(`the directory ${dir} does not exist`);
  if (!where!.isDirectory()) fail(`${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    fail(`the directory ${dir} is not writable`, err);
  }
  const file = statOf(path);
  if (file?.isDirectory()) fail("it is a directory");
  if (file) {
    try {
      accessSync(path, constants.W_OK);
    } catch (err) {
      fail("the file is not writable", err);
    }
  }
}

/**
 * Writes the report as indented JSON.
 * @example await writeJsonFile("bench.json", report)
 */
export async function writeJsonFile(path: string, report: BenchReport): Promise<void> {
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
