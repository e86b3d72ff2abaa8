/**
 * Generated from specs/runner.yaml by `avs-codegen` (resolved document). Do not edit by hand:
 * change the spec and run `pnpm generate`.
 */

import type { OpenApiDocument } from "@ai-video-subnet/server-kit";

/** The runner API with every `$ref` inlined: what this server validates requests against and serves. */
export const runnerDocument: OpenApiDocument = {
  "openapi": "3.1.0",
  "info": {
    "title": "AI Video Subnet runner API",
    "version": "0.1.0",
    "description": "A runner serves one pipeline with one model, loaded at start from the shared models volume. Only the configured pipeline's route is mounted; the others answer 404. Wire-compatible with Livepeer's AI runner (v0.14.1): a Livepeer client or orchestrator can drive it, and our orchestrator can drive a Livepeer runner. Media comes back as `data:` URLs. Livepeer's routes (text-to-image, image-to-image, image-to-video, upscale) answer the error statuses Livepeer's runner declares for them: an upload too large or of an unsupported type is a 400 there (the message says which; the header `X-AVS-Status` names 413 or 415), since go-livepeer reads no 413 or 415; the video routes, ours, keep 413 and 415. While the model loads, `/health` answers `LOADING` with a 503. Paths may end in a slash (`/upscale/`), as Livepeer's runner allows.",
    "license": {
      "name": "MIT",
      "identifier": "MIT"
    }
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8000",
      "description": "A runner started with its defaults."
    }
  ],
  "tags": [
    {
      "name": "generate",
      "description": "Inference routes; one of them is mounted, for the configured pipeline."
    },
    {
      "name": "progress",
      "description": "Progress events of running jobs (our extension)."
    },
    {
      "name": "status",
      "description": "Health, hardware, version and metrics."
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
                "turbo": {
                  "summary": "One 512×512 image from SD-Turbo in one step",
                  "value": {
                    "model_id": "stabilityai/sd-turbo",
                    "prompt": "a lighthouse on a cliff at dawn, oil painting",
                    "height": 512,
                    "width": 512,
                    "guidance_scale": 0,
                    "num_inference_steps": 1,
                    "seed": 42
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The generated images, as PNG data URLs.",
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
          "500": {
            "description": "Inference failed (for example out of memory). Nothing was produced.",
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
                    "msg": "inference failed: out of memory"
                  }
                }
              }
            }
          },
          "503": {
            "description": "The server is at capacity or its model is not loaded yet; retry after the given time.",
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
                    "msg": "insufficient capacity"
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
        "description": "Apply image transformations to a provided image. The image is resized to a multiple of 8.",
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
                "sketch": {
                  "summary": "Repaint a photo, keeping its layout",
                  "value": {
                    "prompt": "the same scene as a watercolour",
                    "image": "(PNG, JPEG or WebP bytes)",
                    "strength": 0.6,
                    "num_inference_steps": 20,
                    "seed": 7
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The generated images, as PNG data URLs.",
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
          "500": {
            "description": "Inference failed (for example out of memory). Nothing was produced.",
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
                    "msg": "inference failed: out of memory"
                  }
                }
              }
            }
          },
          "503": {
            "description": "The server is at capacity or its model is not loaded yet; retry after the given time.",
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
                    "msg": "insufficient capacity"
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
        "description": "Generate a video from a provided image. The frames come back as PNG data URLs.",
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
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "multipart/form-data": {
              "schema": {
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
              "examples": {
                "short": {
                  "summary": "A short clip from a still",
                  "value": {
                    "image": "(PNG, JPEG or WebP bytes)",
                    "height": 576,
                    "width": 1024,
                    "motion_bucket_id": 127,
                    "seed": 3
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The generated frames, one list per video.",
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
                  "description": "Response model for video generation.",
                  "required": [
                    "frames"
                  ],
                  "properties": {
                    "frames": {
                      "type": "array",
                      "description": "The generated video frames.",
                      "items": {
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
                      }
                    }
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
          "500": {
            "description": "Inference failed (for example out of memory). Nothing was produced.",
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
                    "msg": "inference failed: out of memory"
                  }
                }
              }
            }
          },
          "503": {
            "description": "The server is at capacity or its model is not loaded yet; retry after the given time.",
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
                    "msg": "insufficient capacity"
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
        "description": "Upscale an image by increasing its resolution. ESRGAN models upscale by the factor the model was trained for; large images are processed in overlapping tiles.",
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
                "x4": {
                  "summary": "Upscale a photo four times",
                  "value": {
                    "prompt": "",
                    "image": "(PNG, JPEG or WebP bytes)",
                    "model_id": "upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The upscaled image, as a PNG data URL.",
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
          "500": {
            "description": "Inference failed (for example out of memory). Nothing was produced.",
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
                    "msg": "inference failed: out of memory"
                  }
                }
              }
            }
          },
          "503": {
            "description": "The server is at capacity or its model is not loaded yet; retry after the given time.",
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
                    "msg": "insufficient capacity"
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
        "description": "Upscale every frame of a video with the loaded ESRGAN model (our extension). Streamed: frames are decoded, upscaled (tiled as `/upscale` tiles images) and encoded a few at a time, so memory does not grow with the video's length. The answer is one H.264 yuv420p mp4 (`+faststart`) with the source's frame count, frame rate and timestamps and its first audio stream up to the video's end (copied, or encoded to AAC when MP4 does not hold its codec), as a `data:video/mp4` URL. The limits (bytes, pixels per frame in and out, frames, seconds) are in `GET /info` and in every 413 message. Progress is reported per frame (`stage: upscale`) on `/progress/{request_id}`.",
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
                  "summary": "Upscale a clip four times",
                  "value": {
                    "video": "(MP4, WebM, MOV, … bytes)",
                    "model_id": "upscalerjs/esrgan-slim-x4"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The upscaled video, one H.264 mp4 as a `data:video/mp4;base64,…` URL in `images`.",
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
                      "url": "data:video/mp4;base64,AAAAIGZ0eXBpc29t…",
                      "seed": 42,
                      "nsfw": false
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "A damaged or cut-short video, a file with no video stream, or a video stream with no frames.",
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
                    "msg": "video has no video stream (it holds audio); send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream"
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
            "description": "The body, or the video's bytes, frame size (in, or out after the model's scale), frames or duration are over this runner's limits.",
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
                    "msg": "video has 1920×1080 = 2073600 px frames, over 921600 px per input frame; this runner takes videos of at most 256 MiB, 921600 px per input frame (e.g. 1279×719), 8294400 px per output frame (e.g. 3839×2159), 3600 frames and 180 s"
                  }
                }
              }
            }
          },
          "415": {
            "description": "Not a video ffmpeg can read, a still image, or a container that is not accepted.",
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
                    "msg": "video is a PNG image, not a video; send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream (to upscale one image, use /upscale)"
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
          "500": {
            "description": "Inference failed (for example out of memory). Nothing was produced.",
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
                    "msg": "inference failed: out of memory"
                  }
                }
              }
            }
          },
          "503": {
            "description": "The server is at capacity or its model is not loaded yet; retry after the given time.",
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
                    "msg": "insufficient capacity"
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
        "description": "Raise the frame rate of a video, or make a clip from two images, with the loaded FILM model (our extension). Streamed: ffmpeg decodes the source frames one at a time, FILM fills the gaps (each new frame at its exact time `t` between its two source frames, or by recursive midpoints), and the frames go to the encoder as they are made, so memory does not grow with the video's length. Source frames are passed through untouched where the output rate lands on them. The answer is one H.264 yuv420p mp4 (`+faststart`, no audio) as a `data:video/mp4` URL. The output frame count (source frames × the rate change) is checked against `max_output_frames` of `GET /info` before any frame is decoded. Progress is reported per output frame (`stage: interpolate`) on `/progress/{request_id}`.",
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
                  "summary": "A 7 fps clip to 24 fps",
                  "value": {
                    "video": "(MP4, WebM, MOV, … bytes)",
                    "output_fps": 24,
                    "model_id": "tiny/film"
                  }
                },
                "pair": {
                  "summary": "Two images one second apart to a 1 s clip at 24 fps",
                  "value": {
                    "first_image": "(PNG bytes)",
                    "last_image": "(PNG bytes)",
                    "source_fps": 1,
                    "output_fps": 24,
                    "model_id": "tiny/film"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The interpolated video, one H.264 mp4 as a `data:video/mp4;base64,…` URL in `images`.",
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
                      "url": "data:video/mp4;base64,AAAAIGZ0eXBpc29t…",
                      "seed": 42,
                      "nsfw": false
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "Both or neither of `video` and the image pair, one image without the other, images of different sizes, not exactly one of `output_fps`, `multiplier` and `times_to_interpolate`, a target rate below the source's, a source rate (`source_fps` or the video's) below 0.0001 fps (one frame per 10,000 s: what ffmpeg's mp4 muxer writes with a margin) or above 240 fps, an output rate above 240 fps however it is asked for (`source_fps` or the video's rate × `multiplier` or × 2^`times_to_interpolate`), a video with fewer than 2 frames, or a damaged video or image. The rates are checked before any image is decoded.",
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
                    "msg": "output_fps 12 is below the source's 25 fps; frame interpolation only raises the frame rate"
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
            "description": "The body, or the video's bytes, frame size, frames or duration, or the output frame count, are over this runner's limits.",
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
                    "msg": "interpolating 300 frames at 25 fps to 120 fps makes 1440 output frames; at most 1440 output frames are allowed per job"
                  }
                }
              }
            }
          },
          "415": {
            "description": "A `video` that is not a video ffmpeg can read (or is a still image), or an image that is not PNG, JPEG or WebP.",
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
                    "msg": "video is a PNG image, not a video; send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream (for two images, send first_image and last_image)"
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
          "500": {
            "description": "Inference failed (for example out of memory). Nothing was produced.",
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
                    "msg": "inference failed: out of memory"
                  }
                }
              }
            }
          },
          "503": {
            "description": "The server is at capacity or its model is not loaded yet; retry after the given time.",
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
                    "msg": "insufficient capacity"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/progress/{request_id}": {
      "get": {
        "tags": [
          "progress"
        ],
        "summary": "Progress",
        "description": "Server-sent events of one job's progress, keyed by the `X-Request-Id` the caller sent with its POST (our extension; Livepeer runners do not have this route). A subscriber may connect before the POST arrives: it waits up to 30 s for that job to start, then gets 404. After the job ended its last state is kept for 60 s, so a late subscriber still sees where it got to and how it ended. Events: `progress` with `{\"stage\",\"step\",\"total\",\"fraction\"}` (`stage` names the loop: `denoise` and `decode` for Stable Diffusion, `tiles` for upscaling; `fraction` is `step / total` of that stage) and a final `end` with `{\"status\"}` (the HTTP status the POST answered, and `msg` when it failed), after which the stream closes. Each event's `id` is its sequence number within the job. A subscriber that names the last event it saw (`Last-Event-ID`, as an EventSource sends when it reconnects) starts after it instead of at the last state, and gets the `end` even when it names it or a later id; `Last-Event-ID: 0` replays the job from its start. A job keeps its last 1000 progress events, the steps it took while no one followed it included.",
        "operationId": "getProgress",
        "parameters": [
          {
            "name": "request_id",
            "in": "path",
            "required": true,
            "description": "The `X-Request-Id` of the POST whose job to follow.",
            "schema": {
              "type": "string",
              "maxLength": 128,
              "pattern": "^[\\x21-\\x7e]+$"
            },
            "example": "job-42"
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "The `id` of the last progress event this subscriber saw (an EventSource sends it when it reconnects): the stream starts with every kept event after it, and the `end` if the job ended, instead of the job's last state. `0` replays the job from its start. The `end` is sent even to a subscriber that names it, or an id past it, so none is left without the job's outcome.",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 999999999
            },
            "example": 12
          }
        ],
        "responses": {
          "200": {
            "description": "The job's progress events, then `end`; the stream closes after `end`.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                },
                "example": "id: 1\nevent: progress\ndata: {\"stage\":\"denoise\",\"step\":1,\"total\":25,\"fraction\":0.04}\n\nid: 27\nevent: end\ndata: {\"status\":200}\n\n"
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
            "description": "No job with this request id started within the wait (30 s), and none ended within the last 60 s.",
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
                    "msg": "no job with request id \"job-42\" started within 30 s"
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
    "/info": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Info",
        "description": "The pipeline, the model, the version, the loaded upscaler's scale and, for video pipelines, the limits a video upload must stay within (our extension).",
        "operationId": "info",
        "security": [],
        "responses": {
          "200": {
            "description": "What this runner serves.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "What this runner serves and the limits of its uploads (our extension).",
                  "required": [
                    "pipeline",
                    "model_id",
                    "version"
                  ],
                  "properties": {
                    "pipeline": {
                      "type": "string"
                    },
                    "model_id": {
                      "type": "string"
                    },
                    "version": {
                      "type": "string"
                    },
                    "scale": {
                      "type": "integer",
                      "description": "The loaded upscaler's factor (upscale and video-upscale, once the model has loaded)."
                    },
                    "num_frames": {
                      "type": "integer",
                      "minimum": 1,
                      "description": "Frames of every video the loaded model makes (image-to-video, once the model has loaded): 14 for SVD, 25 for SVD-XT. An orchestrator checks an interpolated video's frame budget with it before SVD runs."
                    },
                    "video_limits": {
                      "type": "object",
                      "description": "What a video upload may be (our extension). A video over any of them is refused with 413 before any frame is decoded, and the 413 message lists them all.",
                      "required": [
                        "max_bytes",
                        "max_input_pixels",
                        "max_output_pixels",
                        "max_frames",
                        "max_duration_seconds"
                      ],
                      "properties": {
                        "max_bytes": {
                          "type": "integer",
                          "description": "Largest file in bytes."
                        },
                        "max_input_pixels": {
                          "type": "integer",
                          "description": "Largest input frame, width × height."
                        },
                        "max_output_pixels": {
                          "type": "integer",
                          "description": "Largest produced frame, width × height × scale²."
                        },
                        "max_frames": {
                          "type": "integer",
                          "description": "Most frames in the video stream."
                        },
                        "max_duration_seconds": {
                          "type": "number",
                          "description": "Longest video stream in seconds."
                        },
                        "max_output_frames": {
                          "type": "integer",
                          "description": "Most frames a frame-interpolation job may produce (the source's frames × the rate change); more is refused with 413 before any frame is decoded. Frame-interpolation runners only."
                        }
                      }
                    }
                  }
                },
                "example": {
                  "pipeline": "video-upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "version": "0.1.0",
                  "scale": 4,
                  "video_limits": {
                    "max_bytes": 268435456,
                    "max_input_pixels": 921600,
                    "max_output_pixels": 8294400,
                    "max_frames": 3600,
                    "max_duration_seconds": 180
                  }
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
        "description": "`OK` when the model is ready and `ERROR` when loading failed (the reason is in the log), both with a 200; `LOADING` with a 503 while the model loads, so a caller that takes any 200 as ready (go-livepeer's) waits for it.",
        "operationId": "health",
        "security": [],
        "responses": {
          "200": {
            "description": "The runner's state.",
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
          },
          "503": {
            "description": "The model is still loading; ask again after `Retry-After` seconds.",
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before asking again.",
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
                  "status": "LOADING"
                }
              }
            }
          }
        }
      }
    },
    "/hardware/info": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Hardware Info",
        "description": "The pipeline, the model and the GPUs this runner can see (an empty map without GPUs).",
        "operationId": "hardware_info",
        "security": [],
        "responses": {
          "200": {
            "description": "GPU information.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for GPU information.",
                  "required": [
                    "pipeline",
                    "model_id",
                    "gpu_info"
                  ],
                  "properties": {
                    "pipeline": {
                      "type": "string"
                    },
                    "model_id": {
                      "type": "string"
                    },
                    "gpu_info": {
                      "type": "object",
                      "additionalProperties": {
                        "type": "object",
                        "description": "Model for detailed GPU compute information.",
                        "required": [
                          "id",
                          "name",
                          "memory_total",
                          "memory_free",
                          "major",
                          "minor"
                        ],
                        "properties": {
                          "id": {
                            "type": "string"
                          },
                          "name": {
                            "type": "string"
                          },
                          "memory_total": {
                            "type": "integer"
                          },
                          "memory_free": {
                            "type": "integer"
                          },
                          "major": {
                            "type": "integer"
                          },
                          "minor": {
                            "type": "integer"
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "gpu_info": {}
                }
              }
            }
          }
        }
      }
    },
    "/hardware/stats": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Hardware Stats",
        "description": "Current GPU utilisation (an empty map without GPUs).",
        "operationId": "hardware_stats",
        "security": [],
        "responses": {
          "200": {
            "description": "GPU statistics.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "Response model for real-time GPU statistics.",
                  "required": [
                    "pipeline",
                    "model_id",
                    "gpu_stats"
                  ],
                  "properties": {
                    "pipeline": {
                      "type": "string"
                    },
                    "model_id": {
                      "type": "string"
                    },
                    "gpu_stats": {
                      "type": "object",
                      "additionalProperties": {
                        "type": "object",
                        "description": "Model for GPU utilization statistics.",
                        "required": [
                          "id",
                          "name",
                          "memory_total",
                          "memory_free",
                          "utilization_compute",
                          "utilization_memory"
                        ],
                        "properties": {
                          "id": {
                            "type": "string"
                          },
                          "name": {
                            "type": "string"
                          },
                          "memory_total": {
                            "type": "integer"
                          },
                          "memory_free": {
                            "type": "integer"
                          },
                          "utilization_compute": {
                            "type": "integer"
                          },
                          "utilization_memory": {
                            "type": "integer"
                          }
                        }
                      }
                    }
                  }
                },
                "example": {
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "gpu_stats": {}
                }
              }
            }
          }
        }
      }
    },
    "/version": {
      "get": {
        "tags": [
          "status"
        ],
        "summary": "Version",
        "description": "The runner's version, pipeline and model.",
        "operationId": "version",
        "security": [],
        "responses": {
          "200": {
            "description": "Version information.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "version"
                  ],
                  "properties": {
                    "pipeline": {
                      "type": "string"
                    },
                    "model_id": {
                      "type": "string"
                    },
                    "version": {
                      "type": "string",
                      "description": "The version of the server."
                    }
                  }
                },
                "example": {
                  "pipeline": "upscale",
                  "model_id": "upscalerjs/esrgan-slim-x4",
                  "version": "0.1.0"
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
        "description": "Prometheus metrics in the text exposition format.",
        "operationId": "metrics",
        "security": [],
        "responses": {
          "200": {
            "description": "Metrics.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                },
                "example": "# TYPE avs_runner_requests_total counter\n"
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "HTTPBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "Required on generate routes when the runner is started with AUTH_TOKEN."
      }
    }
  }
};
