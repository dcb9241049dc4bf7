/**
 * Kvasir's engine: GGUF, tokenizers, the Llama model, CPU kernels, the paged KV cache, scheduler,
 * sampler and the engine loop. Plain Java; no Spring.
 */
package io.kvasir.engine;
