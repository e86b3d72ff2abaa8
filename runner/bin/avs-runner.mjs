#!/usr/bin/env node
/** @module The `avs-runner` bin shim: runs the built CLI (dist/cli.js; run `pnpm build` in a checkout first). */
import "../dist/cli.js";
