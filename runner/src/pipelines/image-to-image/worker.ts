/** @module `image-to-image`, worker half: the shared Stable Diffusion worker, which then requires `vae_encoder/`. */
export { sdImageWorker as imageToImageWorker } from "../stable-diffusion/sd-worker.js";
