/**
 * The scheduling policies behind the providers of {@link io.kvasir.plugins.scheduling}. Each is used on the
 * engine loop thread only and {@code pickNext} allocates nothing for requests it was told about.
 */
package io.kvasir.plugins.scheduling.internal;
