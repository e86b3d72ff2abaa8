/**
 * Generated from specs/gateway.yaml by `avs-codegen` (resolved document). Do not edit by hand:
 * change the spec and run `pnpm generate`.
 */

import type { OpenApiDocument } from "@ai-video-subnet/server-kit";

/** The gateway API with every `$ref` inlined: what this server validates requests against and serves. */
export const gatewayDocument: OpenApiDocument = {
  "openapi": "3.1.0",
  "info": {
    "title": "AI Video Subnet gateway API",
    "version": "0.1.0",
    "description": "The public API of a broadcaster: generative media jobs served by a network of GPU operators. Each job goes to the best orchestrator that has its model (by warmth, free capacity, measured speed, success rate and price) and is retried elsewhere on failure. A job that names no model (`model_id` absent or empty) runs this gateway's default model for its pipeline, as at Livepeer's gateway. Unless the operator chose others, these are Livepeer's: `stabilityai/sdxl-turbo` for text-to-image and image-to-image, `stabilityai/stable-video-diffusion-img2vid-xt` for image-to-video, `stabilityai/stable-diffusion-x4-upscaler` for upscale; video-upscale and frame-interpolation have none unless the operator set one, and a job of theirs without `model_id` is then a 422 at `[\"body\", \"model_id\"]`. Results come back as URLs this gateway serves. Long work can run as an asynchronous job instead (`Prefer: respond-async`): see the `jobs` routes. Wire-compatible with Livepeer's AI gateway: its clients and curl examples work here.",
    "license": {
      "name": "MIT",
      "identifier": "MIT"
    }
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8937",
      "description": "A broadcaster started with its defaults."
    }
  ],
  "tags": [
    {
      "name": "generate",
      "description": "Generative media jobs."
    },
    {
      "name": "jobs",
      "description": "Asynchronous jobs: any generate route with `Prefer: respond-async` answers 202 with a job at once; read it, stream its progress or cancel it here. Jobs belong to the API key that created them (another key gets 404)."
    },
    {
      "name": "status",
      "description": "Health, the API reference and stored outputs."
    }
  ],
  "security": [
    {
      "HTTPBearer": []
    }
  ],
  "paths": {
    "/text-to-image": {
      "post": {
        "tags": [
          "generate"
        ],
        "summary": "Text To Image",
        "description": "Generate images from text prompts.",
        "operationId": "genTextToImage",
        "x-avs-pipeline": {
          "files": {},
          "units": {
            "pixels": [
              "width",
              "height"
            ],
            "steps": "num_inference_steps",
            "images": "num_images_per_prompt"
          }
        },
        "parameters": [
          {
            "name": "X-Request-Id",
            "in": "header",
            "required": false,
            "description": "Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response.",
            "schema": {
              "type": "string",
              "maxLength": 128,
              "pattern": "^(?!\\.\\.?$)[\\x21-\\x7e]+$"
            }
          },
          {
            "name": "Prefer",
            "in": "header",
            "required": false,
            "description": "`respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.",
            "schema": {
              "type": "string",
              "maxLength": 1024
            },
            "example": "respond-async"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `[\"header\", \"Idempotency-Key\"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255,
              "pattern": "^[\\x21-\\x7e]+$"
            },
            "example": "order-1234-thumbnail"
          },
          {
            "name": "Webhook-Url",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{\"type\":\"job.running\"|\"job.succeeded\"|\"job.failed\"|\"job.cancelled\",\"timestamp\":…,\"data\":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.",
            "schema": {
              "type": "string",
              "maxLength": 2048,
              "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
            },
            "example": "https://app.example.com/hooks/avs"
          },
          {
            "name": "Webhook-Secret",
            "in": "header",
            "required": false,
            "description": "The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.",
            "schema": {
              "type": "string",
              "maxLength": 100,
              "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$"
            },
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "prompt"
                ],
                "properties": {
                  "model_id": {
                    "type": "string",
                    "description": "Hugging Face-style model ID used for generation. A runner serves one model: when non-empty it must equal the loaded model. An orchestrator requires it. A gateway runs its default model for the pipeline when it is absent or empty (see each gateway route).",
                    "maxLength": 256,
                    "pattern": "^([A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*)?$",
                    "default": ""
                  },
                  "loras": {
                    "type": "string",
                    "description": "A JSON object of LoRA ids and weights, as a string, e.g. `{\"latent-consistency/lcm-lora-sdxl\": 1.0}`. At most 4 entries; weights are numbers from 0 to 100 (1 is the LoRA as trained). An id is `name` or `org/name` (letters, digits, `_`, `-`, `.`), the folder of a LoRA installed in the runner's models directory; an id that names no LoRA, a file over the runner's `MAX_LORA_BYTES` or a LoRA for another base model is a 400.",
                    "maxLength": 4096,
                    "default": ""
                  },
                  "prompt": {
                    "type": "string",
                    "description": "Text prompt(s) to guide image generation.",
                    "maxLength": 20000
                  },
                  "height": {
                    "default": 576,
                    "type": "integer",
                    "description": "The height in pixels of the generated image; must be a multiple of 8.",
                    "minimum": 8,
                    "maximum": 4096
                  },
                  "width": {
                    "default": 1024,
                    "type": "integer",
                    "description": "The width in pixels of the generated image; must be a multiple of 8.",
                    "minimum": 8,
                    "maximum": 4096
                  },
                  "guidance_scale": {
                    "type": "number",
                    "description": "Encourages model to generate images closely linked to the text prompt (higher values may reduce image quality).",
                    "minimum": 0,
                    "maximum": 100,
                    "default": 7.5
                  },
                  "negative_prompt": {
                    "type": "string",
                    "description": "Text prompt(s) to guide what to exclude from image generation. Ignored if guidance_scale < 1.",
                    "maxLength": 20000,
                    "default": ""
                  },
                  "safety_check": {
                    "type": "boolean",
                    "description": "Perform a safety check to estimate if generated images could be offensive or harmful.",
                    "default": true
                  },
                  "seed": {
                    "type": "integer",
                    "description": "Seed for random number generation. Image *i* of a request uses `seed + i`; drawn at random when absent.",
                    "minimum": 0,
                    "maximum": 9007199254740991
                  },
                  "num_inference_steps": {
                    "type": "integer",
                    "description": "Number of denoising steps. More steps usually lead to higher quality images but slower inference.",
                    "minimum": 1,
                    "maximum": 1000,
                    "default": 50
                  },
                  "num_images_per_prompt": {
                    "type": "integer",
                    "description": "Number of images to generate per prompt.",
                    "minimum": 1,
                    "maximum": 16,
                    "default": 1
                  }
                }
              },
              "examples": {
                "default_model": {
                  "summary": "Livepeer's client, without a model (the gateway's default runs)",
                  "value": {
                    "prompt": "a lighthouse on a cliff at dawn, oil painting"
                  }
                },
                "turbo": {
                  "summary": "One image from SD-Turbo in one step",
                  "value": {
                    "model_id": "stabilityai/sd-turbo",
                    "prompt": "a lighthouse on a cliff at dawn, oil painting",
                    "width": 512,
                    "height": 512,
                    "guidance_scale": 0,
                    "num_inference_steps": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The generated images, as URLs this gateway serves.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for image generation.",
                  "required": [
                    "images"
                  ],
                  "properties": {
                    "images": {
                      "type": "array",
                      "description": "The generated images.",
                      "items": {
                        "type": "object",
                        "description": "A media object containing information about the generated media.",
                        "required": [
                          "url",
                          "seed",
                          "nsfw"
                        ],
                        "properties": {
                          "url": {
                            "type": "string",
                            "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                          },
                          "seed": {
                            "type": "integer",
                            "description": "The seed used to generate the media."
                          },
                          "nsfw": {
                            "type": "boolean",
                            "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "202": {
            "description": "`Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook.",
            "headers": {
              "Location": {
                "description": "The job's URL, `/jobs/{id}`.",
                "schema": {
                  "type": "string"
                }
              },
              "Preference-Applied": {
                "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
                "schema": {
                  "type": "string"
                }
              },
              "Idempotent-Replayed": {
                "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
                "schema": {
                  "type": "string"
                }
              },
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                  "status": "queued",
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                  "created_at": "2025-06-01T12:00:00.000Z",
                  "progress": {
                    "fraction": 0
                  },
                  "cancel_requested": false,
                  "webhook": {
                    "url": "https://app.example.com/hooks/avs",
                    "deliveries": []
                  }
                }
              }
            }
          },
          "400": {
            "description": "The request is well-formed but cannot be served (wrong model, size not a multiple of 8, bad LoRA, limits).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Height and width must be divisible by 8"
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "413": {
            "description": "The body, an uploaded file or the decoded image is larger than this server accepts.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "request body is larger than the limit of 52428800 bytes"
                  }
                }
              }
            }
          },
          "415": {
            "description": "The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image must be a PNG, JPEG or WebP file"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "rate limit of 60 requests per minute exceeded"
                  }
                }
              }
            }
          },
          "500": {
            "description": "The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
                  }
                }
              }
            }
          },
          "502": {
            "description": "Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
                  }
                }
              }
            }
          },
          "503": {
            "description": "No orchestrator could run the job within the retry budget; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/image-to-image": {
      "post": {
        "tags": [
          "generate"
        ],
        "summary": "Image To Image",
        "description": "Apply image transformations to a provided image.",
        "operationId": "genImageToImage",
        "x-avs-pipeline": {
          "files": {
            "image": "image"
          },
          "units": {
            "pixels": "image",
            "steps": "num_inference_steps",
            "images": "num_images_per_prompt"
          }
        },
        "parameters": [
          {
            "name": "X-Request-Id",
            "in": "header",
            "required": false,
            "description": "Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response.",
            "schema": {
              "type": "string",
              "maxLength": 128,
              "pattern": "^(?!\\.\\.?$)[\\x21-\\x7e]+$"
            }
          },
          {
            "name": "Prefer",
            "in": "header",
            "required": false,
            "description": "`respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.",
            "schema": {
              "type": "string",
              "maxLength": 1024
            },
            "example": "respond-async"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `[\"header\", \"Idempotency-Key\"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255,
              "pattern": "^[\\x21-\\x7e]+$"
            },
            "example": "order-1234-thumbnail"
          },
          {
            "name": "Webhook-Url",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{\"type\":\"job.running\"|\"job.succeeded\"|\"job.failed\"|\"job.cancelled\",\"timestamp\":…,\"data\":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.",
            "schema": {
              "type": "string",
              "maxLength": 2048,
              "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
            },
            "example": "https://app.example.com/hooks/avs"
          },
          {
            "name": "Webhook-Secret",
            "in": "header",
            "required": false,
            "description": "The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.",
            "schema": {
              "type": "string",
              "maxLength": 100,
              "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$"
            },
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "multipart/form-data": {
              "schema": {
                "type": "object",
                "required": [
                  "prompt",
                  "image"
                ],
                "properties": {
                  "prompt": {
                    "type": "string",
                    "description": "Text prompt(s) to guide image generation.",
                    "maxLength": 20000
                  },
                  "image": {
                    "type": "string",
                    "format": "binary",
                    "description": "Uploaded image (PNG, JPEG or WebP). The type is read from the bytes, never from the part's Content-Type or file name."
                  },
                  "model_id": {
                    "type": "string",
                    "description": "Hugging Face-style model ID used for generation. A runner serves one model: when non-empty it must equal the loaded model. An orchestrator requires it. A gateway runs its default model for the pipeline when it is absent or empty (see each gateway route).",
                    "maxLength": 256,
                    "pattern": "^([A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*)?$",
                    "default": ""
                  },
                  "loras": {
                    "type": "string",
                    "description": "A JSON object of LoRA ids and weights, as a string, e.g. `{\"latent-consistency/lcm-lora-sdxl\": 1.0}`. At most 4 entries; weights are numbers from 0 to 100 (1 is the LoRA as trained). An id is `name` or `org/name` (letters, digits, `_`, `-`, `.`), the folder of a LoRA installed in the runner's models directory; an id that names no LoRA, a file over the runner's `MAX_LORA_BYTES` or a LoRA for another base model is a 400.",
                    "maxLength": 4096,
                    "default": ""
                  },
                  "strength": {
                    "type": "number",
                    "description": "Degree of transformation applied to the reference image (0 to 1).",
                    "minimum": 0,
                    "maximum": 1,
                    "default": 0.8
                  },
                  "guidance_scale": {
                    "type": "number",
                    "description": "Encourages model to generate images closely linked to the text prompt (higher values may reduce image quality).",
                    "minimum": 0,
                    "maximum": 100,
                    "default": 7.5
                  },
                  "image_guidance_scale": {
                    "type": "number",
                    "description": "Degree to which the generated image is pushed towards the initial image.",
                    "minimum": 0,
                    "maximum": 100,
                    "default": 1.5
                  },
                  "negative_prompt": {
                    "type": "string",
                    "description": "Text prompt(s) to guide what to exclude from image generation. Ignored if guidance_scale < 1.",
                    "maxLength": 20000,
                    "default": ""
                  },
                  "safety_check": {
                    "type": "boolean",
                    "description": "Perform a safety check to estimate if generated images could be offensive or harmful.",
                    "default": true
                  },
                  "seed": {
                    "type": "integer",
                    "description": "Seed for random number generation. Image *i* of a request uses `seed + i`; drawn at random when absent.",
                    "minimum": 0,
                    "maximum": 9007199254740991
                  },
                  "num_inference_steps": {
                    "type": "integer",
                    "description": "Number of denoising steps. More steps usually lead to higher quality images but slower inference. Modulated by strength.",
                    "minimum": 1,
                    "maximum": 1000,
                    "default": 100
                  },
                  "num_images_per_prompt": {
                    "type": "integer",
                    "description": "Number of images to generate per prompt.",
                    "minimum": 1,
                    "maximum": 16,
                    "default": 1
                  }
                }
              },
              "examples": {
                "default_model": {
                  "summary": "Without a model (the gateway's default runs)",
                  "value": {
                    "prompt": "as a watercolour",
                    "image": "(image bytes)"
                  }
                },
                "repaint": {
                  "summary": "Repaint a photo as a watercolour",
                  "value": {
                    "model_id": "stabilityai/sd-turbo",
                    "prompt": "as a watercolour",
                    "image": "(image bytes)",
                    "strength": 0.5
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The generated images, as URLs this gateway serves.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for image generation.",
                  "required": [
                    "images"
                  ],
                  "properties": {
                    "images": {
                      "type": "array",
                      "description": "The generated images.",
                      "items": {
                        "type": "object",
                        "description": "A media object containing information about the generated media.",
                        "required": [
                          "url",
                          "seed",
                          "nsfw"
                        ],
                        "properties": {
                          "url": {
                            "type": "string",
                            "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                          },
                          "seed": {
                            "type": "integer",
                            "description": "The seed used to generate the media."
                          },
                          "nsfw": {
                            "type": "boolean",
                            "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "202": {
            "description": "`Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook.",
            "headers": {
              "Location": {
                "description": "The job's URL, `/jobs/{id}`.",
                "schema": {
                  "type": "string"
                }
              },
              "Preference-Applied": {
                "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
                "schema": {
                  "type": "string"
                }
              },
              "Idempotent-Replayed": {
                "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
                "schema": {
                  "type": "string"
                }
              },
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                  "status": "queued",
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                  "created_at": "2025-06-01T12:00:00.000Z",
                  "progress": {
                    "fraction": 0
                  },
                  "cancel_requested": false,
                  "webhook": {
                    "url": "https://app.example.com/hooks/avs",
                    "deliveries": []
                  }
                }
              }
            }
          },
          "400": {
            "description": "The request is well-formed but cannot be served (wrong model, size not a multiple of 8, bad LoRA, limits).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Height and width must be divisible by 8"
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "413": {
            "description": "The body, an uploaded file or the decoded image is larger than this server accepts.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "request body is larger than the limit of 52428800 bytes"
                  }
                }
              }
            }
          },
          "415": {
            "description": "The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image must be a PNG, JPEG or WebP file"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "rate limit of 60 requests per minute exceeded"
                  }
                }
              }
            }
          },
          "500": {
            "description": "The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
                  }
                }
              }
            }
          },
          "502": {
            "description": "Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
                  }
                }
              }
            }
          },
          "503": {
            "description": "No orchestrator could run the job within the retry budget; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/image-to-video": {
      "post": {
        "tags": [
          "generate"
        ],
        "summary": "Image To Video",
        "description": "Generate a video from a provided image. The result is one H.264 mp4, as the single entry of `images`. With `output_fps` above `fps` (our extension), an orchestrator that also serves a frame-interpolation model interpolates the frames to that rate with FILM, e.g. 14 frames at 7 fps → 48 frames at 24 fps, about 2 s.",
        "operationId": "genImageToVideo",
        "x-avs-pipeline": {
          "files": {
            "image": "image"
          },
          "units": {
            "pixels": [
              "width",
              "height"
            ],
            "frames": 25,
            "steps": "num_inference_steps"
          }
        },
        "parameters": [
          {
            "name": "X-Request-Id",
            "in": "header",
            "required": false,
            "description": "Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response.",
            "schema": {
              "type": "string",
              "maxLength": 128,
              "pattern": "^(?!\\.\\.?$)[\\x21-\\x7e]+$"
            }
          },
          {
            "name": "Prefer",
            "in": "header",
            "required": false,
            "description": "`respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.",
            "schema": {
              "type": "string",
              "maxLength": 1024
            },
            "example": "respond-async"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `[\"header\", \"Idempotency-Key\"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255,
              "pattern": "^[\\x21-\\x7e]+$"
            },
            "example": "order-1234-thumbnail"
          },
          {
            "name": "Webhook-Url",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{\"type\":\"job.running\"|\"job.succeeded\"|\"job.failed\"|\"job.cancelled\",\"timestamp\":…,\"data\":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.",
            "schema": {
              "type": "string",
              "maxLength": 2048,
              "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
            },
            "example": "https://app.example.com/hooks/avs"
          },
          {
            "name": "Webhook-Secret",
            "in": "header",
            "required": false,
            "description": "The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.",
            "schema": {
              "type": "string",
              "maxLength": 100,
              "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$"
            },
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "multipart/form-data": {
              "schema": {
                "allOf": [
                  {
                    "type": "object",
                    "required": [
                      "image"
                    ],
                    "properties": {
                      "image": {
                        "type": "string",
                        "format": "binary",
                        "description": "Uploaded image (PNG, JPEG or WebP). The type is read from the bytes, never from the part's Content-Type or file name."
                      },
                      "model_id": {
                        "type": "string",
                        "description": "Hugging Face-style model ID used for generation. A runner serves one model: when non-empty it must equal the loaded model. An orchestrator requires it. A gateway runs its default model for the pipeline when it is absent or empty (see each gateway route).",
                        "maxLength": 256,
                        "pattern": "^([A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*)?$",
                        "default": ""
                      },
                      "height": {
                        "description": "The height in pixels of the generated video; must be a multiple of 8.",
                        "default": 576,
                        "type": "integer",
                        "minimum": 8,
                        "maximum": 4096
                      },
                      "width": {
                        "description": "The width in pixels of the generated video; must be a multiple of 8.",
                        "default": 1024,
                        "type": "integer",
                        "minimum": 8,
                        "maximum": 4096
                      },
                      "fps": {
                        "type": "integer",
                        "description": "The frames per second of the generated video.",
                        "minimum": 1,
                        "maximum": 120,
                        "default": 6
                      },
                      "motion_bucket_id": {
                        "type": "integer",
                        "description": "Used for conditioning the amount of motion for the generation. The higher the number the more motion will be in the video.",
                        "minimum": 0,
                        "maximum": 1023,
                        "default": 127
                      },
                      "noise_aug_strength": {
                        "type": "number",
                        "description": "Amount of noise added to the conditioning image. Higher values reduce resemblance to the conditioning image and increase motion.",
                        "minimum": 0,
                        "maximum": 10,
                        "default": 0.02
                      },
                      "safety_check": {
                        "type": "boolean",
                        "description": "Perform a safety check to estimate if generated images could be offensive or harmful.",
                        "default": true
                      },
                      "seed": {
                        "type": "integer",
                        "description": "Seed for random number generation. Image *i* of a request uses `seed + i`; drawn at random when absent.",
                        "minimum": 0,
                        "maximum": 9007199254740991
                      },
                      "num_inference_steps": {
                        "type": "integer",
                        "description": "Number of denoising steps. More steps usually lead to higher quality videos but slower inference.",
                        "minimum": 1,
                        "maximum": 1000,
                        "default": 25
                      },
                      "min_guidance_scale": {
                        "type": "number",
                        "description": "Extension (not in Livepeer's API). Classifier-free guidance of the first frame; frame *i* of *n* gets min + (max − min)·i/(n − 1), as diffusers' StableVideoDiffusionPipeline. Must not exceed max_guidance_scale.",
                        "minimum": 0,
                        "maximum": 100,
                        "default": 1
                      },
                      "max_guidance_scale": {
                        "type": "number",
                        "description": "Extension (not in Livepeer's API). Classifier-free guidance of the last frame; guidance runs (two UNet passes per step) only when it is above 1.",
                        "minimum": 0,
                        "maximum": 100,
                        "default": 3
                      },
                      "decode_chunk_size": {
                        "type": "integer",
                        "description": "Extension (not in Livepeer's API). Frames the temporal VAE decoder decodes at once: lower needs less memory, higher is smoother across chunk edges; clamped to the model's frame count. The default, 4, is what Livepeer's ai-runner passes to diffusers, so a request without the field decodes as it does there.",
                        "minimum": 1,
                        "maximum": 64,
                        "default": 4
                      }
                    }
                  },
                  {
                    "type": "object",
                    "description": "Extension of the orchestrator's and gateway's `/image-to-video` (not in Livepeer's API, never sent to a runner): the image-to-video → FILM chain. With `output_fps` above `fps`, the orchestrator runs the image-to-video runner, hands its frames losslessly to a frame-interpolation runner of the same orchestrator and answers the interpolated mp4: e.g. 14 SVD frames at `fps` 7 with `output_fps` 24 make 48 frames at 24 fps, about 2 s. Without these fields the answer is Livepeer's, unchanged.",
                    "properties": {
                      "output_fps": {
                        "type": "number",
                        "description": "The frame rate of the answered mp4. Above `fps`, the model's frames are interpolated to it with FILM at exact times (N frames at `fps` last N / fps s, and so does the output: 14 at 7 fps → 48 at 24 fps); equal to `fps`, nothing is interpolated; below `fps` is refused with 400. The output frame count must fit the frame-interpolation runner's `max_output_frames`, and `width` × `height` its `max_input_pixels` (else 413, before the video is generated).",
                        "minimum": 1,
                        "maximum": 240,
                        "examples": [
                          24
                        ]
                      },
                      "interpolation_model_id": {
                        "type": "string",
                        "description": "The FILM model that interpolates (a `frame-interpolation` model of the orchestrator). Default (absent or empty): the orchestrator's frame-interpolation model when it has exactly one. Only with `output_fps`; with `output_fps` equal to `fps` nothing is interpolated and no FILM model runs, whichever is named.",
                        "maxLength": 256,
                        "examples": [
                          "tiny/film"
                        ]
                      }
                    }
                  }
                ]
              },
              "examples": {
                "default_model": {
                  "summary": "Without a model (the gateway's default runs)",
                  "value": {
                    "image": "(image bytes)",
                    "seed": 1
                  }
                },
                "clip": {
                  "summary": "A clip from a still",
                  "value": {
                    "model_id": "stabilityai/stable-video-diffusion-img2vid-xt",
                    "image": "(image bytes)",
                    "seed": 1
                  }
                },
                "film24": {
                  "summary": "About 2 s at 24 fps (SVD, then FILM)",
                  "description": "14 SVD frames at 7 fps, interpolated by FILM to 48 frames at 24 fps (≈ 2 s).",
                  "value": {
                    "model_id": "stabilityai/stable-video-diffusion-img2vid",
                    "image": "(image bytes)",
                    "fps": 7,
                    "output_fps": 24,
                    "interpolation_model_id": "google/film-net"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "One mp4 URL this gateway serves.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for image generation.",
                  "required": [
                    "images"
                  ],
                  "properties": {
                    "images": {
                      "type": "array",
                      "description": "The generated images.",
                      "items": {
                        "type": "object",
                        "description": "A media object containing information about the generated media.",
                        "required": [
                          "url",
                          "seed",
                          "nsfw"
                        ],
                        "properties": {
                          "url": {
                            "type": "string",
                            "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                          },
                          "seed": {
                            "type": "integer",
                            "description": "The seed used to generate the media."
                          },
                          "nsfw": {
                            "type": "boolean",
                            "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "202": {
            "description": "`Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook.",
            "headers": {
              "Location": {
                "description": "The job's URL, `/jobs/{id}`.",
                "schema": {
                  "type": "string"
                }
              },
              "Preference-Applied": {
                "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
                "schema": {
                  "type": "string"
                }
              },
              "Idempotent-Replayed": {
                "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
                "schema": {
                  "type": "string"
                }
              },
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                  "status": "queued",
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                  "created_at": "2025-06-01T12:00:00.000Z",
                  "progress": {
                    "fraction": 0
                  },
                  "cancel_requested": false,
                  "webhook": {
                    "url": "https://app.example.com/hooks/avs",
                    "deliveries": []
                  }
                }
              }
            }
          },
          "400": {
            "description": "The request is well-formed but cannot be served (wrong model, size not a multiple of 8, bad LoRA, limits).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Height and width must be divisible by 8"
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "413": {
            "description": "The body, an uploaded file or the decoded image is larger than this server accepts.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "request body is larger than the limit of 52428800 bytes"
                  }
                }
              }
            }
          },
          "415": {
            "description": "The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image must be a PNG, JPEG or WebP file"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "rate limit of 60 requests per minute exceeded"
                  }
                }
              }
            }
          },
          "500": {
            "description": "The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
                  }
                }
              }
            }
          },
          "502": {
            "description": "Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
                  }
                }
              }
            }
          },
          "503": {
            "description": "No orchestrator could run the job within the retry budget; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/upscale": {
      "post": {
        "tags": [
          "generate"
        ],
        "summary": "Upscale",
        "description": "Upscale an image by increasing its resolution.",
        "operationId": "genUpscale",
        "x-avs-pipeline": {
          "files": {
            "image": "image"
          },
          "units": {
            "pixels": "image",
            "steps": "num_inference_steps"
          }
        },
        "parameters": [
          {
            "name": "X-Request-Id",
            "in": "header",
            "required": false,
            "description": "Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response.",
            "schema": {
              "type": "string",
              "maxLength": 128,
              "pattern": "^(?!\\.\\.?$)[\\x21-\\x7e]+$"
            }
          },
          {
            "name": "Prefer",
            "in": "header",
            "required": false,
            "description": "`respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.",
            "schema": {
              "type": "string",
              "maxLength": 1024
            },
            "example": "respond-async"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `[\"header\", \"Idempotency-Key\"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255,
              "pattern": "^[\\x21-\\x7e]+$"
            },
            "example": "order-1234-thumbnail"
          },
          {
            "name": "Webhook-Url",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{\"type\":\"job.running\"|\"job.succeeded\"|\"job.failed\"|\"job.cancelled\",\"timestamp\":…,\"data\":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.",
            "schema": {
              "type": "string",
              "maxLength": 2048,
              "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
            },
            "example": "https://app.example.com/hooks/avs"
          },
          {
            "name": "Webhook-Secret",
            "in": "header",
            "required": false,
            "description": "The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.",
            "schema": {
              "type": "string",
              "maxLength": 100,
              "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$"
            },
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "multipart/form-data": {
              "schema": {
                "type": "object",
                "required": [
                  "prompt",
                  "image"
                ],
                "properties": {
                  "prompt": {
                    "description": "Text prompt(s) to guide upscaled image generation. Accepted for compatibility; ESRGAN models ignore it. Send some text: Livepeer's runners read an empty form field as one not sent, so they refuse an empty prompt.",
                    "type": "string",
                    "maxLength": 20000
                  },
                  "image": {
                    "type": "string",
                    "format": "binary",
                    "description": "Uploaded image (PNG, JPEG or WebP). The type is read from the bytes, never from the part's Content-Type or file name."
                  },
                  "model_id": {
                    "type": "string",
                    "description": "Hugging Face-style model ID used for generation. A runner serves one model: when non-empty it must equal the loaded model. An orchestrator requires it. A gateway runs its default model for the pipeline when it is absent or empty (see each gateway route).",
                    "maxLength": 256,
                    "pattern": "^([A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*)?$",
                    "default": ""
                  },
                  "safety_check": {
                    "type": "boolean",
                    "description": "Perform a safety check to estimate if generated images could be offensive or harmful.",
                    "default": true
                  },
                  "seed": {
                    "type": "integer",
                    "description": "Seed for random number generation. Image *i* of a request uses `seed + i`; drawn at random when absent.",
                    "minimum": 0,
                    "maximum": 9007199254740991
                  },
                  "num_inference_steps": {
                    "type": "integer",
                    "description": "Number of denoising steps (diffusion upscalers only; ESRGAN models ignore it).",
                    "minimum": 1,
                    "maximum": 1000,
                    "default": 75
                  }
                }
              },
              "examples": {
                "default_model": {
                  "summary": "Without a model (the gateway's default runs)",
                  "value": {
                    "prompt": "",
                    "image": "(image bytes)"
                  }
                },
                "x4": {
                  "summary": "Upscale four times with the real ESRGAN weights",
                  "value": {
                    "model_id": "upscalerjs/esrgan-slim-x4",
                    "prompt": "",
                    "image": "(image bytes)"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The upscaled image, as a URL this gateway serves.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for image generation.",
                  "required": [
                    "images"
                  ],
                  "properties": {
                    "images": {
                      "type": "array",
                      "description": "The generated images.",
                      "items": {
                        "type": "object",
                        "description": "A media object containing information about the generated media.",
                        "required": [
                          "url",
                          "seed",
                          "nsfw"
                        ],
                        "properties": {
                          "url": {
                            "type": "string",
                            "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                          },
                          "seed": {
                            "type": "integer",
                            "description": "The seed used to generate the media."
                          },
                          "nsfw": {
                            "type": "boolean",
                            "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "202": {
            "description": "`Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook.",
            "headers": {
              "Location": {
                "description": "The job's URL, `/jobs/{id}`.",
                "schema": {
                  "type": "string"
                }
              },
              "Preference-Applied": {
                "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
                "schema": {
                  "type": "string"
                }
              },
              "Idempotent-Replayed": {
                "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
                "schema": {
                  "type": "string"
                }
              },
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                  "status": "queued",
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                  "created_at": "2025-06-01T12:00:00.000Z",
                  "progress": {
                    "fraction": 0
                  },
                  "cancel_requested": false,
                  "webhook": {
                    "url": "https://app.example.com/hooks/avs",
                    "deliveries": []
                  }
                }
              }
            }
          },
          "400": {
            "description": "The request is well-formed but cannot be served (wrong model, size not a multiple of 8, bad LoRA, limits).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Height and width must be divisible by 8"
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "413": {
            "description": "The body, an uploaded file or the decoded image is larger than this server accepts.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "request body is larger than the limit of 52428800 bytes"
                  }
                }
              }
            }
          },
          "415": {
            "description": "The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image must be a PNG, JPEG or WebP file"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "rate limit of 60 requests per minute exceeded"
                  }
                }
              }
            }
          },
          "500": {
            "description": "The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
                  }
                }
              }
            }
          },
          "502": {
            "description": "Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
                  }
                }
              }
            }
          },
          "503": {
            "description": "No orchestrator could run the job within the retry budget; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/video-upscale": {
      "post": {
        "tags": [
          "generate"
        ],
        "summary": "Video Upscale",
        "description": "Upscale every frame of a video with an ESRGAN model (our extension). The result is one H.264 mp4 with the same frame count, frame rate, timestamps and audio, as the single entry of `images`. Long videos suit `Prefer: respond-async` (progress per frame on the job's event stream).",
        "operationId": "genVideoUpscale",
        "x-avs-pipeline": {
          "files": {
            "video": "video"
          },
          "units": {
            "pixels": "video",
            "frames": "video"
          }
        },
        "parameters": [
          {
            "name": "X-Request-Id",
            "in": "header",
            "required": false,
            "description": "Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response.",
            "schema": {
              "type": "string",
              "maxLength": 128,
              "pattern": "^(?!\\.\\.?$)[\\x21-\\x7e]+$"
            }
          },
          {
            "name": "Prefer",
            "in": "header",
            "required": false,
            "description": "`respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.",
            "schema": {
              "type": "string",
              "maxLength": 1024
            },
            "example": "respond-async"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `[\"header\", \"Idempotency-Key\"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255,
              "pattern": "^[\\x21-\\x7e]+$"
            },
            "example": "order-1234-thumbnail"
          },
          {
            "name": "Webhook-Url",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{\"type\":\"job.running\"|\"job.succeeded\"|\"job.failed\"|\"job.cancelled\",\"timestamp\":…,\"data\":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.",
            "schema": {
              "type": "string",
              "maxLength": 2048,
              "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
            },
            "example": "https://app.example.com/hooks/avs"
          },
          {
            "name": "Webhook-Secret",
            "in": "header",
            "required": false,
            "description": "The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.",
            "schema": {
              "type": "string",
              "maxLength": 100,
              "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$"
            },
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "multipart/form-data": {
              "schema": {
                "type": "object",
                "description": "Upscale every frame of a video with an ESRGAN model (our extension; Livepeer has no such route). The answer is one H.264 yuv420p mp4 (`+faststart`) with the same frame count, frame rate and timestamps, and the first audio stream up to the video's end (copied when MP4 holds its codec, else encoded to AAC; sound past the last frame is cut).",
                "required": [
                  "video"
                ],
                "properties": {
                  "video": {
                    "type": "string",
                    "format": "binary",
                    "description": "Uploaded video: MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream in any codec ffmpeg decodes (H.264, H.265, VP8, VP9, AV1, ProRes, …). The type is read from the bytes, never from the part's Content-Type or file name; a still image is refused (use `/upscale` for one image)."
                  },
                  "model_id": {
                    "type": "string",
                    "description": "Hugging Face-style model ID used for generation. A runner serves one model: when non-empty it must equal the loaded model. An orchestrator requires it. A gateway runs its default model for the pipeline when it is absent or empty (see each gateway route).",
                    "maxLength": 256,
                    "pattern": "^([A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*)?$",
                    "default": ""
                  },
                  "seed": {
                    "description": "Reported back in the answer's Media for symmetry with `/upscale`; ESRGAN models are deterministic and ignore it.",
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 9007199254740991
                  }
                }
              },
              "examples": {
                "x4": {
                  "summary": "Upscale a clip four times with the real ESRGAN weights",
                  "value": {
                    "model_id": "upscalerjs/esrgan-slim-x4",
                    "video": "(video bytes)"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "One mp4 URL this gateway serves.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for image generation.",
                  "required": [
                    "images"
                  ],
                  "properties": {
                    "images": {
                      "type": "array",
                      "description": "The generated images.",
                      "items": {
                        "type": "object",
                        "description": "A media object containing information about the generated media.",
                        "required": [
                          "url",
                          "seed",
                          "nsfw"
                        ],
                        "properties": {
                          "url": {
                            "type": "string",
                            "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                          },
                          "seed": {
                            "type": "integer",
                            "description": "The seed used to generate the media."
                          },
                          "nsfw": {
                            "type": "boolean",
                            "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "images": [
                    {
                      "url": "http://127.0.0.1:8080/outputs/9fQ2LmZx.mp4",
                      "seed": 42,
                      "nsfw": false
                    }
                  ]
                }
              }
            }
          },
          "202": {
            "description": "`Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook.",
            "headers": {
              "Location": {
                "description": "The job's URL, `/jobs/{id}`.",
                "schema": {
                  "type": "string"
                }
              },
              "Preference-Applied": {
                "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
                "schema": {
                  "type": "string"
                }
              },
              "Idempotent-Replayed": {
                "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
                "schema": {
                  "type": "string"
                }
              },
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                  "status": "queued",
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                  "created_at": "2025-06-01T12:00:00.000Z",
                  "progress": {
                    "fraction": 0
                  },
                  "cancel_requested": false,
                  "webhook": {
                    "url": "https://app.example.com/hooks/avs",
                    "deliveries": []
                  }
                }
              }
            }
          },
          "400": {
            "description": "The request is well-formed but cannot be served (wrong model, size not a multiple of 8, bad LoRA, limits).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Height and width must be divisible by 8"
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "413": {
            "description": "The body, an uploaded file or the decoded image is larger than this server accepts.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "request body is larger than the limit of 52428800 bytes"
                  }
                }
              }
            }
          },
          "415": {
            "description": "The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image must be a PNG, JPEG or WebP file"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "rate limit of 60 requests per minute exceeded"
                  }
                }
              }
            }
          },
          "500": {
            "description": "The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
                  }
                }
              }
            }
          },
          "502": {
            "description": "Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
                  }
                }
              }
            }
          },
          "503": {
            "description": "No orchestrator could run the job within the retry budget; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/frame-interpolation": {
      "post": {
        "tags": [
          "generate"
        ],
        "summary": "Frame Interpolation",
        "description": "Raise the frame rate of a video, or make a clip from two images, with a FILM model (our extension): a target `output_fps`, a `multiplier` or FILM's `times_to_interpolate`. The result is one H.264 mp4 of the same duration, as the single entry of `images`. Long videos suit `Prefer: respond-async` (progress per output frame on the job's event stream).",
        "operationId": "genFrameInterpolation",
        "x-avs-pipeline": {
          "files": {
            "video": "video",
            "first_image": "image",
            "last_image": "image"
          },
          "units": {
            "pixels": [
              "video",
              "first_image"
            ],
            "frames": "video",
            "rate": {
              "output_fps": "output_fps",
              "multiplier": "multiplier",
              "times_to_interpolate": "times_to_interpolate",
              "source_fps": "source_fps"
            }
          }
        },
        "parameters": [
          {
            "name": "X-Request-Id",
            "in": "header",
            "required": false,
            "description": "Correlates one job across every layer. Accepted from the caller (1-128 visible ASCII characters, but not `.` or `..`, which a URL path of its job's progress cannot hold) or created, passed on to the next hop, and echoed in the response.",
            "schema": {
              "type": "string",
              "maxLength": 128,
              "pattern": "^(?!\\.\\.?$)[\\x21-\\x7e]+$"
            }
          },
          {
            "name": "Prefer",
            "in": "header",
            "required": false,
            "description": "`respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.",
            "schema": {
              "type": "string",
              "maxLength": 1024
            },
            "example": "respond-async"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `[\"header\", \"Idempotency-Key\"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255,
              "pattern": "^[\\x21-\\x7e]+$"
            },
            "example": "order-1234-thumbnail"
          },
          {
            "name": "Webhook-Url",
            "in": "header",
            "required": false,
            "description": "With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{\"type\":\"job.running\"|\"job.succeeded\"|\"job.failed\"|\"job.cancelled\",\"timestamp\":…,\"data\":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.",
            "schema": {
              "type": "string",
              "maxLength": 2048,
              "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
            },
            "example": "https://app.example.com/hooks/avs"
          },
          {
            "name": "Webhook-Secret",
            "in": "header",
            "required": false,
            "description": "The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.",
            "schema": {
              "type": "string",
              "maxLength": 100,
              "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$"
            },
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "multipart/form-data": {
              "schema": {
                "type": "object",
                "description": "Raise a video's frame rate with a FILM model (our extension; Livepeer has no such route). The source is either `video` or the pair `first_image` + `last_image` (two frames `1 / source_fps` s apart), never both. The rate is set by exactly one of `output_fps` (an exact target rate: each new frame is interpolated at its own time `t` between its two source frames), `multiplier` (the source rate × n) or `times_to_interpolate` (FILM's recursive midpoints: 2^k − 1 frames between each pair). The duration is preserved (N frames at `fps` last N / fps s, and so does the output; a variable-frame-rate video is resampled on its frames' own times and keeps its real duration), except with `times_to_interpolate`, which, as FILM's reference does, ends on the last source frame (on a variable-frame-rate video its frames sit at m / 2^k of the time between each pair, so the output keeps the source's uneven spacing). The answer is one H.264 yuv420p mp4 (`+faststart`) without audio. The output frame count is checked against the runner's `max_output_frames` before any frame is decoded.",
                "properties": {
                  "video": {
                    "description": "The video whose frame rate to raise (MP4, WebM, MOV, …; at least 2 frames). Its frame rate is the stream's base rate; for a variable-frame-rate video it is the real average (frames / duration), which `output_fps` must reach and `multiplier` and `times_to_interpolate` multiply, and its frames are taken at their own times. Not with `first_image`/`last_image`.",
                    "type": "string",
                    "format": "binary"
                  },
                  "first_image": {
                    "description": "The first of two frames (PNG, JPEG or WebP) to interpolate between; needs `last_image` of the same size.",
                    "type": "string",
                    "format": "binary"
                  },
                  "last_image": {
                    "description": "The second of the two frames; same width and height as `first_image`.",
                    "type": "string",
                    "format": "binary"
                  },
                  "source_fps": {
                    "type": "number",
                    "description": "The frame rate of the image pair: the two images are `1 / source_fps` s apart and the output lasts `2 / source_fps` s (with `times_to_interpolate` k, which ends on the last image, `(1 + 2^−k) / source_fps` s). Ignored for `video` (its own rate is used). Below 0.0001 fps (one frame per 10 000 s) the mp4 cannot be written and the runner answers 400; so does a source rate or an output rate (however it is asked for) above 240 fps.",
                    "exclusiveMinimum": 0,
                    "maximum": 240,
                    "default": 1
                  },
                  "output_fps": {
                    "type": "number",
                    "description": "The output frame rate, at least the source's (a lower rate is refused with 400). Exact: 24 from 7 fps makes 24 frames per 7 source frames, at times j / 24 s.",
                    "exclusiveMinimum": 0,
                    "maximum": 240,
                    "examples": [
                      24
                    ]
                  },
                  "multiplier": {
                    "type": "integer",
                    "description": "The output frame rate as the source's times this (2 doubles it).",
                    "minimum": 2,
                    "maximum": 64,
                    "examples": [
                      2
                    ]
                  },
                  "times_to_interpolate": {
                    "type": "integer",
                    "description": "FILM's recursive midpoints: 2^k − 1 frames between each source pair at `t = m / 2^k`, each computed from its two neighbours; the output rate is the source's × 2^k.",
                    "minimum": 1,
                    "maximum": 6,
                    "examples": [
                      2
                    ]
                  },
                  "model_id": {
                    "type": "string",
                    "description": "Hugging Face-style model ID used for generation. A runner serves one model: when non-empty it must equal the loaded model. An orchestrator requires it. A gateway runs its default model for the pipeline when it is absent or empty (see each gateway route).",
                    "maxLength": 256,
                    "pattern": "^([A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*)?$",
                    "default": ""
                  },
                  "seed": {
                    "description": "Reported back in the answer's Media for symmetry with the other routes; FILM is deterministic and ignores it.",
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 9007199254740991
                  }
                }
              },
              "examples": {
                "video24": {
                  "summary": "A clip to 24 fps",
                  "value": {
                    "model_id": "tiny/film",
                    "video": "(video bytes)",
                    "output_fps": 24
                  }
                },
                "pair": {
                  "summary": "Two images one second apart to a 1 s clip at 24 fps",
                  "value": {
                    "model_id": "tiny/film",
                    "first_image": "(PNG bytes)",
                    "last_image": "(PNG bytes)",
                    "output_fps": 24
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "One mp4 URL this gateway serves.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for image generation.",
                  "required": [
                    "images"
                  ],
                  "properties": {
                    "images": {
                      "type": "array",
                      "description": "The generated images.",
                      "items": {
                        "type": "object",
                        "description": "A media object containing information about the generated media.",
                        "required": [
                          "url",
                          "seed",
                          "nsfw"
                        ],
                        "properties": {
                          "url": {
                            "type": "string",
                            "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                          },
                          "seed": {
                            "type": "integer",
                            "description": "The seed used to generate the media."
                          },
                          "nsfw": {
                            "type": "boolean",
                            "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "images": [
                    {
                      "url": "http://127.0.0.1:8080/outputs/Qm3xT8pa.mp4",
                      "seed": 42,
                      "nsfw": false
                    }
                  ]
                }
              }
            }
          },
          "202": {
            "description": "`Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook.",
            "headers": {
              "Location": {
                "description": "The job's URL, `/jobs/{id}`.",
                "schema": {
                  "type": "string"
                }
              },
              "Preference-Applied": {
                "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
                "schema": {
                  "type": "string"
                }
              },
              "Idempotent-Replayed": {
                "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
                "schema": {
                  "type": "string"
                }
              },
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                  "status": "queued",
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                  "created_at": "2025-06-01T12:00:00.000Z",
                  "progress": {
                    "fraction": 0
                  },
                  "cancel_requested": false,
                  "webhook": {
                    "url": "https://app.example.com/hooks/avs",
                    "deliveries": []
                  }
                }
              }
            }
          },
          "400": {
            "description": "The request is well-formed but cannot be served (wrong model, size not a multiple of 8, bad LoRA, limits).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Height and width must be divisible by 8"
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "413": {
            "description": "The body, an uploaded file or the decoded image is larger than this server accepts.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "request body is larger than the limit of 52428800 bytes"
                  }
                }
              }
            }
          },
          "415": {
            "description": "The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image must be a PNG, JPEG or WebP file"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "rate limit of 60 requests per minute exceeded"
                  }
                }
              }
            }
          },
          "500": {
            "description": "The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
                  }
                }
              }
            }
          },
          "502": {
            "description": "Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
                  }
                }
              }
            }
          },
          "503": {
            "description": "No orchestrator could run the job within the retry budget; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/jobs/{id}": {
      "get": {
        "tags": [
          "jobs"
        ],
        "summary": "Job",
        "description": "The job as it is now: status, progress, and when it ended its result (exactly the synchronous route's answer) or its error. Any gateway sharing the job store answers for any job.",
        "operationId": "getJob",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The job's id.",
            "schema": {
              "type": "string",
              "pattern": "^job_[A-Za-z0-9_-]{22}$"
            },
            "example": "job_4fZ0q2mB9yXcV1sLkT8wQe"
          }
        ],
        "responses": {
          "200": {
            "description": "The job.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "examples": {
                  "running": {
                    "summary": "A job on its way",
                    "value": {
                      "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                      "status": "running",
                      "pipeline": "image-to-video",
                      "model_id": "stabilityai/stable-video-diffusion-img2vid-xt",
                      "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                      "created_at": "2025-06-01T12:00:00.000Z",
                      "started_at": "2025-06-01T12:00:00.004Z",
                      "progress": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      },
                      "cancel_requested": false
                    }
                  },
                  "succeeded": {
                    "summary": "A finished job, with the synchronous route's answer",
                    "value": {
                      "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                      "status": "succeeded",
                      "pipeline": "upscale",
                      "model_id": "upscalerjs/esrgan-slim-x4",
                      "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                      "created_at": "2025-06-01T12:00:00.000Z",
                      "started_at": "2025-06-01T12:00:00.004Z",
                      "finished_at": "2025-06-01T12:00:01.250Z",
                      "progress": {
                        "fraction": 1
                      },
                      "cancel_requested": false,
                      "result": {
                        "images": [
                          {
                            "url": "http://127.0.0.1:8937/outputs/Im7twoQ2b9vVqYzR8sLkT8wQeXc4dPpF.png",
                            "seed": 1987752104,
                            "nsfw": false
                          }
                        ]
                      },
                      "webhook": {
                        "url": "https://app.example.com/hooks/avs",
                        "deliveries": [
                          {
                            "id": "msg_2KWPBgLlAfxdpx2AI54pPJ",
                            "event": "job.running",
                            "status": "delivered",
                            "attempts": 1,
                            "last_status_code": 204,
                            "delivered_at": "2025-06-01T12:00:00.030Z"
                          },
                          {
                            "id": "msg_9qXcV1sLkT8wQe4fZ0q2mB",
                            "event": "job.succeeded",
                            "status": "pending",
                            "attempts": 1,
                            "last_status_code": 500,
                            "last_error": "HTTP 500",
                            "next_attempt_at": "2025-06-01T12:00:06.250Z"
                          }
                        ]
                      }
                    }
                  },
                  "failed": {
                    "summary": "A job no orchestrator could run",
                    "value": {
                      "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
                      "status": "failed",
                      "pipeline": "upscale",
                      "model_id": "upscalerjs/esrgan-slim-x4",
                      "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
                      "created_at": "2025-06-01T12:00:00.000Z",
                      "started_at": "2025-06-01T12:00:00.004Z",
                      "finished_at": "2025-06-01T12:00:30.010Z",
                      "progress": {
                        "fraction": 0
                      },
                      "cancel_requested": false,
                      "error": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "404": {
            "description": "No such job, or it belongs to another API key, or it ended longer ago than the gateway keeps jobs.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no job job_4fZ0q2mB9yXcV1sLkT8wQe"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/jobs/{id}/events": {
      "get": {
        "tags": [
          "jobs"
        ],
        "summary": "Job events",
        "description": "The job's events as Server-Sent Events, from its first (or after `Last-Event-ID`) to its end, then the stream closes. `status` (data: the Job) when it is queued or starts; `progress` (data: JobProgress) per denoising step or frame when the orchestrator reports them; `result` (data: the Job in its final state: succeeded, failed or cancelled) last. Every event has an `id:` (its sequence number in the job), so a client that reconnects with `Last-Event-ID` misses nothing and sees nothing twice, except that one naming the `result`'s id or a later one gets the `result` again (so it learns how the job ended). A comment line is sent every 15 s while nothing happens, so proxies keep the connection open. Read it with `fetch` when you need the bearer header (browsers' `EventSource` cannot send one). One API key (without API keys, all callers together) may have up to `jobs-max-streams-per-key` streams open on one gateway (default 100); past it the request is a 429 with `Retry-After`, and `GET /jobs/{id}` still answers.",
        "operationId": "getJobEvents",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The job's id.",
            "schema": {
              "type": "string",
              "pattern": "^job_[A-Za-z0-9_-]{22}$"
            },
            "example": "job_4fZ0q2mB9yXcV1sLkT8wQe"
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "The `id:` of the last event received; the stream resumes after it.",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,9}$"
            },
            "example": "3"
          }
        ],
        "responses": {
          "200": {
            "description": "The event stream.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                },
                "example": "retry: 1000\n\nid: 1\nevent: status\ndata: {\"id\":\"job_4fZ0q2mB9yXcV1sLkT8wQe\",\"status\":\"queued\",\"progress\":{\"fraction\":0},…}\n\nid: 2\nevent: status\ndata: {\"id\":\"job_4fZ0q2mB9yXcV1sLkT8wQe\",\"status\":\"running\",\"progress\":{\"fraction\":0},…}\n\nid: 3\nevent: progress\ndata: {\"stage\":\"denoise\",\"step\":3,\"total\":25,\"fraction\":0.12}\n\nid: 4\nevent: result\ndata: {\"id\":\"job_4fZ0q2mB9yXcV1sLkT8wQe\",\"status\":\"succeeded\",\"result\":{\"images\":[…]},…}\n"
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "404": {
            "description": "No such job, or it belongs to another API key, or it ended longer ago than the gateway keeps jobs.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no job job_4fZ0q2mB9yXcV1sLkT8wQe"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "rate limit of 60 requests per minute exceeded"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/jobs/{id}/cancel": {
      "post": {
        "tags": [
          "jobs"
        ],
        "summary": "Cancel job",
        "description": "Cancels the job. A queued job is cancelled at once (200). A running job gets `cancel_requested` (202): the gateway running it (any gateway sharing the job store) closes its call to the orchestrator, which stops the runner at its next step and frees the slot; the job then ends `cancelled` (or `succeeded`, if it finished first). Cancelling a cancelled job answers 200 again; a job that succeeded or failed cannot be cancelled (409).",
        "operationId": "cancelJob",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The job's id.",
            "schema": {
              "type": "string",
              "pattern": "^job_[A-Za-z0-9_-]{22}$"
            },
            "example": "job_4fZ0q2mB9yXcV1sLkT8wQe"
          }
        ],
        "responses": {
          "200": {
            "description": "The job, cancelled.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "202": {
            "description": "The job is running; it stops at the orchestrator's next step.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
                  "required": [
                    "id",
                    "status",
                    "pipeline",
                    "model_id",
                    "request_id",
                    "created_at",
                    "progress",
                    "cancel_requested"
                  ],
                  "properties": {
                    "id": {
                      "type": "string",
                      "pattern": "^job_[A-Za-z0-9_-]{22}$",
                      "description": "The job's id, `job_` and 22 characters (128 random bits)."
                    },
                    "status": {
                      "type": "string",
                      "enum": [
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled"
                      ],
                      "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                    },
                    "pipeline": {
                      "type": "string",
                      "enum": [
                        "text-to-image",
                        "image-to-image",
                        "image-to-video",
                        "upscale",
                        "video-upscale",
                        "frame-interpolation"
                      ]
                    },
                    "model_id": {
                      "type": "string",
                      "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                    },
                    "request_id": {
                      "type": "string",
                      "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "started_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When a gateway last started the job (absent while it has never run)."
                    },
                    "finished_at": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the job reached its final state."
                    },
                    "progress": {
                      "type": "object",
                      "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                      "required": [
                        "fraction"
                      ],
                      "properties": {
                        "fraction": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "stage": {
                          "type": "string",
                          "description": "The loop that reported this step."
                        },
                        "step": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Steps of `stage` done."
                        },
                        "total": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Steps of `stage` in all."
                        }
                      },
                      "example": {
                        "stage": "denoise",
                        "step": 3,
                        "total": 25,
                        "fraction": 0.12
                      }
                    },
                    "cancel_requested": {
                      "type": "boolean",
                      "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                    },
                    "result": {
                      "description": "The synchronous route's answer (only when `succeeded`).",
                      "type": "object",
                      "required": [
                        "images"
                      ],
                      "properties": {
                        "images": {
                          "type": "array",
                          "description": "The generated images.",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        }
                      }
                    },
                    "error": {
                      "description": "Why it failed (only when `failed`).",
                      "type": "object",
                      "required": [
                        "status",
                        "detail"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "minimum": 400,
                          "maximum": 599
                        },
                        "detail": {
                          "oneOf": [
                            {
                              "type": "object",
                              "description": "API error response model.",
                              "required": [
                                "msg"
                              ],
                              "properties": {
                                "msg": {
                                  "type": "string",
                                  "description": "The error message."
                                }
                              }
                            },
                            {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "loc",
                                  "msg",
                                  "type"
                                ],
                                "properties": {
                                  "loc": {
                                    "type": "array",
                                    "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                    "items": {
                                      "anyOf": [
                                        {
                                          "type": "string"
                                        },
                                        {
                                          "type": "integer"
                                        }
                                      ]
                                    }
                                  },
                                  "msg": {
                                    "type": "string",
                                    "description": "What is wrong and what is allowed."
                                  },
                                  "type": {
                                    "type": "string",
                                    "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                                  }
                                }
                              }
                            }
                          ]
                        }
                      },
                      "example": {
                        "status": 503,
                        "detail": {
                          "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                        }
                      }
                    },
                    "webhook": {
                      "description": "The job's webhook and its deliveries (only when the request named one).",
                      "type": "object",
                      "required": [
                        "url",
                        "deliveries"
                      ],
                      "properties": {
                        "url": {
                          "type": "string",
                          "description": "The URL the events are POSTed to."
                        },
                        "secret": {
                          "type": "string",
                          "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                        },
                        "deliveries": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                            "required": [
                              "id",
                              "event",
                              "status",
                              "attempts"
                            ],
                            "properties": {
                              "id": {
                                "type": "string",
                                "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                              },
                              "event": {
                                "type": "string",
                                "enum": [
                                  "job.running",
                                  "job.succeeded",
                                  "job.failed",
                                  "job.cancelled"
                                ],
                                "description": "The `type` of the payload."
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "pending",
                                  "delivered",
                                  "failed"
                                ],
                                "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                              },
                              "attempts": {
                                "type": "integer",
                                "minimum": 0
                              },
                              "last_status_code": {
                                "type": "integer",
                                "description": "The HTTP status of the last attempt (absent when it got no answer)."
                              },
                              "last_error": {
                                "type": "string",
                                "description": "Why the last attempt failed."
                              },
                              "next_attempt_at": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "delivered_at": {
                                "type": "string",
                                "format": "date-time"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "404": {
            "description": "No such job, or it belongs to another API key, or it ended longer ago than the gateway keeps jobs.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no job job_4fZ0q2mB9yXcV1sLkT8wQe"
                  }
                }
              }
            }
          },
          "409": {
            "description": "The job already succeeded or failed.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "job job_4fZ0q2mB9yXcV1sLkT8wQe already succeeded; only queued or running jobs can be cancelled"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/image-to-video/result": {
      "post": {
        "tags": [
          "jobs"
        ],
        "summary": "Image To Video result (Livepeer's asynchronous flow)",
        "description": "Livepeer's gateway's older way to wait for a video: `POST /image-to-video` with `Prefer: respond-async` answers 202 with a `request_id`, and this route answers 202 `{\"status\": \"processing\"}` until the job ends, then 200 `{\"status\": \"complete\", \"result\": …}` with the synchronous route's answer, or with `{\"error\": {\"message\", \"status\"}}` when the job failed or was cancelled. `request_id` is the 202's `request_id` (the newest job of yours sent with it) or its job `id`. It reads the same asynchronous job as `GET /jobs/{id}`, which also tells its progress; any gateway sharing the job store answers. Only image-to-video jobs are read here.",
        "operationId": "getImageToVideoResult",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "Which job to read (Livepeer's `ImageToVideoResultRequest`).",
                "required": [
                  "request_id"
                ],
                "properties": {
                  "request_id": {
                    "type": "string",
                    "description": "The `request_id` or the `id` of the 202 that `POST /image-to-video` with `Prefer: respond-async` answered.",
                    "minLength": 1,
                    "maxLength": 128,
                    "pattern": "^[\\x21-\\x7e]+$"
                  }
                }
              },
              "examples": {
                "livepeer": {
                  "summary": "The request_id of the 202",
                  "value": {
                    "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e"
                  }
                },
                "job": {
                  "summary": "The job id of the 202",
                  "value": {
                    "request_id": "job_4fZ0q2mB9yXcV1sLkT8wQe"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The job ended; `result` is the synchronous route's answer, or the error it would have had.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Livepeer's `ImageToVideoResultResponse`.",
                  "required": [
                    "status"
                  ],
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "processing",
                        "complete"
                      ],
                      "description": "`processing` while the job is queued or running; `complete` once it succeeded, failed or was cancelled."
                    },
                    "result": {
                      "type": "object",
                      "description": "Only when `complete`: the synchronous route's answer (`images`, one mp4), or `error` when the job failed or was cancelled.",
                      "properties": {
                        "images": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        },
                        "error": {
                          "type": "object",
                          "required": [
                            "message",
                            "status"
                          ],
                          "properties": {
                            "message": {
                              "type": "string",
                              "description": "What went wrong (the `detail.msg` the synchronous route would have answered)."
                            },
                            "status": {
                              "type": "integer",
                              "description": "The HTTP status the synchronous route would have answered (our extension); 499 when cancelled."
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "examples": {
                  "complete": {
                    "summary": "The video",
                    "value": {
                      "status": "complete",
                      "result": {
                        "images": [
                          {
                            "url": "http://127.0.0.1:8937/outputs/Im7twoQ2b9vVqYzR8sLkT8wQeXc4dPpF.mp4",
                            "seed": 1987752104,
                            "nsfw": false
                          }
                        ]
                      }
                    }
                  },
                  "failed": {
                    "summary": "No orchestrator could make it",
                    "value": {
                      "status": "complete",
                      "result": {
                        "error": {
                          "message": "no orchestrators available for image-to-video/stabilityai/stable-video-diffusion-img2vid-xt",
                          "status": 503
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "202": {
            "description": "The job is queued or running.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Livepeer's `ImageToVideoResultResponse`.",
                  "required": [
                    "status"
                  ],
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "processing",
                        "complete"
                      ],
                      "description": "`processing` while the job is queued or running; `complete` once it succeeded, failed or was cancelled."
                    },
                    "result": {
                      "type": "object",
                      "description": "Only when `complete`: the synchronous route's answer (`images`, one mp4), or `error` when the job failed or was cancelled.",
                      "properties": {
                        "images": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "description": "A media object containing information about the generated media.",
                            "required": [
                              "url",
                              "seed",
                              "nsfw"
                            ],
                            "properties": {
                              "url": {
                                "type": "string",
                                "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                              },
                              "seed": {
                                "type": "integer",
                                "description": "The seed used to generate the media."
                              },
                              "nsfw": {
                                "type": "boolean",
                                "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                              }
                            }
                          }
                        },
                        "error": {
                          "type": "object",
                          "required": [
                            "message",
                            "status"
                          ],
                          "properties": {
                            "message": {
                              "type": "string",
                              "description": "What went wrong (the `detail.msg` the synchronous route would have answered)."
                            },
                            "status": {
                              "type": "integer",
                              "description": "The HTTP status the synchronous route would have answered (our extension); 499 when cancelled."
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "status": "processing"
                }
              }
            }
          },
          "400": {
            "description": "No image-to-video job of yours has this `request_id` (or it ended longer ago than the gateway keeps jobs).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "invalid request ID 7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e: no image-to-video job of yours has it"
                  }
                }
              }
            }
          },
          "401": {
            "description": "The bearer token is missing or wrong.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "413": {
            "description": "The body, an uploaded file or the decoded image is larger than this server accepts.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "request body is larger than the limit of 52428800 bytes"
                  }
                }
              }
            }
          },
          "415": {
            "description": "The body is not of the declared content type, it is compressed (a `Content-Encoding` other than `identity`; send bodies unencoded), or the uploaded file is not a PNG, JPEG or WebP image.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "image must be a PNG, JPEG or WebP file"
                  }
                }
              }
            }
          },
          "422": {
            "description": "A field is missing, of the wrong type or out of range, or the JSON body is not a JSON object or is nested more than 32 levels deep (`json_too_deep`). Messages quote at most 40 characters of what was sent. A multipart field sent more than once is one `duplicate` issue that says how many times. At most 20 issues are listed; when there were more, a 21st of type `too_many_errors` says how many were left out.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Request validation errors (422).",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "array",
                      "description": "The issues, at most 20, then one of type `too_many_errors` counting the rest.",
                      "maxItems": 21,
                      "items": {
                        "type": "object",
                        "required": [
                          "loc",
                          "msg",
                          "type"
                        ],
                        "properties": {
                          "loc": {
                            "type": "array",
                            "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                            "items": {
                              "anyOf": [
                                {
                                  "type": "string"
                                },
                                {
                                  "type": "integer"
                                }
                              ]
                            }
                          },
                          "msg": {
                            "type": "string",
                            "description": "What is wrong and what is allowed."
                          },
                          "type": {
                            "type": "string",
                            "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": [
                    {
                      "loc": [
                        "body",
                        "height"
                      ],
                      "msg": "Input should be a valid integer",
                      "type": "int_type"
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/health": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Health",
        "description": "`OK` once the gateway serves requests.",
        "operationId": "health",
        "security": [],
        "responses": {
          "200": {
            "description": "The gateway's state.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "status"
                  ],
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "LOADING",
                        "OK",
                        "ERROR",
                        "IDLE"
                      ],
                      "description": "`LOADING` while the model loads, `OK` when ready, `ERROR` if loading failed, `IDLE` when nothing is loaded."
                    }
                  }
                },
                "example": {
                  "status": "OK"
                }
              }
            }
          }
        }
      }
    },
    "/ready": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Readiness",
        "description": "Whether jobs can be served: 200 when at least one orchestrator answers `/info` and advertises a capability, 503 saying what is missing otherwise (no orchestrator configured, none reachable, or none advertising anything). `/health` only says the process is up; use `/ready` for load balancers and orchestration readiness probes.",
        "operationId": "ready",
        "security": [],
        "responses": {
          "200": {
            "description": "Orchestrator capacity is reachable.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "What the gateway can reach.",
                  "required": [
                    "status",
                    "orchestrators",
                    "reachable",
                    "capabilities"
                  ],
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "OK"
                      ]
                    },
                    "orchestrators": {
                      "type": "integer",
                      "minimum": 0,
                      "description": "Orchestrators configured or discovered."
                    },
                    "reachable": {
                      "type": "integer",
                      "minimum": 0,
                      "description": "Orchestrators whose last `/info` poll answered."
                    },
                    "capabilities": {
                      "type": "integer",
                      "minimum": 0,
                      "description": "Distinct pipeline + model pairs the reachable orchestrators advertise."
                    }
                  }
                },
                "example": {
                  "status": "OK",
                  "orchestrators": 2,
                  "reachable": 2,
                  "capabilities": 3
                }
              }
            }
          },
          "503": {
            "description": "No orchestrator capacity is reachable; every job would get 503.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "no orchestrator capacity is reachable: none of 1 orchestrator(s) answers /info (see the orchestrator unreachable log lines)"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/openapi.yaml": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "OpenAPI document",
        "description": "This API's OpenAPI 3.1 document, with the shared components inlined.",
        "operationId": "getOpenApi",
        "security": [],
        "responses": {
          "200": {
            "description": "The document.",
            "content": {
              "application/yaml": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "OpenAPI document (JSON)",
        "description": "The same document as `/openapi.yaml`, as JSON, for tools that read only JSON.",
        "operationId": "getOpenApiJson",
        "security": [],
        "responses": {
          "200": {
            "description": "The document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/docs": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "API reference",
        "description": "A rendered reference page of this API.",
        "operationId": "getDocs",
        "security": [],
        "responses": {
          "200": {
            "description": "An HTML page.",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Metrics",
        "description": "Prometheus metrics in the text exposition format. Served to loopback clients only, unless the server has a `metrics-token`: then to any client that sends it as `Authorization: Bearer <token>`.",
        "operationId": "metrics",
        "security": [],
        "responses": {
          "200": {
            "description": "Metrics.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "description": "The server has a `metrics-token` and the request did not carry it as `Authorization: Bearer <token>`.",
            "headers": {
              "WWW-Authenticate": {
                "description": "Always `Bearer`.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Invalid bearer token"
                  }
                }
              }
            }
          },
          "403": {
            "description": "The server has no `metrics-token` and the request did not come from this machine (loopback): metrics name upstream addresses and are served to loopback clients only unless a token is set.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "metrics are served to loopback clients only; set metrics-token to read them remotely"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/outputs/{name}": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Output",
        "description": "A stored result, by the unguessable name in a job's media URL, until its retention time ends. One byte range of it may be asked for with `Range` (206 with only those bytes): browsers seek in videos so, and Safari plays an mp4 only from a server that answers ranges. `HEAD` answers GET's headers without the body (and reads none of the output; a `Range` is ignored on it).",
        "operationId": "getOutput",
        "security": [],
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_-]{16,128}\\.(png|mp4)$"
            }
          },
          {
            "name": "Range",
            "in": "header",
            "required": false,
            "description": "One byte range of the output (RFC 9110 §14.2), as browsers send when they seek in a video: `bytes=first-last`, `bytes=first-` (to the end) or `bytes=-n` (the last n bytes); a last position past the end means the end. It is answered with 206 and only those bytes, or 416 when it starts at or past the end (or is `bytes=-0`). A header with several ranges, another unit or bad syntax is ignored and the whole output is answered with 200, as RFC 9110 allows (a server MAY ignore `Range`); so is a range of an empty output. Served on GET only: a HEAD ignores it. `If-Range` is not read: an output's bytes never change under its name, and answers carry no validator.",
            "schema": {
              "type": "string"
            },
            "example": "bytes=0-1048575"
          }
        ],
        "responses": {
          "200": {
            "description": "All of the output (asked without `Range`, or with one that is ignored).",
            "headers": {
              "Accept-Ranges": {
                "description": "Always `bytes`; the output can be asked for in parts with a `Range` header.",
                "required": true,
                "schema": {
                  "type": "string",
                  "enum": [
                    "bytes"
                  ]
                }
              },
              "X-Content-Type-Options": {
                "description": "Always `nosniff`: a browser takes the output as the type it is served with, never as a page it guesses from the bytes.",
                "required": true,
                "schema": {
                  "type": "string",
                  "enum": [
                    "nosniff"
                  ]
                }
              },
              "Content-Length": {
                "description": "The output's size, bytes.",
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "image/png": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              },
              "video/mp4": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "206": {
            "description": "The part of the output the `Range` asked for, and only it.",
            "headers": {
              "Accept-Ranges": {
                "description": "Always `bytes`; the output can be asked for in parts with a `Range` header.",
                "required": true,
                "schema": {
                  "type": "string",
                  "enum": [
                    "bytes"
                  ]
                }
              },
              "X-Content-Type-Options": {
                "description": "Always `nosniff`: a browser takes the output as the type it is served with, never as a page it guesses from the bytes.",
                "required": true,
                "schema": {
                  "type": "string",
                  "enum": [
                    "nosniff"
                  ]
                }
              },
              "Content-Range": {
                "description": "The part of the output this answer holds and the whole output's size: `bytes first-last/size` (both positions included, from 0).",
                "required": true,
                "schema": {
                  "type": "string",
                  "pattern": "^bytes \\d+-\\d+/\\d+$"
                },
                "example": "bytes 0-1048575/4145680"
              },
              "Content-Length": {
                "description": "The part's size, bytes (`last - first + 1`).",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              }
            },
            "content": {
              "image/png": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              },
              "video/mp4": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "404": {
            "description": "No such route, pipeline or stored object.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "Not Found"
                  }
                }
              }
            }
          },
          "416": {
            "description": "The `Range` asked for starts at or past the end of the output (or is `bytes=-0`).",
            "headers": {
              "Accept-Ranges": {
                "description": "Always `bytes`; the output can be asked for in parts with a `Range` header.",
                "required": true,
                "schema": {
                  "type": "string",
                  "enum": [
                    "bytes"
                  ]
                }
              },
              "Content-Range": {
                "description": "`bytes */size`: the whole output's size, for a range that fits.",
                "required": true,
                "schema": {
                  "type": "string",
                  "pattern": "^bytes \\*/\\d+$"
                },
                "example": "bytes */4145680"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
                  "required": [
                    "detail"
                  ],
                  "properties": {
                    "detail": {
                      "type": "object",
                      "description": "API error response model.",
                      "required": [
                        "msg"
                      ],
                      "properties": {
                        "msg": {
                          "type": "string",
                          "description": "The error message."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "detail": {
                    "msg": "the range asked for starts past the end of this 4145680-byte output"
                  }
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "ImageToVideoResultRequest": {
        "type": "object",
        "description": "Which job to read (Livepeer's `ImageToVideoResultRequest`).",
        "required": [
          "request_id"
        ],
        "properties": {
          "request_id": {
            "type": "string",
            "description": "The `request_id` or the `id` of the 202 that `POST /image-to-video` with `Prefer: respond-async` answered.",
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^[\\x21-\\x7e]+$"
          }
        }
      },
      "ImageToVideoResultResponse": {
        "type": "object",
        "description": "Livepeer's `ImageToVideoResultResponse`.",
        "required": [
          "status"
        ],
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "processing",
              "complete"
            ],
            "description": "`processing` while the job is queued or running; `complete` once it succeeded, failed or was cancelled."
          },
          "result": {
            "type": "object",
            "description": "Only when `complete`: the synchronous route's answer (`images`, one mp4), or `error` when the job failed or was cancelled.",
            "properties": {
              "images": {
                "type": "array",
                "items": {
                  "type": "object",
                  "description": "A media object containing information about the generated media.",
                  "required": [
                    "url",
                    "seed",
                    "nsfw"
                  ],
                  "properties": {
                    "url": {
                      "type": "string",
                      "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                    },
                    "seed": {
                      "type": "integer",
                      "description": "The seed used to generate the media."
                    },
                    "nsfw": {
                      "type": "boolean",
                      "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                    }
                  }
                }
              },
              "error": {
                "type": "object",
                "required": [
                  "message",
                  "status"
                ],
                "properties": {
                  "message": {
                    "type": "string",
                    "description": "What went wrong (the `detail.msg` the synchronous route would have answered)."
                  },
                  "status": {
                    "type": "integer",
                    "description": "The HTTP status the synchronous route would have answered (our extension); 499 when cancelled."
                  }
                }
              }
            }
          }
        }
      },
      "Readiness": {
        "type": "object",
        "description": "What the gateway can reach.",
        "required": [
          "status",
          "orchestrators",
          "reachable",
          "capabilities"
        ],
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "OK"
            ]
          },
          "orchestrators": {
            "type": "integer",
            "minimum": 0,
            "description": "Orchestrators configured or discovered."
          },
          "reachable": {
            "type": "integer",
            "minimum": 0,
            "description": "Orchestrators whose last `/info` poll answered."
          },
          "capabilities": {
            "type": "integer",
            "minimum": 0,
            "description": "Distinct pipeline + model pairs the reachable orchestrators advertise."
          }
        }
      }
    },
    "securitySchemes": {
      "HTTPBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key, required when the gateway is configured with keys."
      }
    },
    "parameters": {
      "Prefer": {
        "name": "Prefer",
        "in": "header",
        "required": false,
        "description": "`respond-async` (RFC 7240) makes this an asynchronous job: the answer is 202 with the job at once, the job runs in the background, and `GET /jobs/{id}`, its event stream and its webhook tell how it goes. Without it the route answers when the job is done, as Livepeer's gateway does. Other preferences are ignored.",
        "schema": {
          "type": "string",
          "maxLength": 1024
        },
        "example": "respond-async"
      },
      "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "With `Prefer: respond-async`: a key of yours that makes sending the request again safe. The same key with the same body (for the same API key) answers the job the first request created, with `Idempotent-Replayed: true`; the same key with another body is a 422 at `[\"header\", \"Idempotency-Key\"]`. Bodies are compared as the job would run them: with the spec's defaults filled in, and with the model the gateway chose when `model_id` was absent or empty (so leaving it out and naming the gateway's default are the same request, and after the operator changes that default, a body without `model_id` is another request). A key is kept as long as its job. Ignored without `Prefer: respond-async`.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 255,
          "pattern": "^[\\x21-\\x7e]+$"
        },
        "example": "order-1234-thumbnail"
      },
      "WebhookUrl": {
        "name": "Webhook-Url",
        "in": "header",
        "required": false,
        "description": "With `Prefer: respond-async`: an http(s) URL that gets the job's events as JSON POSTs (`{\"type\":\"job.running\"|\"job.succeeded\"|\"job.failed\"|\"job.cancelled\",\"timestamp\":…,\"data\":<the Job>}`), signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">`). A delivery without a 2xx answer is retried with exponential backoff; 410 Gone stops them. Each delivery's state is in the job's `webhook.deliveries`. Events go to public addresses only unless the gateway's operator allows more: a host that is a loopback, private, link-local or other special-purpose IP address, or `localhost`, is a 422; a host name that resolves only to such addresses when an event is sent fails that delivery at once.",
        "schema": {
          "type": "string",
          "maxLength": 2048,
          "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
        },
        "example": "https://app.example.com/hooks/avs"
      },
      "WebhookSecret": {
        "name": "Webhook-Secret",
        "in": "header",
        "required": false,
        "description": "The key to sign the job's webhook deliveries with: `whsec_` and the base64 of 24 to 64 random bytes. Without it the gateway makes one and returns it once, as `webhook.secret` of the 202 answer.",
        "schema": {
          "type": "string",
          "maxLength": 100,
          "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$"
        },
        "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
      },
      "JobId": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "The job's id.",
        "schema": {
          "type": "string",
          "pattern": "^job_[A-Za-z0-9_-]{22}$"
        },
        "example": "job_4fZ0q2mB9yXcV1sLkT8wQe"
      },
      "LastEventId": {
        "name": "Last-Event-ID",
        "in": "header",
        "required": false,
        "description": "The `id:` of the last event received; the stream resumes after it.",
        "schema": {
          "type": "string",
          "pattern": "^[0-9]{1,9}$"
        },
        "example": "3"
      }
    },
    "headers": {
      "Location": {
        "description": "The job's URL, `/jobs/{id}`.",
        "schema": {
          "type": "string"
        }
      },
      "PreferenceApplied": {
        "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
        "schema": {
          "type": "string"
        }
      },
      "IdempotentReplayed": {
        "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
        "schema": {
          "type": "string"
        }
      }
    },
    "responses": {
      "JobAccepted": {
        "description": "`Prefer: respond-async` was given: the job is queued (or, for a repeated `Idempotency-Key`, it is the job the first request created, as it is now). Follow `Location`, stream `/jobs/{id}/events` or wait for the webhook.",
        "headers": {
          "Location": {
            "description": "The job's URL, `/jobs/{id}`.",
            "schema": {
              "type": "string"
            }
          },
          "Preference-Applied": {
            "description": "`respond-async` (RFC 7240): the request was handled as an asynchronous job.",
            "schema": {
              "type": "string"
            }
          },
          "Idempotent-Replayed": {
            "description": "`true` when the answer is the job an earlier request with the same `Idempotency-Key` created.",
            "schema": {
              "type": "string"
            }
          },
          "X-Request-Id": {
            "description": "The request id of this job (see the X-Request-Id request header).",
            "schema": {
              "type": "string"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "description": "An asynchronous job: what it is, how far it is, and its outcome. `result` is exactly what the synchronous route answers; `error` carries the status and `detail` it would have failed with.",
              "required": [
                "id",
                "status",
                "pipeline",
                "model_id",
                "request_id",
                "created_at",
                "progress",
                "cancel_requested"
              ],
              "properties": {
                "id": {
                  "type": "string",
                  "pattern": "^job_[A-Za-z0-9_-]{22}$",
                  "description": "The job's id, `job_` and 22 characters (128 random bits)."
                },
                "status": {
                  "type": "string",
                  "enum": [
                    "queued",
                    "running",
                    "succeeded",
                    "failed",
                    "cancelled"
                  ],
                  "description": "`queued` until a gateway starts it, `running` while an orchestrator works on it, then one of the final states: `succeeded` (see `result`), `failed` (see `error`) or `cancelled`."
                },
                "pipeline": {
                  "type": "string",
                  "enum": [
                    "text-to-image",
                    "image-to-image",
                    "image-to-video",
                    "upscale",
                    "video-upscale",
                    "frame-interpolation"
                  ]
                },
                "model_id": {
                  "type": "string",
                  "description": "The model the job runs: the request's, or the gateway's default for the pipeline when it named none."
                },
                "request_id": {
                  "type": "string",
                  "description": "The `X-Request-Id` of the request that created the job; the gateway logs the job under it. Orchestrators and runners know the job by its `id` (`<id>.run<n>` for a later run after a takeover), which no caller can choose."
                },
                "created_at": {
                  "type": "string",
                  "format": "date-time"
                },
                "started_at": {
                  "type": "string",
                  "format": "date-time",
                  "description": "When a gateway last started the job (absent while it has never run)."
                },
                "finished_at": {
                  "type": "string",
                  "format": "date-time",
                  "description": "When the job reached its final state."
                },
                "progress": {
                  "type": "object",
                  "description": "How far a job is. `fraction` (0 to 1) covers the whole job; `stage`, `step` and `total` name the loop that reported it (`denoise`, `decode`, `frames`, `interpolate`, `upscale`). `stage` is `waiting` (no step or total, the fraction kept) while every orchestrator that could run the job is busy or full and the gateway waits for a slot. Orchestrators and runners that do not report progress give 0 while the job runs and 1 when it succeeded.",
                  "required": [
                    "fraction"
                  ],
                  "properties": {
                    "fraction": {
                      "type": "number",
                      "minimum": 0,
                      "maximum": 1
                    },
                    "stage": {
                      "type": "string",
                      "description": "The loop that reported this step."
                    },
                    "step": {
                      "type": "integer",
                      "minimum": 0,
                      "description": "Steps of `stage` done."
                    },
                    "total": {
                      "type": "integer",
                      "minimum": 1,
                      "description": "Steps of `stage` in all."
                    }
                  },
                  "example": {
                    "stage": "denoise",
                    "step": 3,
                    "total": 25,
                    "fraction": 0.12
                  }
                },
                "cancel_requested": {
                  "type": "boolean",
                  "description": "A cancel was asked for; a running job stops at the orchestrator's next step."
                },
                "result": {
                  "description": "The synchronous route's answer (only when `succeeded`).",
                  "type": "object",
                  "required": [
                    "images"
                  ],
                  "properties": {
                    "images": {
                      "type": "array",
                      "description": "The generated images.",
                      "items": {
                        "type": "object",
                        "description": "A media object containing information about the generated media.",
                        "required": [
                          "url",
                          "seed",
                          "nsfw"
                        ],
                        "properties": {
                          "url": {
                            "type": "string",
                            "description": "The URL where the media can be accessed: a `data:` URL from a runner, a URL the server serves from an orchestrator or a gateway."
                          },
                          "seed": {
                            "type": "integer",
                            "description": "The seed used to generate the media."
                          },
                          "nsfw": {
                            "type": "boolean",
                            "description": "Whether the media was flagged as NSFW (always false when no safety checker is installed)."
                          }
                        }
                      }
                    }
                  }
                },
                "error": {
                  "description": "Why it failed (only when `failed`).",
                  "type": "object",
                  "required": [
                    "status",
                    "detail"
                  ],
                  "properties": {
                    "status": {
                      "type": "integer",
                      "minimum": 400,
                      "maximum": 599
                    },
                    "detail": {
                      "oneOf": [
                        {
                          "type": "object",
                          "description": "API error response model.",
                          "required": [
                            "msg"
                          ],
                          "properties": {
                            "msg": {
                              "type": "string",
                              "description": "The error message."
                            }
                          }
                        },
                        {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "required": [
                              "loc",
                              "msg",
                              "type"
                            ],
                            "properties": {
                              "loc": {
                                "type": "array",
                                "description": "Where the error is, e.g. `[\"body\", \"height\"]`.",
                                "items": {
                                  "anyOf": [
                                    {
                                      "type": "string"
                                    },
                                    {
                                      "type": "integer"
                                    }
                                  ]
                                }
                              },
                              "msg": {
                                "type": "string",
                                "description": "What is wrong and what is allowed."
                              },
                              "type": {
                                "type": "string",
                                "description": "A machine-readable error kind, e.g. `missing`, `int_type`, `less_than_equal`."
                              }
                            }
                          }
                        }
                      ]
                    }
                  },
                  "example": {
                    "status": 503,
                    "detail": {
                      "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
                    }
                  }
                },
                "webhook": {
                  "description": "The job's webhook and its deliveries (only when the request named one).",
                  "type": "object",
                  "required": [
                    "url",
                    "deliveries"
                  ],
                  "properties": {
                    "url": {
                      "type": "string",
                      "description": "The URL the events are POSTed to."
                    },
                    "secret": {
                      "type": "string",
                      "description": "The signing secret (`whsec_` and base64) the gateway generated for this job when the request named none. Only in the 202 answer of the request that created the job; never shown again."
                    },
                    "deliveries": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "description": "One event sent to the job's webhook, signed as the Standard Webhooks specification says. `id` is the `webhook-id` header of every attempt (the same on retries, so receivers can drop duplicates).",
                        "required": [
                          "id",
                          "event",
                          "status",
                          "attempts"
                        ],
                        "properties": {
                          "id": {
                            "type": "string",
                            "description": "The `webhook-id` of this event, `msg_` and 22 characters."
                          },
                          "event": {
                            "type": "string",
                            "enum": [
                              "job.running",
                              "job.succeeded",
                              "job.failed",
                              "job.cancelled"
                            ],
                            "description": "The `type` of the payload."
                          },
                          "status": {
                            "type": "string",
                            "enum": [
                              "pending",
                              "delivered",
                              "failed"
                            ],
                            "description": "`pending` while attempts remain (see `next_attempt_at`), `delivered` after a 2xx answer, `failed` when the attempts ran out or the receiver answered 410 Gone."
                          },
                          "attempts": {
                            "type": "integer",
                            "minimum": 0
                          },
                          "last_status_code": {
                            "type": "integer",
                            "description": "The HTTP status of the last attempt (absent when it got no answer)."
                          },
                          "last_error": {
                            "type": "string",
                            "description": "Why the last attempt failed."
                          },
                          "next_attempt_at": {
                            "type": "string",
                            "format": "date-time"
                          },
                          "delivered_at": {
                            "type": "string",
                            "format": "date-time"
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "example": {
              "id": "job_4fZ0q2mB9yXcV1sLkT8wQe",
              "status": "queued",
              "pipeline": "upscale",
              "model_id": "upscalerjs/esrgan-slim-x4",
              "request_id": "7d0c5a44-27f4-4b1e-9a55-6f0f3c1c2b8e",
              "created_at": "2025-06-01T12:00:00.000Z",
              "progress": {
                "fraction": 0
              },
              "cancel_requested": false,
              "webhook": {
                "url": "https://app.example.com/hooks/avs",
                "deliveries": []
              }
            }
          }
        }
      },
      "JobNotFound": {
        "description": "No such job, or it belongs to another API key, or it ended longer ago than the gateway keeps jobs.",
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
              "required": [
                "detail"
              ],
              "properties": {
                "detail": {
                  "type": "object",
                  "description": "API error response model.",
                  "required": [
                    "msg"
                  ],
                  "properties": {
                    "msg": {
                      "type": "string",
                      "description": "The error message."
                    }
                  }
                }
              }
            },
            "example": {
              "detail": {
                "msg": "no job job_4fZ0q2mB9yXcV1sLkT8wQe"
              }
            }
          }
        }
      },
      "TooManyRequests": {
        "description": "This API key sent more requests than its rate limit allows, or (with `Prefer: respond-async`) already has as many asynchronous jobs queued or running as the gateway allows one key, or (`GET /jobs/{id}/events`) as many event streams open on this gateway as it allows one key; retry after the given time.",
        "headers": {
          "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
              "required": [
                "detail"
              ],
              "properties": {
                "detail": {
                  "type": "object",
                  "description": "API error response model.",
                  "required": [
                    "msg"
                  ],
                  "properties": {
                    "msg": {
                      "type": "string",
                      "description": "The error message."
                    }
                  }
                }
              }
            },
            "example": {
              "detail": {
                "msg": "rate limit of 60 requests per minute exceeded"
              }
            }
          }
        }
      },
      "JobFailed": {
        "description": "The job failed: two orchestrators or more answered it with the same server error and no other was left to try, so the request itself is the likely cause (an input that breaks every runner the same way); sending it again would fail again. Or the gateway itself failed (`internal server error`). No `Retry-After`.",
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
              "required": [
                "detail"
              ],
              "properties": {
                "detail": {
                  "type": "object",
                  "description": "API error response model.",
                  "required": [
                    "msg"
                  ],
                  "properties": {
                    "msg": {
                      "type": "string",
                      "description": "The error message."
                    }
                  }
                }
              }
            },
            "example": {
              "detail": {
                "msg": "image-to-video/stabilityai/stable-video-diffusion-img2vid-xt failed the same way on 2 orchestrators (HTTP 500), so the request itself is the likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id"
              }
            }
          }
        }
      },
      "BadAnswers": {
        "description": "Every orchestrator the job was sent to answered it with something the gateway refuses (not as many outputs as asked, a missing seed or nsfw, the wrong media type, an output it may not fetch, a malformed or oversized answer), and none was left to try. Those orchestrators are held back for the model; retry after the given time.",
        "headers": {
          "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
              "required": [
                "detail"
              ],
              "properties": {
                "detail": {
                  "type": "object",
                  "description": "API error response model.",
                  "required": [
                    "msg"
                  ],
                  "properties": {
                    "msg": {
                      "type": "string",
                      "description": "The error message."
                    }
                  }
                }
              }
            },
            "example": {
              "detail": {
                "msg": "no orchestrator gave a valid answer for upscale/upscalerjs/esrgan-slim-x4: attempt 1 failed (too few outputs); every eligible orchestrator failed for this job"
              }
            }
          }
        }
      },
      "NoOrchestrators": {
        "description": "No orchestrator could run the job within the retry budget; retry after the given time.",
        "headers": {
          "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "description": "HTTP error response model. Every non-validation error of every layer has this shape.",
              "required": [
                "detail"
              ],
              "properties": {
                "detail": {
                  "type": "object",
                  "description": "API error response model.",
                  "required": [
                    "msg"
                  ],
                  "properties": {
                    "msg": {
                      "type": "string",
                      "description": "The error message."
                    }
                  }
                }
              }
            },
            "example": {
              "detail": {
                "msg": "no orchestrators available for upscale/upscalerjs/esrgan-slim-x4"
              }
            }
          }
        }
      }
    }
  }
};
