/** Kvasir as a Spring AI chat model: {@link io.kvasir.springai.KvasirChatModel} and its options. */
@NullMarked
package io.kvasir.springai;

import org.jspecify.annotations.NullMarked;
