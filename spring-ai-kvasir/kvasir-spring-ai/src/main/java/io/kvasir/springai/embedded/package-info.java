/** Embedded mode: Kvasir's engine in the application's process. */
@NullMarked
package io.kvasir.springai.embedded;

import org.jspecify.annotations.NullMarked;
