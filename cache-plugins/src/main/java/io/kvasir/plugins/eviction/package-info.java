/**
 * Eviction policies inside a sequence: which cached positions of a long sequence are dropped so its KV
 * cache fits a budget. Providers: {@code none}, {@code streaming} (StreamingLLM), {@code h2o} (Heavy-Hitter
 * Oracle) and {@code snapkv} (SnapKV); the policies themselves live in {@code internal}. See
 * {@code docs/plugins/eviction.md}.
 */
package io.kvasir.plugins.eviction;
