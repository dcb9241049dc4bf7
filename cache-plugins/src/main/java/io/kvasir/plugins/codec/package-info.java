/**
 * KV-cache codecs: how K and V vectors are stored in KV blocks ({@code f32}, {@code f16}, {@code int8},
 * {@code fp8-e4m3}, {@code int4-kivi}). Each provider here is registered in
 * {@code META-INF/services/io.kvasir.api.plugin.KvCodecProvider}; the layouts and their vector kernels live
 * in {@code internal}. See {@code docs/plugins/kv-codec.md}.
 */
package io.kvasir.plugins.codec;
