/**
 * CPU compute kernels on the Java Vector API: weight matrices in GGML types ({@link
 * io.kvasir.engine.kernel.WeightMatrix}), the batched matrix multiply ({@link io.kvasir.engine.kernel.MatMul}),
 * the element-wise operations of a Llama layer ({@link io.kvasir.engine.kernel.VectorOps}, with scalar
 * references in {@link io.kvasir.engine.kernel.ScalarOps}), quantisers ({@link io.kvasir.engine.kernel.Quantizer}),
 * the worker pool ({@link io.kvasir.engine.kernel.ParallelExecutor}) and a memory bandwidth probe.
 *
 * <p>Kernels are tuned for 512-bit vectors (AVX-512) and stay correct, if slower, on 256-bit ones.
 *
 * <p>An optional native kernel for Q8_0 products ({@code src/main/c/kvasir_kernels.c}, AVX2 int8 products on
 * 8-bit-quantised activations, reached through FFM) is compiled by the build where gcc is present and chosen by
 * {@link io.kvasir.engine.kernel.KernelChoice}; the Java kernels stay available and are used wherever it is not.
 */
package io.kvasir.engine.kernel;
