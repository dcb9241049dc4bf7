/** Kvasir's command-line tools. */
package io.kvasir.ops;
