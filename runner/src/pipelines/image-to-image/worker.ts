/** @module `image-to-image`, worker half: the shared Stable Diffusion worker (it needs the folder's `vae_encoder`). */
export { sdWorker as imageToImageWorker } from "../stable-diffusion/sd-worker.js";
