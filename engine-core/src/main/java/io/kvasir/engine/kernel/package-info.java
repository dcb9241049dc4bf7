/**
 * CPU compute kernels on the Java Vector API: weight matrices in GGML types ({@link
 * io.kvasir.engine.kernel.WeightMatrix}), the batched matrix multiply ({@link io.kvasir.engine.kernel.MatMul}),
 * the element-wise operations of a Llama layer ({@link io.kvasir.engine.kernel.VectorOps}, with scalar
 * references in {@link io.kvasir.engine.kernel.ScalarOps}), quantisers ({@link io.kvasir.engine.kernel.Quantizer}),
 * the worker pool ({@link io.kvasir.engine.kernel.ParallelExecutor}) and a memory bandwidth probe.
 *
 * <p>Kernels are tuned for 512-bit vectors (AVX-512) and stay correct, if slower, on 256-bit ones.
 */
package io.kvasir.engine.kernel;
