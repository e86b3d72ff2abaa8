/** @module A headless Chromium and a gateway, started before a test file's tests and stopped after them. */
import { chromiumLaunchOptions } from "@ai-video-subnet/test-kit";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startBroadcaster, type TestBroadcaster } from "./broadcaster.js";

/**
 * Debian's Chromium (through playwright-core) and a silent test gateway for the enclosing file or describe block;
 * `browser()` and `gateway()` are there once `beforeAll` has run.
 * @example const { browser, gateway } = chromiumAndGateway(); // in a test: await browser().newPage()
 */
export function chromiumAndGateway(): { browser: () => Browser; gateway: () => TestBroadcaster } {
  let browser: Browser | undefined;
  let t: TestBroadcaster | undefined;
  beforeAll(async () => {
    t = await startBroadcaster({ logLevel: "silent" });
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("chromiumAndGateway: used before beforeAll ran");
    return v;
  };
  return { browser: () => started(browser), gateway: () => started(t) };
}
