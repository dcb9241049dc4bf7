package io.kvasir.engine.kernel;

/** TEMPORARY stand-in until the kernels branch lands. */
public final class MatMul {
    private final ParallelExecutor executor;
    public MatMul(ParallelExecutor executor) { this.executor = executor; }
    public void multiply(WeightMatrix w, float[] x, int batch, float[] out) {
        int rows = w.rows();
        int cols = w.cols();
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                out[b * rows + r] = w.dot(r, x, b * cols);
            }
        }
    }
}
