/**
 * Generated from specs/gateway.yaml by `avs-codegen` (openapi-typescript). Do not edit by hand:
 * change the spec and run `pnpm generate`.
 */

export interface paths {
    "/text-to-image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Text To Image
         * @description Generate images from text prompts.
         */
        post: operations["genTextToImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/image-to-image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Image To Image
         * @description Apply image transformations to a provided image.
         */
        post: operations["genImageToImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/image-to-video": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Image To Video
         * @description Generate a video from a provided image. The result is one H.264 mp4, as the single entry of `images`. With `output_fps` above `fps` (our extension), an orchestrator that also serves a frame-interpolation model interpolates the frames to that rate with FILM, e.g. 14 frames at 7 fps → 48 frames at 24 fps, about 2 s.
         */
        post: operations["genImageToVideo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/upscale": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upscale
         * @description Upscale an image by increasing its resolution.
         */
        post: operations["genUpscale"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/video-upscale": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Video Upscale
         * @description Upscale every frame of a video with an ESRGAN model (our extension). The result is one H.264 mp4 with the same frame count, frame rate, timestamps and audio, as the single entry of `images`. Long videos suit `Prefer: respond-async` (progress per frame on the job's event stream).
         */
        post: operations["genVideoUpscale"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/frame-interpolation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Frame Interpolation
         * @description Raise the frame rate of a video, or make a clip from two images, with a FILM model (our extension): a target `output_fps`, a `multiplier` or FILM's `times_to_interpolate`. The result is one H.264 mp4 of the same duration, as the single entry of `images`. Long videos suit `Prefer: respond-async` (progress per output frame on the job's event stream).
         */
        post: operations["genFrameInterpolation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Job
         * @description The job as it is now: status, progress, and when it ended its result (exactly the synchronous route's answer) or its error. Any gateway sharing the job store answers for any job.
         */
        get: operations["getJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Job events
         * @description The job's events as Server-Sent Events, from its first (or after `Last-Event-ID`) to its end, then the stream closes. `status` (data: the Job) when it is queued or starts; `progress` (data: JobProgress) per denoising step or frame when the orchestrator reports them; `result` (data: the Job in its final state: succeeded, failed or cancelled) last. Every event has an `id:` (its sequence number in the job), so a client that reconnects with `Last-Event-ID` misses nothing and sees nothing twice, except that one naming the `result`'s id or a later one gets the `result` again (so it learns how the job ended). A comment line is sent every 15 s while nothing happens, so proxies keep the connection open. Read it with `fetch` when you need the bearer header (browsers' `EventSource` cannot send one). One API key (without API keys, all callers together) may have up to `jobs-max-streams-per-key` streams open on one gateway (default 100); past it the request is a 429 with `Retry-After`, and `GET /jobs/{id}` still answers.
         */
        get: operations["getJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel job
         * @description Cancels the job. A queued job is cancelled at once (200). A running job gets `cancel_requested` (202): the gateway running it (any gateway sharing the job store) closes its call to the orchestrator, which stops the runner at its next step and frees the slot; the job then ends `cancelled` (or `succeeded`, if it finished first). Cancelling a cancelled job answers 200 again; a job that succeeded or failed cannot be cancelled (409).
         */
        post: operations["cancelJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/image-to-video/result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Image To Video result (Livepeer's asynchronous flow)
         * @description Livepeer's gateway's older way to wait for a video: `POST /image-to-video` with `Prefer: respond-async` answers 202 with a `request_id`, and this route answers 202 `{"status": "processing"}` until the job ends, then 200 `{"status": "complete", "result": …}` with the synchronous route's answer, or with `{"error": {"message", "status"}}` when the job failed or was cancelled. `request_id` is the 202's `request_id` (the newest job of yours sent with it) or its job `id`. It reads the same asynchronous job as `GET /jobs/{id}`, which also tells its progress; any gateway sharing the job store answers. Only image-to-video jobs are read here.
         */
        post: operations["getImageToVideoResult"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health
         * @description `OK` once the gateway serves requests.
         */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Whether jobs can be served: 200 when at least one orchestrator answers `/info` and advertises a capability, 503 saying what is missing otherwise (no orchestrator configured, none reachable, or none advertising anything). `/health` only says the process is up; use `/ready` for load balancers and orchestration readiness probes.
         */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OpenAPI document
         * @description This API's OpenAPI 3.1 document, with the shared components inlined.
         */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OpenAPI document (JSON)
         * @description The same document as `/openapi.yaml`, as JSON, for tools that read only JSON.
         */
        get: operations["getOpenApiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * API reference
         * @description A rendered reference page of this API.
         */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Metrics
         * @description Prometheus metrics in the text exposition format. Served to loopback clients only, unless the server has a `metrics-token`: then to any client that sends it as `Authorization: Bearer <token>`.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/outputs/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Output
         * @description A stored result, by the unguessable name in a job's media URL, until its retention time ends. One byte range of it may be asked for with `Range` (206 with only those bytes): browsers seek in videos so, and Safari plays an mp4 only from a server that answers ranges. `HEAD` answers GET's headers without the body (and reads none of the output; a `Range` is ignored on it).
         */
        get: operations["getOutput"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Which job to read (Livepeer's `ImageToVideoResultRequest`). */
        ImageToVideoResultRequest: {
            /** @description The `request_id` or the `id` of the 202 that `POST /image-to-video` with `Prefer: respond-async` answered. */
            request_id: string;
        };
        /** @description Livepeer's `ImageToVideoResultResponse`. */
        ImageToVideoResultResponse: {
            /**
             * @description `processing` while the job is queued or running; `complete` once it succeeded, failed or was cancelled.
             * @enum {string}
             */
            status: "processing" | "complete";
            /** @description Only when `complete`: the synchronous route's answer (`images`, one mp4), or `error` when the job failed or was cancelled. */
            result?: {
                images?: components["schemas"]["Media"][];
                error?: {
                    /** @description What went wrong (the `detail.msg` the synchronous route would have answered). */
                    message: string;
                    /** @description The HTTP status the synchronous route would have answered (our extension); 499 when cancelled. */
                    status: number;
                };
            };
        };
        /** @description What the gateway can reach. */
        Readiness: {
            /** @enum {string} */
            status: "OK";
            /** @description Orchestrators configured or discovered. */
            orchestrators: number;
            /** @description Orchestrators whose last `/info` poll answered. */
            reachable: number;
            /** @description Distinct pipeline + model pairs the reachable orchestrators advertise. */
            capabilities: number;
        };
        /**
         * @description Hugging Face-style model ID used for generation. A runner serves one model: when non-empty it must equal the loaded model. An orchestrator requires it. A gateway runs its default model for the pipeline when it is absent or empty (see each gateway route).
         * @default
         */
        ModelId: string;
        /**
         * @description A JSON object of LoRA ids and weights, as a string, e.g. `{"latent-consistency/lcm-lora-sdxl": 1.0}`. At most 4 entries; weights are numbers from 0 to 100 (1 is the LoRA as trained). An id is `name` or `org/name` (letters, digits, `_`, `-`, `.`), the folder of a LoRA installed in the runner's models directory; an id that names no LoRA, a file over the runner's `MAX_LORA_BYTES` or a LoRA for another base model is a 400.
         * @default
         */
        Loras: string;
        /** @description Text prompt(s) to guide image generation. */
        Prompt: string;
        /** @description The height in pixels of the generated image; must be a multiple of 8. */
        Height: number;
        /** @description The width in pixels of the generated image; must be a multiple of 8. */
        Width: number;
        /**
         * @description Encourages model to generate images closely linked to the text prompt (higher values may reduce image quality).
         * @default 7.5
         */
        GuidanceScale: number;
        /**
         * @description Text prompt(s) to guide what to exclude from image generation. Ignored if guidance_scale < 1.
         * @default
         */
        NegativePrompt: string;
        /**
         * @description Perform a safety check to estimate if generated images could be offensive or harmful.
         * @default true
         */
        SafetyCheck: boolean;
        /** @description Seed for random number generation. Image *i* of a request uses `seed + i`; drawn at random when absent. */
        Seed: number;
        /**
         * @description Number of images to generate per prompt.
         * @default 1
         */
        NumImagesPerPrompt: number;
        TextToImageParams: {
            model_id?: components["schemas"]["ModelId"];
            loras?: components["schemas"]["Loras"];
            prompt: components["schemas"]["Prompt"];
            /** @default 576 */
            height?: components["schemas"]["Height"];
            /** @default 1024 */
            width?: components["schemas"]["Width"];
            guidance_scale?: components["schemas"]["GuidanceScale"];
            negative_prompt?: components["schemas"]["NegativePrompt"];
            safety_check?: components["schemas"]["SafetyCheck"];
            seed?: components["schemas"]["Seed"];
            /**
             * @description Number of denoising steps. More steps usually lead to higher quality images but slower inference.
             * @default 50
             */
            num_inference_steps?: number;
            num_images_per_prompt?: components["schemas"]["NumImagesPerPrompt"];
        };
        /** @description A media object containing information about the generated media. */
        Media: {
            /** @description The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway. */
            url: string;
            /** @description The seed used to generate the media. */
            seed: number;
            /** @description Whether the media was flagged as NSFW (always false when no safety checker is installed). */
            nsfw: boolean;
        };
        /** @description Response model for image generation. */
        ImageResponse: {
            /** @description The generated images. */
            images: components["schemas"]["Media"][];
        };
        /**
         * @description `queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`.
         * @enum {string}
         */
        JobStatus: "queued" | "running" | "succeeded" | "failed" | "cancelled";
        /** @enum {string} */
        Pipeline: "text-to-image" | "image-to-image" | "image-to-video" | "upscale" | "video-upscale" | "frame-interpolation";
        /**
         * @description How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.
         * @example {
         *       "stage": "denoise",
         *       "step": 3,
         *       "total": 25,
         *       "fraction": 0.12
         *     }
         */
        JobProgress: {
            fraction: number;
            /** @description The loop that reported this step. */
            stage?: string;
            /** @description Steps of `stage` done. */
            step?: number;
            /** @description Steps of `stage` in all. */
            total?: number;
        };
        /** @description API error response model. */
        APIError: {
            /** @description The error message. */
            msg: string;
        };
        ValidationError: {
            /** @description Where the error is, e.g. `["body", "height"]`. */
            loc: (string | number)[];
            /** @description What is wrong and what is allowed. */
            msg: string;
            /** @description A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`. */
            type: string;
        };
        /**
         * @description Why a job failed: the status and `detail` the synchronous route would have answered with (`detail` is `{msg}`, or the list of issues of a 422).
         * @example {
         *       "status": 503,
         *       "detail": {
         *         "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
         *       }
         *     }
         */
        JobError: {
            status: number;
            detail: components["schemas"]["APIError"] | components["schemas"]["ValidationError"][];
        };
        /** @description One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates). */
        WebhookDelivery: {
            /** @description The `webhook-id` of this event, `msg_` and 22 characters. */
            id: string;
            /**
             * @description The `type` of the payload.
             * @enum {string}
             */
            event: "job.running" | "job.succeeded" | "job.failed" | "job.cancelled";
            /**
             * @description `pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone.
             * @enum {string}
             */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            /** @description The HTTP status of the last attempt (absent when it got no answer). */
            last_status_code?: number;
            /** @description Why the last attempt failed. */
            last_error?: string;
            /** Format: date-time */
            next_attempt_at?: string;
            /** Format: date-time */
            delivered_at?: string;
        };
        /** @description Where the job's events are sent and how each delivery went. */
        JobWebhook: {
            /** @description The URL the events are POSTed to. */
            url: string;
            /** @description The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again. */
            secret?: string;
            deliveries: components["schemas"]["WebhookDelivery"][];
        };
        /** @description An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with. */
        Job: {
            /** @description The job's id, `job_` and 22 characters (128 random bits). */
            id: string;
            status: components["schemas"]["JobStatus"];
            pipeline: components["schemas"]["Pipeline"];
            /** @description The model the job runs: the request's, or the gateway's default for the pipeline when it named none. */
            model_id: string;
            /** @description The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose. */
            request_id: string;
            /** Format: date-time */
            created_at: string;
            /**
             * Format: date-time
             * @description When a gateway last started the job (absent while it has never run).
             */
            started_at?: string;
            /**
             * Format: date-time
             * @description When the job reached its final state.
             */
            finished_at?: string;
            progress: components["schemas"]["JobProgress"];
            /** @description A cancel was asked for; a running job stops at the orchestrator's next step. */
            cancel_requested: boolean;
            /** @description The synchronous route's answer (only when `succeeded`). */
            result?: components["schemas"]["ImageResponse"];
            /** @description Why it failed (only when `failed`). */
            error?: components["schemas"]["JobError"];
            /** @description The job's webhook and its deliveries (only when the request named one). */
            webhook?: components["schemas"]["JobWebhook"];
        };
        /** @description HTTP error response model. Every non-validation error of every layer has this shape. */
        HTTPError: {
            detail: components["schemas"]["APIError"];
        };
        /** @description Request validation errors (422). */
        HTTPValidationError: {
            /** @description The issues, at most 20, then one of type `too_many_errors` counting the rest. */
            detail: components["schemas"]["ValidationError"][];
        };
        /**
         * Format: binary
         * @description Uploaded image (PNG, JPEG or WebP). The type is read from the bytes, never from the part's Content-Type or file name.
         */
        ImageFile: Blob;
        Body_genImageToImage: {
            prompt: components["schemas"]["Prompt"];
            image: components["schemas"]["ImageFile"];
            model_id?: components["schemas"]["ModelId"];
            loras?: components["schemas"]["Loras"];
            /**
             * @description Degree of transformation applied to the reference image (0 to 1).
             * @default 0.8
             */
            strength?: number;
            guidance_scale?: components["schemas"]["GuidanceScale"];
            /**
             * @description Degree to which the generated image is pushed towards the initial image.
             * @default 1.5
             */
            image_guidance_scale?: number;
            negative_prompt?: components["schemas"]["NegativePrompt"];
            safety_check?: components["schemas"]["SafetyCheck"];
            seed?: components["schemas"]["Seed"];
            /**
             * @description Number of denoising steps. More steps usually lead to higher quality images but slower inference. Modulated by strength.
             * @default 100
             */
            num_inference_steps?: number;
            num_images_per_prompt?: components["schemas"]["NumImagesPerPrompt"];
        };
        Body_genImageToVideo: {
            image: components["schemas"]["ImageFile"];
            model_id?: components["schemas"]["ModelId"];
            /**
             * @description The height in pixels of the generated video; must be a multiple of 8.
             * @default 576
             */
            height?: components["schemas"]["Height"];
            /**
             * @description The width in pixels of the generated video; must be a multiple of 8.
             * @default 1024
             */
            width?: components["schemas"]["Width"];
            /**
             * @description The frames per second of the generated video.
             * @default 6
             */
            fps?: number;
            /**
             * @description Used for conditioning the amount of motion for the generation. The higher the number the more motion will be in the video.
             * @default 127
             */
            motion_bucket_id?: number;
            /**
             * @description Amount of noise added to the conditioning image. Higher values reduce resemblance to the conditioning image and increase motion.
             * @default 0.02
             */
            noise_aug_strength?: number;
            safety_check?: components["schemas"]["SafetyCheck"];
            seed?: components["schemas"]["Seed"];
            /**
             * @description Number of denoising steps. More steps usually lead to higher quality videos but slower inference.
             * @default 25
             */
            num_inference_steps?: number;
            /**
             * @description Extension (not in Livepeer's API). Classifier-free guidance of the first frame; frame *i* of *n* gets min + (max − min)·i/(n − 1), as diffusers' StableVideoDiffusionPipeline. Must not exceed max_guidance_scale.
             * @default 1
             */
            min_guidance_scale?: number;
            /**
             * @description Extension (not in Livepeer's API). Classifier-free guidance of the last frame; guidance runs (two UNet passes per step) only when it is above 1.
             * @default 3
             */
            max_guidance_scale?: number;
            /**
             * @description Extension (not in Livepeer's API). Frames the temporal VAE decoder decodes at once: lower needs less memory, higher is smoother across chunk edges; clamped to the model's frame count. The default, 4, is what Livepeer's ai-runner passes to diffusers, so a request without the field decodes as it does there.
             * @default 4
             */
            decode_chunk_size?: number;
        };
        /** @description Extension of the orchestrator's and gateway's `/image-to-video` (not in Livepeer's API, never sent to a runner): the image-to-video → FILM chain. With `output_fps` above `fps`, the orchestrator runs the image-to-video runner, hands its frames losslessly to a frame-interpolation runner of the same orchestrator and answers the interpolated mp4: e.g. 14 SVD frames at `fps` 7 with `output_fps` 24 make 48 frames at 24 fps, about 2 s. Without these fields the answer is Livepeer's, unchanged. */
        InterpolatedVideoFields: {
            /**
             * @description The frame rate of the answered mp4. Above `fps`, the model's frames are interpolated to it with FILM at exact times (N frames at `fps` last N / fps s, and so does the output: 14 at 7 fps → 48 at 24 fps); equal to `fps`, nothing is interpolated; below `fps` is refused with 400. The output frame count must fit the frame-interpolation runner's `max_output_frames`, and `width` × `height` its `max_input_pixels` (else 413, before the video is generated).
             * @example 24
             */
            output_fps?: number;
            /**
             * @description The FILM model that interpolates (a `frame-interpolation` model of the orchestrator). Default (absent or empty): the orchestrator's frame-interpolation model when it has exactly one. Only with `output_fps`; with `output_fps` equal to `fps` nothing is interpolated and no FILM model runs, whichever is named.
             * @example tiny/film
             */
            interpolation_model_id?: string;
        };
        ImageToVideoParams: components["schemas"]["Body_genImageToVideo"] & components["schemas"]["InterpolatedVideoFields"];
        Body_genUpscale: {
            /** @description Text prompt(s) to guide upscaled image generation. Accepted for compatibility; ESRGAN models ignore it. Send some text: Livepeer's runners read an empty form field as one not sent, so they refuse an empty prompt. */
            prompt: components["schemas"]["Prompt"];
            image: components["schemas"]["ImageFile"];
            model_id?: components["schemas"]["ModelId"];
            safety_check?: components["schemas"]["SafetyCheck"];
            seed?: components["schemas"]["Seed"];
            /**
             * @description Number of denoising steps (diffusion upscalers only; ESRGAN models ignore it).
             * @default 75
             */
            num_inference_steps?: number;
        };
        /**
         * Format: binary
         * @description Uploaded video: MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream in any codec ffmpeg decodes (H.264, H.265, VP8, VP9, AV1, ProRes, …). The type is read from the bytes, never from the part's Content-Type or file name; a still image is refused (use `/upscale` for one image).
         */
        VideoFile: Blob;
        /** @description Upscale every frame of a video with an ESRGAN model (our extension; Livepeer has no such route). The answer is one H.264 yuv420p mp4 (`+faststart`) with the same frame count, frame rate and timestamps, and the first audio stream up to the video's end (copied when MP4 holds its codec, else encoded to AAC; sound past the last frame is cut). */
        Body_genVideoUpscale: {
            video: components["schemas"]["VideoFile"];
            model_id?: components["schemas"]["ModelId"];
            /** @description Reported back in the answer's Media for symmetry with `/upscale`; ESRGAN models are deterministic and ignore it. */
            seed?: components["schemas"]["Seed"];
        };
        /** @description Raise a video's frame rate with a FILM model (our extension; Livepeer has no such route). The source is either `video` or the pair `first_image` + `last_image` (two frames `1 / source_fps` s apart), never both. The rate is set by exactly one of `output_fps` (an exact target rate: each new frame is interpolated at its own time `t` between its two source frames), `multiplier` (the source rate × n) or `times_to_interpolate` (FILM's recursive midpoints: 2^k − 1 frames between each pair). The duration is preserved (N frames at `fps` last N / fps s, and so does the output; a variable-frame-rate video is resampled on its frames' own times and keeps its real duration), except with `times_to_interpolate`, which, as FILM's reference does, ends on the last source frame (on a variable-frame-rate video its frames sit at m / 2^k of the time between each pair, so the output keeps the source's uneven spacing). The answer is one H.264 yuv420p mp4 (`+faststart`) without audio. The output frame count is checked against the runner's `max_output_frames` before any frame is decoded. */
        Body_genFrameInterpolation: {
            /** @description The video whose frame rate to raise (MP4, WebM, MOV, …; at least 2 frames). Its frame rate is the stream's base rate; for a variable-frame-rate video it is the real average (frames / duration), which `output_fps` must reach and `multiplier` and `times_to_interpolate` multiply, and its frames are taken at their own times. Not with `first_image`/`last_image`. */
            video?: components["schemas"]["VideoFile"];
            /** @description The first of two frames (PNG, JPEG or WebP) to interpolate between; needs `last_image` of the same size. */
            first_image?: components["schemas"]["ImageFile"];
            /** @description The second of the two frames; same width and height as `first_image`. */
            last_image?: components["schemas"]["ImageFile"];
            /**
             * @description The frame rate of the image pair: the two images are `1 / source_fps` s apart and the output lasts `2 / source_fps` s (with `times_to_interpolate` k, which ends on the last image, `(1 + 2^−k) / source_fps` s). Ignored for `video` (its own rate is used). Below 0.0001 fps (one frame per 10 000 s) the mp4 cannot be written and the runner answers 400; so does a source rate or an output rate (however it is asked for) above 240 fps.
             * @default 1
             */
            source_fps?: number;
            /**
             * @description The output frame rate, at least the source's (a lower rate is refused with 400). Exact: 24 from 7 fps makes 24 frames per 7 source frames, at times j / 24 s.
             * @example 24
             */
            output_fps?: number;
            /**
             * @description The output frame rate as the source's times this (2 doubles it).
             * @example 2
             */
            multiplier?: number;
            /**
             * @description FILM's recursive midpoints: 2^k − 1 frames between each source pair at `t = m / 2^k`, each computed from its two neighbours; the output rate is the source's × 2^k.
             * @example 2
             */
            times_to_interpolate?: number;
            model_id?: components["schemas"]["ModelId"];
            /** @description Reported back in the answer's Media for symmetry with the other routes; FILM is deterministic and ignores it. */
            seed?: components["schemas"]["Seed"];
        };
        HealthCheck: {
            /**
             * @description `LOADING` while the model loads, `OK` when ready, `ERROR` if loading failed, `IDLE` when nothing is loaded.
             * @enum {string}
             */
            status: "LOADING" | "OK" | "ERROR" | "IDLE";
        };
    };
    responses: {
        /** @description `Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook. */
        JobAccepted: {
            headers: {
                Location: components["headers"]["Location"];
                "Preference-Applied": components["headers"]["PreferenceApplied"];
                "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                "X-Request-Id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                 *       "status": "queued",
                 *       "pipeline": "upscale",
                 *       "model_id": "upscalerjs/esrgan-slim-x4",
                 *       "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                 *       "created_at": "2025-06-01T12:00:00.000Z",
                 *       "progress": {
                 *         "fraction": 0
                 *       },
                 *       "cancel_requested": false,
                 *       "webhook": {
                 *         "url": "https://app.example.com/hooks/avs",
                 *         "deliveries": []
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Job"];
            };
        };
        /** @description No such job, or it belongs to another API key, or it ended longer ago than the gateway keeps jobs. */
        JobNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "no job job_4fZ0q2mB9yXcV1sLkT8wQe"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time. */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "rate limit of 60 requests per minute exceeded"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`. */
        JobFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time. */
        BadAnswers: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description No orchestrator could run the job within the retry budget; retry after the given time. */
        NoOrchestrators: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The request is well-formed but cannot be served (wrong model, size not a multiple of 8, bad LoRA, limits). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "Height and width must be divisible by 8"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The bearer token is missing or wrong. */
        Unauthorized: {
            headers: {
                /** @description Always `Bearer`. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "Invalid bearer token"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The body, an uploaded file or the decoded image is larger than this server accepts. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "request body is larger than the limit of 52428800 bytes"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "image must be a PNG, JPEG or WebP file"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out. */
        ValidationError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": [
                 *         {
                 *           "loc": [
                 *             "body",
                 *             "height"
                 *           ],
                 *           "msg": "Input should be a valid integer",
                 *           "type": "int_type"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["HTTPValidationError"];
            };
        };
        /** @description The server has a `metrics-token` and the request did not carry it as `Authorization: Bearer <token>`. */
        MetricsUnauthorized: {
            headers: {
                /** @description Always `Bearer`. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "Invalid bearer token"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The server has no `metrics-token` and the request did not come from this machine (loopback): metrics name upstream addresses and are served to loopback clients only unless a token is set. */
        MetricsForbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "metrics are served to loopback clients only; set metrics-token to read them remotely"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description All of the output (asked without `Range`, or with one that is ignored). */
        Output: {
            headers: {
                "Accept-Ranges": components["headers"]["AcceptRanges"];
                "X-Content-Type-Options": components["headers"]["NoSniff"];
                /** @description The output's size, bytes. */
                "Content-Length"?: number;
                [name: string]: unknown;
            };
            content: {
                "image/png": Blob;
                "video/mp4": Blob;
            };
        };
        /** @description The part of the output the `Range` asked for, and only it. */
        OutputPart: {
            headers: {
                "Accept-Ranges": components["headers"]["AcceptRanges"];
                "X-Content-Type-Options": components["headers"]["NoSniff"];
                "Content-Range": components["headers"]["ContentRange"];
                /** @description The part's size, bytes (`last - first + 1`). */
                "Content-Length"?: number;
                [name: string]: unknown;
            };
            content: {
                "image/png": Blob;
                "video/mp4": Blob;
            };
        };
        /** @description No such route, pipeline or stored object. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "Not Found"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The `Range` asked for starts at or past the end of the output (or is `bytes=-0`). */
        RangeNotSatisfiable: {
            headers: {
                "Accept-Ranges": components["headers"]["AcceptRanges"];
                /**
                 * @description `bytes *\/size`: the whole output's size, for a range that fits.
                 * @example bytes *\/4145680
                 */
                "Content-Range": string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "the range asked for starts past the end of this 4145680-byte output"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
    };
    parameters: {
        /**
         * @description `respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.
         * @example respond-async
         */
        Prefer: string;
        /**
         * @description With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `["header", "Idempotency-Key"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.
         * @example order-1234-thumbnail
         */
        IdempotencyKey: string;
        /**
         * @description With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{"type":"job.running"|"job.succeeded"|"job.failed"|"job.cancelled","timestamp":…,"data":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.
         * @example https://app.example.com/hooks/avs
         */
        WebhookUrl: string;
        /**
         * @description The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.
         * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
         */
        WebhookSecret: string;
        /**
         * @description The job's id.
         * @example job_4fZ0q2mB9yXcV1sLkT8wQe
         */
        JobId: string;
        /**
         * @description The `id:` of the last event received; the stream resumes after it.
         * @example 3
         */
        LastEventId: string;
        /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
        RequestId: string;
        /**
         * @description One byte range of the output (RFC 9110 §14.2), as browsers send when they seek in a video: `bytes=first-last`, `bytes=first-` (to the end) or `bytes=-n` (the last n bytes); a last position past the end means the end. It is answered with 206 and only those bytes, or 416 when it starts at or past the end (or is `bytes=-0`). A header with several ranges, another unit or bad syntax is ignored and the whole output is answered with 200, as RFC 9110 allows (a server MAY ignore `Range`); so is a range of an empty output. Served on GET only: a HEAD ignores it. `If-Range` is not read: an output's bytes never change under its name, and answers carry no validator.
         * @example bytes=0-1048575
         */
        Range: string;
    };
    requestBodies: never;
    headers: {
        /** @description The job's URL, `/jobs/{id}`. */
        Location: string;
        /** @description `respond-async` (RFC 7240): the request was handled as an asynchronous job. */
        PreferenceApplied: string;
        /** @description `true` when the answer is the job an earlier request with the same `Idempotency-Key` created. */
        IdempotentReplayed: string;
        /** @description The request id of this job (see the X-Request-Id request header). */
        RequestId: string;
        /** @description Seconds to wait before trying again. */
        RetryAfter: number;
        /** @description Always `bytes`; the output can be asked for in parts with a `Range` header. */
        AcceptRanges: "bytes";
        /** @description Always `nosniff`: a browser takes the output as the type it is served with, never as a page it guesses from the bytes. */
        NoSniff: "nosniff";
        /**
         * @description The part of the output this answer holds and the whole output's size: `bytes first-last/size` (both positions included, from 0).
         * @example bytes 0-1048575/4145680
         */
        ContentRange: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    genTextToImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description `respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.
                 * @example respond-async
                 */
                Prefer?: components["parameters"]["Prefer"];
                /**
                 * @description With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `["header", "Idempotency-Key"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.
                 * @example order-1234-thumbnail
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /**
                 * @description With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{"type":"job.running"|"job.succeeded"|"job.failed"|"job.cancelled","timestamp":…,"data":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.
                 * @example https://app.example.com/hooks/avs
                 */
                "Webhook-Url"?: components["parameters"]["WebhookUrl"];
                /**
                 * @description The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.
                 * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                 */
                "Webhook-Secret"?: components["parameters"]["WebhookSecret"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TextToImageParams"];
            };
        };
        responses: {
            /** @description The generated images, as URLs this gateway serves. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            202: components["responses"]["JobAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["JobFailed"];
            502: components["responses"]["BadAnswers"];
            503: components["responses"]["NoOrchestrators"];
        };
    };
    genImageToImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description `respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.
                 * @example respond-async
                 */
                Prefer?: components["parameters"]["Prefer"];
                /**
                 * @description With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `["header", "Idempotency-Key"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.
                 * @example order-1234-thumbnail
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /**
                 * @description With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{"type":"job.running"|"job.succeeded"|"job.failed"|"job.cancelled","timestamp":…,"data":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.
                 * @example https://app.example.com/hooks/avs
                 */
                "Webhook-Url"?: components["parameters"]["WebhookUrl"];
                /**
                 * @description The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.
                 * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                 */
                "Webhook-Secret"?: components["parameters"]["WebhookSecret"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_genImageToImage"];
            };
        };
        responses: {
            /** @description The generated images, as URLs this gateway serves. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            202: components["responses"]["JobAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["JobFailed"];
            502: components["responses"]["BadAnswers"];
            503: components["responses"]["NoOrchestrators"];
        };
    };
    genImageToVideo: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description `respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.
                 * @example respond-async
                 */
                Prefer?: components["parameters"]["Prefer"];
                /**
                 * @description With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `["header", "Idempotency-Key"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.
                 * @example order-1234-thumbnail
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /**
                 * @description With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{"type":"job.running"|"job.succeeded"|"job.failed"|"job.cancelled","timestamp":…,"data":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.
                 * @example https://app.example.com/hooks/avs
                 */
                "Webhook-Url"?: components["parameters"]["WebhookUrl"];
                /**
                 * @description The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.
                 * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                 */
                "Webhook-Secret"?: components["parameters"]["WebhookSecret"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ImageToVideoParams"];
            };
        };
        responses: {
            /** @description One mp4 URL this gateway serves. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            202: components["responses"]["JobAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["JobFailed"];
            502: components["responses"]["BadAnswers"];
            503: components["responses"]["NoOrchestrators"];
        };
    };
    genUpscale: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description `respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.
                 * @example respond-async
                 */
                Prefer?: components["parameters"]["Prefer"];
                /**
                 * @description With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `["header", "Idempotency-Key"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.
                 * @example order-1234-thumbnail
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /**
                 * @description With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{"type":"job.running"|"job.succeeded"|"job.failed"|"job.cancelled","timestamp":…,"data":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.
                 * @example https://app.example.com/hooks/avs
                 */
                "Webhook-Url"?: components["parameters"]["WebhookUrl"];
                /**
                 * @description The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.
                 * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                 */
                "Webhook-Secret"?: components["parameters"]["WebhookSecret"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_genUpscale"];
            };
        };
        responses: {
            /** @description The upscaled image, as a URL this gateway serves. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            202: components["responses"]["JobAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["JobFailed"];
            502: components["responses"]["BadAnswers"];
            503: components["responses"]["NoOrchestrators"];
        };
    };
    genVideoUpscale: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description `respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.
                 * @example respond-async
                 */
                Prefer?: components["parameters"]["Prefer"];
                /**
                 * @description With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `["header", "Idempotency-Key"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.
                 * @example order-1234-thumbnail
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /**
                 * @description With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{"type":"job.running"|"job.succeeded"|"job.failed"|"job.cancelled","timestamp":…,"data":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.
                 * @example https://app.example.com/hooks/avs
                 */
                "Webhook-Url"?: components["parameters"]["WebhookUrl"];
                /**
                 * @description The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.
                 * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                 */
                "Webhook-Secret"?: components["parameters"]["WebhookSecret"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_genVideoUpscale"];
            };
        };
        responses: {
            /** @description One mp4 URL this gateway serves. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "images": [
                     *         {
                     *           "url": "http://127.0.0.1:8080/outputs/9fQ2LmZx.mp4",
                     *           "seed": 42,
                     *           "nsfw": false
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            202: components["responses"]["JobAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["JobFailed"];
            502: components["responses"]["BadAnswers"];
            503: components["responses"]["NoOrchestrators"];
        };
    };
    genFrameInterpolation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description `respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.
                 * @example respond-async
                 */
                Prefer?: components["parameters"]["Prefer"];
                /**
                 * @description With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `["header", "Idempotency-Key"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.
                 * @example order-1234-thumbnail
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /**
                 * @description With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{"type":"job.running"|"job.succeeded"|"job.failed"|"job.cancelled","timestamp":…,"data":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.
                 * @example https://app.example.com/hooks/avs
                 */
                "Webhook-Url"?: components["parameters"]["WebhookUrl"];
                /**
                 * @description The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.
                 * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                 */
                "Webhook-Secret"?: components["parameters"]["WebhookSecret"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_genFrameInterpolation"];
            };
        };
        responses: {
            /** @description One mp4 URL this gateway serves. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "images": [
                     *         {
                     *           "url": "http://127.0.0.1:8080/outputs/Qm3xT8pa.mp4",
                     *           "seed": 42,
                     *           "nsfw": false
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            202: components["responses"]["JobAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["JobFailed"];
            502: components["responses"]["BadAnswers"];
            503: components["responses"]["NoOrchestrators"];
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id.
                 * @example job_4fZ0q2mB9yXcV1sLkT8wQe
                 */
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["JobNotFound"];
            422: components["responses"]["ValidationError"];
        };
    };
    getJobEvents: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The `id:` of the last event received; the stream resumes after it.
                 * @example 3
                 */
                "Last-Event-ID"?: components["parameters"]["LastEventId"];
            };
            path: {
                /**
                 * @description The job's id.
                 * @example job_4fZ0q2mB9yXcV1sLkT8wQe
                 */
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example retry: 1000
                     *
                     *     id: 1
                     *     event: status
                     *     data: {"id":"job_4fZ0q2mB9yXcV1sLkT8wQe","status":"queued","progress":{"fraction":0},…}
                     *
                     *     id: 2
                     *     event: status
                     *     data: {"id":"job_4fZ0q2mB9yXcV1sLkT8wQe","status":"running","progress":{"fraction":0},…}
                     *
                     *     id: 3
                     *     event: progress
                     *     data: {"stage":"denoise","step":3,"total":25,"fraction":0.12}
                     *
                     *     id: 4
                     *     event: result
                     *     data: {"id":"job_4fZ0q2mB9yXcV1sLkT8wQe","status":"succeeded","result":{"images":[…]},…}
                     */
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["JobNotFound"];
            422: components["responses"]["ValidationError"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    cancelJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The job's id.
                 * @example job_4fZ0q2mB9yXcV1sLkT8wQe
                 */
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, cancelled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The job is running; it stops at the orchestrator's next step. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["JobNotFound"];
            /** @description The job already succeeded or failed. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "job job_4fZ0q2mB9yXcV1sLkT8wQe already succeeded; only queued or running jobs can be cancelled"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            422: components["responses"]["ValidationError"];
        };
    };
    getImageToVideoResult: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ImageToVideoResultRequest"];
            };
        };
        responses: {
            /** @description The job ended; `result` is the synchronous route's answer, or the error it would have had. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageToVideoResultResponse"];
                };
            };
            /** @description The job is queued or running. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "processing"
                     *     }
                     */
                    "application/json": components["schemas"]["ImageToVideoResultResponse"];
                };
            };
            /** @description No image-to-video job of yours has this `request_id` (or it ended longer ago than the gateway keeps jobs). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "invalid request ID 7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e: no image-to-video job of yours has it"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The gateway's state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "OK"
                     *     }
                     */
                    "application/json": components["schemas"]["HealthCheck"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Orchestrator capacity is reachable. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "OK",
                     *       "orchestrators": 2,
                     *       "reachable": 2,
                     *       "capabilities": 3
                     *     }
                     */
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description No orchestrator capacity is reachable; every job would get 503. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "no orchestrator capacity is reachable: none of 1 orchestrator(s) answers /info (see the orchestrator unreachable log lines)"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": string;
                };
            };
        };
    };
    getOpenApiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An HTML page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["MetricsUnauthorized"];
            403: components["responses"]["MetricsForbidden"];
        };
    };
    getOutput: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description One byte range of the output (RFC 9110 §14.2), as browsers send when they seek in a video: `bytes=first-last`, `bytes=first-` (to the end) or `bytes=-n` (the last n bytes); a last position past the end means the end. It is answered with 206 and only those bytes, or 416 when it starts at or past the end (or is `bytes=-0`). A header with several ranges, another unit or bad syntax is ignored and the whole output is answered with 200, as RFC 9110 allows (a server MAY ignore `Range`); so is a range of an empty output. Served on GET only: a HEAD ignores it. `If-Range` is not read: an output's bytes never change under its name, and answers carry no validator.
                 * @example bytes=0-1048575
                 */
                Range?: components["parameters"]["Range"];
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Output"];
            206: components["responses"]["OutputPart"];
            404: components["responses"]["NotFound"];
            416: components["responses"]["RangeNotSatisfiable"];
        };
    };
}
