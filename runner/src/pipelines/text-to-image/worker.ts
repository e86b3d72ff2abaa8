/** @module `text-to-image`, worker half: the shared Stable Diffusion worker. */
export { sdWorker as textToImageWorker } from "../stable-diffusion/sd-worker.js";
