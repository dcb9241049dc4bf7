/**
 * Kvasir's KV-cache strategies. Each lives in {@code io.kvasir.plugins.<kind>.<name>} and is registered in
 * {@code META-INF/services}; the engine finds them through {@link java.util.ServiceLoader}, so this module
 * depends on the platform API alone.
 */
package io.kvasir.plugins;
