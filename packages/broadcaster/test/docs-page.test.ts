/**
 * @module `/docs` rendered by headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): the page
 * loads with no network request besides itself, shows every operation, and its navigation links work.
 */

import { describe, expect, it } from "vitest";
import { chromiumAndGateway } from "./support/browser.js";

const { browser, gateway } = chromiumAndGateway();

describe("/docs in Chromium", () => {
  it("renders every operation from the spec with no outside requests", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));
    const res = await page.goto(`${gateway().url}/docs`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe("AI Video Subnet gateway API — reference");
    expect(requests).toEqual([`${gateway().url}/docs`]);
    expect(errors).toEqual([]);
    const headings = await page.locator("section h3").allInnerTexts();
    expect(headings.map((h) => h.split(" — ")[0]!.replace(/\s+/g, " ").trim())).toEqual([
      "POST /text-to-image",
      "POST /image-to-image",
      "POST /image-to-video",
      "POST /upscale",
      "POST /video-upscale",
      "POST /frame-interpolation",
      "GET /jobs/{id}",
      "GET /jobs/{id}/events",
      "POST /jobs/{id}/cancel",
      "POST /image-to-video/result",
      "GET /health",
      "GET /ready",
      "GET /openapi.yaml",
      "GET /openapi.json",
      "GET /docs",
      "GET /metrics",
      "GET /outputs/{name}",
    ]);
    const upscale = page.locator("section#genUpscale");
    await expect(upscale.locator("td code", { hasText: /^image$/ }).isVisible()).resolves.toBe(true);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
    expect(await upscale.locator("tr", { hasText: "num_inference_steps" }).innerText()).toMatch(/integer\s+75/);
    // Layout: the navigation is beside the content, and the content is laid out (not an empty page).
    const nav = await page.locator("nav").boundingBox();
    const main = await page.locator("main").boundingBox();
    expect(nav!.x + nav!.width).toBeLessThanOrEqual(main!.x);
    expect(main!.height).toBeGreaterThan(3000);
    await page.screenshot({ path: `${gateway().dir}/docs.png` });
    await page.close();
  });

  it("navigates to an operation from the sidebar", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${gateway().url}/docs`);
    await page.getByRole("link", { name: "POST /image-to-video", exact: true }).click();
    expect(page.url()).toBe(`${gateway().url}/docs#genImageToVideo`);
    const box = await page.locator("section#genImageToVideo").boundingBox();
    expect(Math.abs(box!.y)).toBeLessThan(50);
    await page.close();
  });
});
