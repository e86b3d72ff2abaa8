/**
 * Generated from specs/orchestrator.yaml by `avs-codegen` (openapi-typescript). Do not edit by hand:
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
         * @description Generate images from text prompts on a runner of `model_id`.
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
         * @description Transform an image on a runner of `model_id`.
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
         * @description Generate a video from an image on a runner of `model_id`; the frames are encoded as one H.264 mp4. With `output_fps` above `fps` (our extension), the frames are first interpolated to that rate on a frame-interpolation runner of this orchestrator (`interpolation_model_id`), e.g. 14 frames at 7 fps → 48 at 24 fps.
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
         * @description Upscale an image on a runner of `model_id`.
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
         * @description Upscale every frame of a video on a runner of `model_id` (our extension). The runner's mp4 (same frames, timestamps and audio, H.264) is stored and returned as the single entry of `images`.
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
         * @description Raise the frame rate of a video, or make a clip from two images, on a FILM runner of `model_id` (our extension). The runner's mp4 (H.264, duration preserved) is stored and returned as the single entry of `images`.
         */
        post: operations["genFrameInterpolation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/progress/{request_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Progress
         * @description Server-sent events of the progress of the job this orchestrator runs under a request id (the `X-Request-Id` the broadcaster sent with its POST, which the orchestrator forwards to the runner), relayed from the runner's own `GET /progress/{request_id}` (our extension; Livepeer orchestrators do not have this route). A subscriber may connect before the POST arrives: it waits up to 30 s for that job to start, then gets 404, and sees every step. One that connects while the job runs starts at its last state, or after the `Last-Event-ID` it sends (an EventSource that reconnects resumes where it was). A job retried on another runner after its runner failed is followed there from its start. After the job ended its last state is kept for 60 s, so a late subscriber still sees where it got to and how it ended. Events: `progress` with `{"stage","step","total","fraction"}` (`stage` names the runner's loop, e.g. `denoise` then `decode` for Stable Diffusion, `tiles` for upscaling, `upscale` per video frame; `fraction` is `step / total` of that stage) and a final `end` with `{"status"}` (the HTTP status the runner answered, and `msg` when it failed), after which the stream closes. A runner without progress (a Livepeer runner) gives only the `end` event. Each event's `id` is its sequence number within the job. An `/image-to-video` job with `output_fps` (the SVD → FILM chain) runs on two runners and is relayed stage after stage: the image-to-video runner's events (`denoise`, `decode`), then the frame-interpolation runner's (`interpolate`, one per output frame), each `progress` with `"pipeline"` naming its stage's pipeline (e.g. `{"pipeline":"frame-interpolation","stage":"interpolate","step":1,"total":48,"fraction":0.02}`), ids continued across the stages, and a single `end` when the job answered.
         */
        get: operations["getProgress"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Info
         * @description Version, hardware, and every capability with its warmth, capacity, jobs in use and price. Always current.
         */
        get: operations["getInfo"];
        put?: never;
        post?: never;
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
         * @description Liveness: `OK` while the process serves HTTP, from the moment it listens, also while its warm runners still load their models (a job sent then waits for its runner, up to `start-timeout`). Use `/ready` to know whether the warm runners are up.
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
         * @description Readiness: 200 once the start is over, every warm and external runner having been started and waited for, while at least one advertised model can take a job: a runner of it is ready, or it is a cold runner a job may start (one not waiting out a failure backoff). 503 saying why otherwise: while the warm runners start, while every runner is down, restarting or waiting out a backoff (`no runner can take a job: …`), and from the moment a stop begins. `/info`'s `warm` says which models have a ready runner. Point load balancers and readiness probes here.
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
         * @description A stored result, by the unguessable name returned in a job's media URL, until its retention time ends. One byte range of it may be asked for with `Range` (206 with only those bytes): browsers seek in videos so, and Safari plays an mp4 only from a server that answers ranges. `HEAD` answers GET's headers without the body (and reads none of the output; a `Range` is ignored on it).
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
        TextToImageRequest: WithRequired<components["schemas"]["TextToImageParams"], "model_id">;
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
        /** @description API error response model. */
        APIError: {
            /** @description The error message. */
            msg: string;
        };
        /** @description HTTP error response model. Every non-validation error of every layer has this shape. */
        HTTPError: {
            detail: components["schemas"]["APIError"];
        };
        ValidationError: {
            /** @description Where the error is, e.g. `["body", "height"]`. */
            loc: (string | number)[];
            /** @description What is wrong and what is allowed. */
            msg: string;
            /** @description A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`. */
            type: string;
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
        ImageToImageRequest: WithRequired<components["schemas"]["Body_genImageToImage"], "model_id">;
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
        ImageToVideoRequest: WithRequired<components["schemas"]["Body_genImageToVideo"], "model_id"> & components["schemas"]["InterpolatedVideoFields"];
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
        UpscaleRequest: WithRequired<components["schemas"]["Body_genUpscale"], "model_id">;
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
        VideoUpscaleRequest: WithRequired<components["schemas"]["Body_genVideoUpscale"], "model_id">;
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
        FrameInterpolationRequest: WithRequired<components["schemas"]["Body_genFrameInterpolation"], "model_id">;
        /** @enum {string} */
        Pipeline: "text-to-image" | "image-to-image" | "image-to-video" | "upscale" | "video-upscale" | "frame-interpolation";
        /** @description Price of work: `price_per_unit` (wei) for every `pixels_per_unit` work units. A job's work units are pixels × frames × steps × images by its pipeline's `x-avs-pipeline` recipe: the requested size for text-to-image and image-to-video (× 25 frames), the input image's pixels for image-to-image and upscale (not the upscaled output's), every frame of the input video for video-upscale, and the output frames × their size for frame-interpolation. */
        PriceInfo: {
            price_per_unit: number;
            pixels_per_unit: number;
        };
        Capability: {
            pipeline: components["schemas"]["Pipeline"];
            model_id: string;
            /** @description A runner for this model is loaded and ready now. */
            warm: boolean;
            /** @description Jobs this orchestrator runs at once for this pipeline and model. The slots of a runner that is waiting out a backoff after failing (to start, or soon after it started) are not counted: 0 while every runner of the model is, and jobs then get 503 with Retry-After. Nor are those of a cold runner that could not get a device now, each being held by warm runners or by runners with jobs, nor those of an external runner (reached by URL) that does not answer. */
            capacity: number;
            /** @description Jobs running now. */
            in_use: number;
            price: components["schemas"]["PriceInfo"];
        };
        /** @description Model for detailed GPU compute information. */
        GPUComputeInfo: {
            id: string;
            name: string;
            memory_total: number;
            memory_free: number;
            major: number;
            minor: number;
        };
        /** @description Response model for GPU information. */
        HardwareInformation: {
            pipeline: string;
            model_id: string;
            gpu_info: {
                [key: string]: components["schemas"]["GPUComputeInfo"];
            };
        };
        OrchestratorInfo: {
            version: string;
            capabilities: components["schemas"]["Capability"][];
            /** @description The hardware each running runner reported. */
            hardware: components["schemas"]["HardwareInformation"][];
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
        /** @description Inference failed (for example out of memory). Nothing was produced. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "inference failed: out of memory"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The runner's answer could not be used (the runner's fault, not the request's): it was not JSON, was larger than the orchestrator's `max-answer-bytes`, had a status the runner API does not declare, or held media that are not inline `data:` URLs of the pipeline's media type, in the number the request asked for, each standard padded base64 of a whole file (a PNG up to its IEND chunk, an mp4 whose top-level boxes add up to its length). Nothing was produced; another orchestrator may succeed. */
        RunnerFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "the runner of upscale model \"a/b\" answered media that cannot be used: images[0].url is not a data: URL (only inline data: URLs are accepted from a runner)"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
            };
        };
        /** @description The server is at capacity or its model is not loaded yet; retry after the given time. */
        ServiceUnavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "detail": {
                 *         "msg": "insufficient capacity"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["HTTPError"];
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
        /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
        RequestId: string;
        /** @description Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did. */
        MediaDelivery: "url" | "data";
        /**
         * @description The `id` of the last progress event this subscriber saw (an EventSource sends it when it reconnects): the stream starts with every kept event after it, and the `end` if the job ended, instead of the job's last state. `0` replays the job from its start. The `end` is sent even to a subscriber that names it, or an id past it, so none is left without the job's outcome.
         * @example 12
         */
        LastEventId: number;
        /**
         * @description One byte range of the output (RFC 9110 §14.2), as browsers send when they seek in a video: `bytes=first-last`, `bytes=first-` (to the end) or `bytes=-n` (the last n bytes); a last position past the end means the end. It is answered with 206 and only those bytes, or 416 when it starts at or past the end (or is `bytes=-0`). A header with several ranges, another unit or bad syntax is ignored and the whole output is answered with 200, as RFC 9110 allows (a server MAY ignore `Range`); so is a range of an empty output. Served on GET only: a HEAD ignores it. `If-Range` is not read: an output's bytes never change under its name, and answers carry no validator.
         * @example bytes=0-1048575
         */
        Range: string;
    };
    requestBodies: never;
    headers: {
        /** @description The request id of this job (see the X-Request-Id request header). */
        RequestId: string;
        /** @description How the media URLs of this response deliver their bytes: `url` — fetchable URLs the server serves for a retention time; `data` — inline `data:` URLs. */
        MediaDelivery: "url" | "data";
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
                /** @description Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did. */
                "X-Media-Delivery"?: components["parameters"]["MediaDelivery"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TextToImageRequest"];
            };
        };
        responses: {
            /** @description The generated images. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "X-Media-Delivery": components["headers"]["MediaDelivery"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["RunnerFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genImageToImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did. */
                "X-Media-Delivery"?: components["parameters"]["MediaDelivery"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ImageToImageRequest"];
            };
        };
        responses: {
            /** @description The generated images. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "X-Media-Delivery": components["headers"]["MediaDelivery"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["RunnerFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genImageToVideo: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did. */
                "X-Media-Delivery"?: components["parameters"]["MediaDelivery"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ImageToVideoRequest"];
            };
        };
        responses: {
            /** @description One mp4, as the single entry of `images`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "X-Media-Delivery": components["headers"]["MediaDelivery"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["RunnerFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genUpscale: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did. */
                "X-Media-Delivery"?: components["parameters"]["MediaDelivery"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["UpscaleRequest"];
            };
        };
        responses: {
            /** @description The upscaled image. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "X-Media-Delivery": components["headers"]["MediaDelivery"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["RunnerFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genVideoUpscale: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did. */
                "X-Media-Delivery"?: components["parameters"]["MediaDelivery"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["VideoUpscaleRequest"];
            };
        };
        responses: {
            /** @description One mp4, as the single entry of `images`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "X-Media-Delivery": components["headers"]["MediaDelivery"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "images": [
                     *         {
                     *           "url": "http://127.0.0.1:8935/outputs/4vX9q2.mp4",
                     *           "seed": 42,
                     *           "nsfw": false
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["RunnerFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genFrameInterpolation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did. */
                "X-Media-Delivery"?: components["parameters"]["MediaDelivery"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["FrameInterpolationRequest"];
            };
        };
        responses: {
            /** @description One mp4, as the single entry of `images`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "X-Media-Delivery": components["headers"]["MediaDelivery"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "images": [
                     *         {
                     *           "url": "http://127.0.0.1:8935/outputs/7hD3kq.mp4",
                     *           "seed": 42,
                     *           "nsfw": false
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["RunnerFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getProgress: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The `id` of the last progress event this subscriber saw (an EventSource sends it when it reconnects): the stream starts with every kept event after it, and the `end` if the job ended, instead of the job's last state. `0` replays the job from its start. The `end` is sent even to a subscriber that names it, or an id past it, so none is left without the job's outcome.
                 * @example 12
                 */
                "Last-Event-ID"?: components["parameters"]["LastEventId"];
            };
            path: {
                /**
                 * @description The `X-Request-Id` of the job POST to follow.
                 * @example job-42
                 */
                request_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job's progress events, then `end`; the stream closes after `end`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example id: 1
                     *     event: progress
                     *     data: {"stage":"denoise","step":1,"total":25,"fraction":0.04}
                     *
                     *     id: 27
                     *     event: end
                     *     data: {"status":200}
                     */
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description No job with this request id started within the wait (30 s), and none ended within the last 60 s. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "no job with request id \"job-42\" started within 30 s"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            422: components["responses"]["ValidationError"];
        };
    };
    getInfo: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What this orchestrator offers now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": "0.1.0",
                     *       "hardware": [],
                     *       "capabilities": [
                     *         {
                     *           "pipeline": "upscale",
                     *           "model_id": "upscalerjs/esrgan-slim-x4",
                     *           "warm": true,
                     *           "capacity": 1,
                     *           "in_use": 0,
                     *           "price": {
                     *             "price_per_unit": 1,
                     *             "pixels_per_unit": 1
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["OrchestratorInfo"];
                };
            };
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
            /** @description The orchestrator's state. */
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
            /** @description Started, not stopping, and a runner can take a job. */
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
            /** @description Starting (warm runners loading), no runner can take a job, or stopping. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "starting: 0 of 1 warm runners ready"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
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
type WithRequired<T, K extends keyof T> = T & {
    [P in K]-?: T[P];
};
