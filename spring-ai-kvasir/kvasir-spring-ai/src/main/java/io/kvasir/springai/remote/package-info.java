/** Remote mode: a Kvasir gateway over its OpenAI-compatible HTTP API. */
@NullMarked
package io.kvasir.springai.remote;

import org.jspecify.annotations.NullMarked;
