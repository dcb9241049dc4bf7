/**
 * Prefix-cache indexes ({@link io.kvasir.api.plugin.PrefixIndex}): {@code hash} (vLLM-style chained block
 * hashes, LRU over unreferenced blocks) and {@code radix} (SGLang-style radix tree, LRU or LFU over leaves).
 */
package io.kvasir.plugins.prefix;
