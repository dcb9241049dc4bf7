/**
 * Tokenizers driven by GGUF metadata, matching llama.cpp token for token: SentencePiece-style BPE
 * ({@code tokenizer.ggml.model = llama}) and byte-level BPE ({@code gpt2}) with its pre-tokenizer regexes.
 * Start at {@link io.kvasir.engine.tokenizer.Tokenizers#fromMetadata}.
 */
package io.kvasir.engine.tokenizer;
