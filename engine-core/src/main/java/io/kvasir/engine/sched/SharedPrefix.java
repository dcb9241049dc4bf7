package io.kvasir.engine.sched;

/**
 * A cached prompt prefix that later requests reused.
 *
 * @param numBlocks whole KV blocks the prefix spans
 * @param numTokens tokens it spans ({@code numBlocks × blockSize})
 * @param hits requests that started from exactly this prefix
 * @param prefixGroup the prefix-sharing group whose requests reused it (a tenant's id unless tenants share a group)
 */
public record SharedPrefix(int numBlocks, int numTokens, long hits, String prefixGroup) {
}
