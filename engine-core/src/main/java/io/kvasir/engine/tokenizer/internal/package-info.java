/** Tokenizer implementation: the two algorithms, special-token splitting and the primitive tables they use. */
package io.kvasir.engine.tokenizer.internal;
