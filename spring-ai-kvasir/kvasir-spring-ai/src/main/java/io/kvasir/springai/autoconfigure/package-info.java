/** Spring Boot auto-configuration of the Kvasir chat model: embedded and remote modes and their properties. */
@NullMarked
package io.kvasir.springai.autoconfigure;

import org.jspecify.annotations.NullMarked;
