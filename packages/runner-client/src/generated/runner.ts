/**
 * Generated from specs/runner.yaml by `avs-codegen` (openapi-typescript). Do not edit by hand:
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
         * @description Apply image transformations to a provided image. The image is resized to a multiple of 8.
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
         * @description Generate a video from a provided image. The frames come back as PNG data URLs.
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
         * @description Upscale an image by increasing its resolution. ESRGAN models upscale by the factor the model was trained for; large images are processed in overlapping tiles.
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
         * @description Upscale every frame of a video with the loaded ESRGAN model (our extension). Streamed: frames are decoded, upscaled (tiled as `/upscale` tiles images) and encoded a few at a time, so memory does not grow with the video's length. The answer is one H.264 yuv420p mp4 (`+faststart`) with the source's frame count, frame rate and timestamps and its first audio stream up to the video's end (copied, or encoded to AAC when MP4 does not hold its codec), as a `data:video/mp4` URL. The limits (bytes, pixels per frame in and out, frames, seconds) are in `GET /info` and in every 413 message. Progress is reported per frame (`stage: upscale`) on `/progress/{request_id}`.
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
         * @description Raise the frame rate of a video, or make a clip from two images, with the loaded FILM model (our extension). Streamed: ffmpeg decodes the source frames one at a time, FILM fills the gaps (each new frame at its exact time `t` between its two source frames, or by recursive midpoints), and the frames go to the encoder as they are made, so memory does not grow with the video's length. Source frames are passed through untouched where the output rate lands on them. The answer is one H.264 yuv420p mp4 (`+faststart`, no audio) as a `data:video/mp4` URL. The output frame count (source frames × the rate change) is checked against `max_output_frames` of `GET /info` before any frame is decoded. Progress is reported per output frame (`stage: interpolate`) on `/progress/{request_id}`.
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
         * @description Server-sent events of one job's progress, keyed by the `X-Request-Id` the caller sent with its POST (our extension; Livepeer runners do not have this route). A subscriber may connect before the POST arrives: it waits up to 30 s for that job to start, then gets 404. After the job ended its last state is kept for 60 s, so a late subscriber still sees where it got to and how it ended. Events: `progress` with `{"stage","step","total","fraction"}` (`stage` names the loop: `denoise` and `decode` for Stable Diffusion, `tiles` for upscaling; `fraction` is `step / total` of that stage) and a final `end` with `{"status"}` (the HTTP status the POST answered, and `msg` when it failed), after which the stream closes. Each event's `id` is its sequence number within the job. A subscriber that names the last event it saw (`Last-Event-ID`, as an EventSource sends when it reconnects) starts after it instead of at the last state, and gets the `end` even when it names it or a later id; `Last-Event-ID: 0` replays the job from its start. A job keeps its last 1000 progress events, the steps it took while no one followed it included.
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
         * @description The pipeline, the model, the version, the loaded upscaler's scale and, for video pipelines, the limits a video upload must stay within (our extension).
         */
        get: operations["info"];
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
         * @description `OK` when the model is ready and `ERROR` when loading failed (the reason is in the log), both with a 200; `LOADING` with a 503 while the model loads, so a caller that takes any 200 as ready (go-livepeer's) waits for it.
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
    "/hardware/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Hardware Info
         * @description The pipeline, the model and the GPUs this runner can see (an empty map without GPUs).
         */
        get: operations["hardware_info"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hardware/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Hardware Stats
         * @description Current GPU utilisation (an empty map without GPUs).
         */
        get: operations["hardware_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/version": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Version
         * @description The runner's version, pipeline and model.
         */
        get: operations["version"];
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
         * @description Prometheus metrics in the text exposition format.
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
        /** @description Response model for video generation. */
        VideoResponse: {
            /** @description The generated video frames. */
            frames: components["schemas"]["Media"][][];
        };
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
        /** @description What a video upload may be (our extension). A video over any of them is refused with 413 before any frame is decoded, and the 413 message lists them all. */
        VideoLimits: {
            /** @description Largest file in bytes. */
            max_bytes: number;
            /** @description Largest input frame, width × height. */
            max_input_pixels: number;
            /** @description Largest produced frame, width × height × scale². */
            max_output_pixels: number;
            /** @description Most frames in the video stream. */
            max_frames: number;
            /** @description Longest video stream in seconds. */
            max_duration_seconds: number;
            /** @description Most frames a frame-interpolation job may produce (the source's frames × the rate change); more is refused with 413 before any frame is decoded. Frame-interpolation runners only. */
            max_output_frames?: number;
        };
        /** @description What this runner serves and the limits of its uploads (our extension). */
        RunnerInfo: {
            pipeline: string;
            model_id: string;
            version: string;
            /** @description The loaded upscaler's factor (upscale and video-upscale, once the model has loaded). */
            scale?: number;
            /** @description Frames of every video the loaded model makes (image-to-video, once the model has loaded): 14 for SVD, 25 for SVD-XT. An orchestrator checks an interpolated video's frame budget with it before SVD runs. */
            num_frames?: number;
            video_limits?: components["schemas"]["VideoLimits"];
        };
        HealthCheck: {
            /**
             * @description `LOADING` while the model loads, `OK` when ready, `ERROR` if loading failed, `IDLE` when nothing is loaded.
             * @enum {string}
             */
            status: "LOADING" | "OK" | "ERROR" | "IDLE";
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
        /** @description Model for GPU utilization statistics. */
        GPUUtilizationInfo: {
            id: string;
            name: string;
            memory_total: number;
            memory_free: number;
            utilization_compute: number;
            utilization_memory: number;
        };
        /** @description Response model for real-time GPU statistics. */
        HardwareStats: {
            pipeline: string;
            model_id: string;
            gpu_stats: {
                [key: string]: components["schemas"]["GPUUtilizationInfo"];
            };
        };
        Version: {
            pipeline?: string;
            model_id?: string;
            /** @description The version of the server. */
            version: string;
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
    };
    parameters: {
        /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
        RequestId: string;
        /**
         * @description The `id` of the last progress event this subscriber saw (an EventSource sends it when it reconnects): the stream starts with every kept event after it, and the `end` if the job ended, instead of the job's last state. `0` replays the job from its start. The `end` is sent even to a subscriber that names it, or an id past it, so none is left without the job's outcome.
         * @example 12
         */
        LastEventId: number;
    };
    requestBodies: never;
    headers: {
        /** @description The request id of this job (see the X-Request-Id request header). */
        RequestId: string;
        /** @description Seconds to wait before trying again. */
        RetryAfter: number;
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
            /** @description The generated images, as PNG data URLs. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genImageToImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
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
            /** @description The generated images, as PNG data URLs. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genImageToVideo: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_genImageToVideo"];
            };
        };
        responses: {
            /** @description The generated frames, one list per video. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genUpscale: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
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
            /** @description The upscaled image, as a PNG data URL. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genVideoUpscale: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
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
            /** @description The upscaled video, one H.264 mp4 as a `data:video/mp4;base64,…` URL in `images`. */
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
                     *           "url": "data:video/mp4;base64,AAAAIGZ0eXBpc29t…",
                     *           "seed": 42,
                     *           "nsfw": false
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            /** @description A damaged or cut-short video, a file with no video stream, or a video stream with no frames. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "video has no video stream (it holds audio); send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The body, or the video's bytes, frame size (in, or out after the model's scale), frames or duration are over this runner's limits. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "video has 1920×1080 = 2073600 px frames, over 921600 px per input frame; this runner takes videos of at most 256 MiB, 921600 px per input frame (e.g. 1279×719), 8294400 px per output frame (e.g. 3839×2159), 3600 frames and 180 s"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not a video ffmpeg can read, a still image, or a container that is not accepted. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "video is a PNG image, not a video; send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream (to upscale one image, use /upscale)"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    genFrameInterpolation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
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
            /** @description The interpolated video, one H.264 mp4 as a `data:video/mp4;base64,…` URL in `images`. */
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
                     *           "url": "data:video/mp4;base64,AAAAIGZ0eXBpc29t…",
                     *           "seed": 42,
                     *           "nsfw": false
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ImageResponse"];
                };
            };
            /** @description Both or neither of `video` and the image pair, one image without the other, images of different sizes, not exactly one of `output_fps`, `multiplier` and `times_to_interpolate`, a target rate below the source's, a source rate (`source_fps` or the video's) below 0.0001 fps (one frame per 10,000 s: what ffmpeg's mp4 muxer writes with a margin) or above 240 fps, an output rate above 240 fps however it is asked for (`source_fps` or the video's rate × `multiplier` or × 2^`times_to_interpolate`), a video with fewer than 2 frames, or a damaged video or image. The rates are checked before any image is decoded. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "output_fps 12 is below the source's 25 fps; frame interpolation only raises the frame rate"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The body, or the video's bytes, frame size, frames or duration, or the output frame count, are over this runner's limits. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "interpolating 300 frames at 25 fps to 120 fps makes 1440 output frames; at most 1440 output frames are allowed per job"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description A `video` that is not a video ffmpeg can read (or is a still image), or an image that is not PNG, JPEG or WebP. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "detail": {
                     *         "msg": "video is a PNG image, not a video; send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream (for two images, send first_image and last_image)"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            422: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
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
                 * @description The `X-Request-Id` of the POST whose job to follow.
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
    info: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What this runner serves. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "pipeline": "video-upscale",
                     *       "model_id": "upscalerjs/esrgan-slim-x4",
                     *       "version": "0.1.0",
                     *       "scale": 4,
                     *       "video_limits": {
                     *         "max_bytes": 268435456,
                     *         "max_input_pixels": 921600,
                     *         "max_output_pixels": 8294400,
                     *         "max_frames": 3600,
                     *         "max_duration_seconds": 180
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RunnerInfo"];
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
            /** @description The runner's state. */
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
            /** @description The model is still loading; ask again after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before asking again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "LOADING"
                     *     }
                     */
                    "application/json": components["schemas"]["HealthCheck"];
                };
            };
        };
    };
    hardware_info: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description GPU information. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "pipeline": "upscale",
                     *       "model_id": "upscalerjs/esrgan-slim-x4",
                     *       "gpu_info": {}
                     *     }
                     */
                    "application/json": components["schemas"]["HardwareInformation"];
                };
            };
        };
    };
    hardware_stats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description GPU statistics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "pipeline": "upscale",
                     *       "model_id": "upscalerjs/esrgan-slim-x4",
                     *       "gpu_stats": {}
                     *     }
                     */
                    "application/json": components["schemas"]["HardwareStats"];
                };
            };
        };
    };
    version: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Version information. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "pipeline": "upscale",
                     *       "model_id": "upscalerjs/esrgan-slim-x4",
                     *       "version": "0.1.0"
                     *     }
                     */
                    "application/json": components["schemas"]["Version"];
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
                    /** @example # TYPE avs_runner_requests_total counter */
                    "text/plain": string;
                };
            };
        };
    };
}
