#!/usr/bin/env node
/**
 * @module `npm run demo`: installs and builds the workspace, then runs the main job of the network.
 * The network (runner, orchestrator, broadcaster, SDK) is being built issue by issue; until it is, this says
 * plainly what the demo will do and shows the contracts that exist.
 */
import { install, pnpm } from "./bootstrap.mjs";

install();
pnpm(["turbo", "run", "build", "--output-logs=errors-only"]);
console.log(`
AI Video Subnet demo

What it will do once the network is in place:
  1. install the real ESRGAN weights shipped on npm and generate tiny Stable Diffusion test models
  2. start a broadcaster and two orchestrators, each with its runners
  3. send one job per pipeline through the SDK and write the results to ./demo-output/

What exists now: the contracts in specs/ (runner, orchestrator and gateway APIs), the generated types of
every package and the request validator. Run \`npm test\` to check them.
`);
