/**
 * Generated from specs/orchestrator.yaml by `avs-codegen` (resolved document). Do not edit by hand:
 * change the spec and run `pnpm generate`.
 */

import type { OpenApiDocument } from "@ai-video-subnet/server-kit";

/** The orchestrator API with every `$ref` inlined: what this server validates requests against and serves. */
export const orchestratorDocument: OpenApiDocument = {
  "openapi": "3.1.0",
  "info": {
    "title": "AI Video Subnet orchestrator API",
    "version": "0.1.0",
    "description": "An orchestrator is run by a GPU operator. It advertises what it can run and at what price (`GET /info`), manages runners on its GPUs, and runs jobs that broadcasters send it. Job routes take the runner's bodies with `model_id` required; media comes back as URLs the orchestrator serves for a retention time, so large media is not re-encoded as base64 on the next hop. Image-to-video returns one mp4.",
    "license": {
      "name": "MIT",
      "identifier": "MIT"
    }
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8935",
      "description": "An orchestrator started with its defaults."
    }
  ],
  "tags": [
    {
      "name": "jobs",
      "description": "Run a job on one of this orchestrator's runners."
    },
    {
      "name": "progress",
      "description": "Per-step progress of running jobs (our extension)."
    },
    {
      "name": "status",
      "description": "Capabilities, prices, health and stored outputs."
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
          "jobs"
        ],
        "summary": "Text To Image",
        "description": "Generate images from text prompts on a runner of `model_id`.",
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
            "name": "X-Media-Delivery",
            "in": "header",
            "required": false,
            "description": "Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did.",
            "schema": {
              "type": "string",
              "enum": [
                "url",
                "data"
              ]
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "allOf": [
                  {
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
                  }
                ],
                "required": [
                  "model_id"
                ]
              },
              "examples": {
                "turbo": {
                  "summary": "One image from SD-Turbo",
                  "value": {
                    "model_id": "stabilityai/sd-turbo",
                    "prompt": "a red fox in snow",
                    "height": 512,
                    "width": 512,
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
            "description": "The generated images.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              },
              "X-Media-Delivery": {
                "description": "How the media URLs of this response deliver their bytes: `url` — fetchable URLs the server serves for a retention time; `data` — inline `data:` URLs.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "url",
                    "data"
                  ]
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
          "502": {
            "description": "The runner's answer could not be used (the runner's fault, not the request's): it was not JSON, was larger than the orchestrator's `max-answer-bytes`, had a status the runner API does not declare, or held media that are not inline `data:` URLs of the pipeline's media type, in the number the request asked for, each standard padded base64 of a whole file (a PNG up to its IEND chunk, an mp4 whose top-level boxes add up to its length). Nothing was produced; another orchestrator may succeed.",
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
                    "msg": "the runner of upscale model \"a/b\" answered media that cannot be used: images[0].url is not a data: URL (only inline data: URLs are accepted from a runner)"
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
          "jobs"
        ],
        "summary": "Image To Image",
        "description": "Transform an image on a runner of `model_id`.",
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
            "name": "X-Media-Delivery",
            "in": "header",
            "required": false,
            "description": "Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did.",
            "schema": {
              "type": "string",
              "enum": [
                "url",
                "data"
              ]
            }
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
                  }
                ],
                "required": [
                  "model_id"
                ]
              },
              "examples": {
                "repaint": {
                  "summary": "Repaint a photo",
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
            "description": "The generated images.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              },
              "X-Media-Delivery": {
                "description": "How the media URLs of this response deliver their bytes: `url` — fetchable URLs the server serves for a retention time; `data` — inline `data:` URLs.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "url",
                    "data"
                  ]
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
          "502": {
            "description": "The runner's answer could not be used (the runner's fault, not the request's): it was not JSON, was larger than the orchestrator's `max-answer-bytes`, had a status the runner API does not declare, or held media that are not inline `data:` URLs of the pipeline's media type, in the number the request asked for, each standard padded base64 of a whole file (a PNG up to its IEND chunk, an mp4 whose top-level boxes add up to its length). Nothing was produced; another orchestrator may succeed.",
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
                    "msg": "the runner of upscale model \"a/b\" answered media that cannot be used: images[0].url is not a data: URL (only inline data: URLs are accepted from a runner)"
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
          "jobs"
        ],
        "summary": "Image To Video",
        "description": "Generate a video from an image on a runner of `model_id`; the frames are encoded as one H.264 mp4. With `output_fps` above `fps` (our extension), the frames are first interpolated to that rate on a frame-interpolation runner of this orchestrator (`interpolation_model_id`), e.g. 14 frames at 7 fps → 48 at 24 fps.",
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
            "name": "X-Media-Delivery",
            "in": "header",
            "required": false,
            "description": "Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did.",
            "schema": {
              "type": "string",
              "enum": [
                "url",
                "data"
              ]
            }
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
                ],
                "required": [
                  "model_id"
                ]
              },
              "examples": {
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
            "description": "One mp4, as the single entry of `images`.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              },
              "X-Media-Delivery": {
                "description": "How the media URLs of this response deliver their bytes: `url` — fetchable URLs the server serves for a retention time; `data` — inline `data:` URLs.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "url",
                    "data"
                  ]
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
          "502": {
            "description": "The runner's answer could not be used (the runner's fault, not the request's): it was not JSON, was larger than the orchestrator's `max-answer-bytes`, had a status the runner API does not declare, or held media that are not inline `data:` URLs of the pipeline's media type, in the number the request asked for, each standard padded base64 of a whole file (a PNG up to its IEND chunk, an mp4 whose top-level boxes add up to its length). Nothing was produced; another orchestrator may succeed.",
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
                    "msg": "the runner of upscale model \"a/b\" answered media that cannot be used: images[0].url is not a data: URL (only inline data: URLs are accepted from a runner)"
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
          "jobs"
        ],
        "summary": "Upscale",
        "description": "Upscale an image on a runner of `model_id`.",
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
            "name": "X-Media-Delivery",
            "in": "header",
            "required": false,
            "description": "Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did.",
            "schema": {
              "type": "string",
              "enum": [
                "url",
                "data"
              ]
            }
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
                  }
                ],
                "required": [
                  "model_id"
                ]
              },
              "examples": {
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
            "description": "The upscaled image.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              },
              "X-Media-Delivery": {
                "description": "How the media URLs of this response deliver their bytes: `url` — fetchable URLs the server serves for a retention time; `data` — inline `data:` URLs.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "url",
                    "data"
                  ]
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
          "502": {
            "description": "The runner's answer could not be used (the runner's fault, not the request's): it was not JSON, was larger than the orchestrator's `max-answer-bytes`, had a status the runner API does not declare, or held media that are not inline `data:` URLs of the pipeline's media type, in the number the request asked for, each standard padded base64 of a whole file (a PNG up to its IEND chunk, an mp4 whose top-level boxes add up to its length). Nothing was produced; another orchestrator may succeed.",
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
                    "msg": "the runner of upscale model \"a/b\" answered media that cannot be used: images[0].url is not a data: URL (only inline data: URLs are accepted from a runner)"
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
          "jobs"
        ],
        "summary": "Video Upscale",
        "description": "Upscale every frame of a video on a runner of `model_id` (our extension). The runner's mp4 (same frames, timestamps and audio, H.264) is stored and returned as the single entry of `images`.",
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
            "name": "X-Media-Delivery",
            "in": "header",
            "required": false,
            "description": "Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did.",
            "schema": {
              "type": "string",
              "enum": [
                "url",
                "data"
              ]
            }
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
                  }
                ],
                "required": [
                  "model_id"
                ]
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
            "description": "One mp4, as the single entry of `images`.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              },
              "X-Media-Delivery": {
                "description": "How the media URLs of this response deliver their bytes: `url` — fetchable URLs the server serves for a retention time; `data` — inline `data:` URLs.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "url",
                    "data"
                  ]
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
                      "url": "http://127.0.0.1:8935/outputs/4vX9q2.mp4",
                      "seed": 42,
                      "nsfw": false
                    }
                  ]
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
          "502": {
            "description": "The runner's answer could not be used (the runner's fault, not the request's): it was not JSON, was larger than the orchestrator's `max-answer-bytes`, had a status the runner API does not declare, or held media that are not inline `data:` URLs of the pipeline's media type, in the number the request asked for, each standard padded base64 of a whole file (a PNG up to its IEND chunk, an mp4 whose top-level boxes add up to its length). Nothing was produced; another orchestrator may succeed.",
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
                    "msg": "the runner of upscale model \"a/b\" answered media that cannot be used: images[0].url is not a data: URL (only inline data: URLs are accepted from a runner)"
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
          "jobs"
        ],
        "summary": "Frame Interpolation",
        "description": "Raise the frame rate of a video, or make a clip from two images, on a FILM runner of `model_id` (our extension). The runner's mp4 (H.264, duration preserved) is stored and returned as the single entry of `images`.",
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
            "name": "X-Media-Delivery",
            "in": "header",
            "required": false,
            "description": "Ask for outputs inline as `data:` URLs in this answer (`data`) instead of URLs to fetch (`url`); default: the orchestrator's `media-delivery` setting. A job answered after the orchestrator began to stop gets its outputs inline whatever was asked: stored outputs would not outlive the process, whose port is already closed. The answer's `X-Media-Delivery` header says which it did.",
            "schema": {
              "type": "string",
              "enum": [
                "url",
                "data"
              ]
            }
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
                  }
                ],
                "required": [
                  "model_id"
                ]
              },
              "examples": {
                "video24": {
                  "summary": "A clip to 24 fps",
                  "value": {
                    "model_id": "tiny/film",
                    "video": "(video bytes)",
                    "output_fps": 24
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "One mp4, as the single entry of `images`.",
            "headers": {
              "X-Request-Id": {
                "description": "The request id of this job (see the X-Request-Id request header).",
                "schema": {
                  "type": "string"
                }
              },
              "X-Media-Delivery": {
                "description": "How the media URLs of this response deliver their bytes: `url` — fetchable URLs the server serves for a retention time; `data` — inline `data:` URLs.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "url",
                    "data"
                  ]
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
                      "url": "http://127.0.0.1:8935/outputs/7hD3kq.mp4",
                      "seed": 42,
                      "nsfw": false
                    }
                  ]
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
          "502": {
            "description": "The runner's answer could not be used (the runner's fault, not the request's): it was not JSON, was larger than the orchestrator's `max-answer-bytes`, had a status the runner API does not declare, or held media that are not inline `data:` URLs of the pipeline's media type, in the number the request asked for, each standard padded base64 of a whole file (a PNG up to its IEND chunk, an mp4 whose top-level boxes add up to its length). Nothing was produced; another orchestrator may succeed.",
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
                    "msg": "the runner of upscale model \"a/b\" answered media that cannot be used: images[0].url is not a data: URL (only inline data: URLs are accepted from a runner)"
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
        "description": "Server-sent events of the progress of the job this orchestrator runs under a request id (the `X-Request-Id` the broadcaster sent with its POST, which the orchestrator forwards to the runner), relayed from the runner's own `GET /progress/{request_id}` (our extension; Livepeer orchestrators do not have this route). A subscriber may connect before the POST arrives: it waits up to 30 s for that job to start, then gets 404, and sees every step. One that connects while the job runs starts at its last state, or after the `Last-Event-ID` it sends (an EventSource that reconnects resumes where it was). A job retried on another runner after its runner failed is followed there from its start. After the job ended its last state is kept for 60 s, so a late subscriber still sees where it got to and how it ended. Events: `progress` with `{\"stage\",\"step\",\"total\",\"fraction\"}` (`stage` names the runner's loop, e.g. `denoise` then `decode` for Stable Diffusion, `tiles` for upscaling, `upscale` per video frame; `fraction` is `step / total` of that stage) and a final `end` with `{\"status\"}` (the HTTP status the runner answered, and `msg` when it failed), after which the stream closes. A runner without progress (a Livepeer runner) gives only the `end` event. Each event's `id` is its sequence number within the job. An `/image-to-video` job with `output_fps` (the SVD → FILM chain) runs on two runners and is relayed stage after stage: the image-to-video runner's events (`denoise`, `decode`), then the frame-interpolation runner's (`interpolate`, one per output frame), each `progress` with `\"pipeline\"` naming its stage's pipeline (e.g. `{\"pipeline\":\"frame-interpolation\",\"stage\":\"interpolate\",\"step\":1,\"total\":48,\"fraction\":0.02}`), ids continued across the stages, and a single `end` when the job answered.",
        "operationId": "getProgress",
        "parameters": [
          {
            "name": "request_id",
            "in": "path",
            "required": true,
            "description": "The `X-Request-Id` of the job POST to follow.",
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
        "description": "Version, hardware, and every capability with its warmth, capacity, jobs in use and price. Always current.",
        "operationId": "getInfo",
        "security": [],
        "responses": {
          "200": {
            "description": "What this orchestrator offers now.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "version",
                    "capabilities",
                    "hardware"
                  ],
                  "properties": {
                    "version": {
                      "type": "string"
                    },
                    "capabilities": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "required": [
                          "pipeline",
                          "model_id",
                          "warm",
                          "capacity",
                          "in_use",
                          "price"
                        ],
                        "properties": {
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
                            "type": "string"
                          },
                          "warm": {
                            "type": "boolean",
                            "description": "A runner for this model is loaded and ready now."
                          },
                          "capacity": {
                            "type": "integer",
                            "minimum": 0,
                            "description": "Jobs this orchestrator runs at once for this pipeline and model. The slots of a runner that is waiting out a backoff after failing (to start, or soon after it started) are not counted: 0 while every runner of the model is, and jobs then get 503 with Retry-After. Nor are those of a cold runner that could not get a device now, each being held by warm runners or by runners with jobs, nor those of an external runner (reached by URL) that does not answer."
                          },
                          "in_use": {
                            "type": "integer",
                            "minimum": 0,
                            "description": "Jobs running now."
                          },
                          "price": {
                            "type": "object",
                            "description": "Price of work: `price_per_unit` (wei) for every `pixels_per_unit` work units. A job's work units are pixels × frames × steps × images by its pipeline's `x-avs-pipeline` recipe: the requested size for text-to-image and image-to-video (× 25 frames), the input image's pixels for image-to-image and upscale (not the upscaled output's), every frame of the input video for video-upscale, and the output frames × their size for frame-interpolation.",
                            "required": [
                              "price_per_unit",
                              "pixels_per_unit"
                            ],
                            "properties": {
                              "price_per_unit": {
                                "type": "number",
                                "minimum": 0
                              },
                              "pixels_per_unit": {
                                "type": "integer",
                                "minimum": 1
                              }
                            }
                          }
                        }
                      }
                    },
                    "hardware": {
                      "type": "array",
                      "description": "The hardware each running runner reported.",
                      "items": {
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
                      }
                    }
                  }
                },
                "example": {
                  "version": "0.1.0",
                  "hardware": [],
                  "capabilities": [
                    {
                      "pipeline": "upscale",
                      "model_id": "upscalerjs/esrgan-slim-x4",
                      "warm": true,
                      "capacity": 1,
                      "in_use": 0,
                      "price": {
                        "price_per_unit": 1,
                        "pixels_per_unit": 1
                      }
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
        "description": "Liveness: `OK` while the process serves HTTP, from the moment it listens, also while its warm runners still load their models (a job sent then waits for its runner, up to `start-timeout`). Use `/ready` to know whether the warm runners are up.",
        "operationId": "health",
        "security": [],
        "responses": {
          "200": {
            "description": "The orchestrator's state.",
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
        "description": "Readiness: 200 once the start is over, every warm and external runner having been started and waited for, while at least one advertised model can take a job: a runner of it is ready, or it is a cold runner a job may start (one not waiting out a failure backoff). 503 saying why otherwise: while the warm runners start, while every runner is down, restarting or waiting out a backoff (`no runner can take a job: …`), and from the moment a stop begins. `/info`'s `warm` says which models have a ready runner. Point load balancers and readiness probes here.",
        "operationId": "ready",
        "security": [],
        "responses": {
          "200": {
            "description": "Started, not stopping, and a runner can take a job.",
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
            "description": "Starting (warm runners loading), no runner can take a job, or stopping.",
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
                    "msg": "starting: 0 of 1 warm runners ready"
                  }
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
        "description": "A stored result, by the unguessable name returned in a job's media URL, until its retention time ends. One byte range of it may be asked for with `Range` (206 with only those bytes): browsers seek in videos so, and Safari plays an mp4 only from a server that answers ranges. `HEAD` answers GET's headers without the body (and reads none of the output; a `Range` is ignored on it).",
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
    "securitySchemes": {
      "HTTPBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "The secret shared with trusted broadcasters, required on job routes when configured."
      }
    }
  }
};
