/*
 * Kvasir's optional native matrix kernels (x86-64, AVX2 + FMA + F16C), reached from Java through FFM
 * (io.kvasir.engine.kernel.NativeKernels). The Java Vector API has no int8 multiply-add; these kernels use
 * AVX2's vpmaddubsw / vpmaddwd on int8-quantised activations, the way llama.cpp does on AVX2, and on CPUs with
 * AVX-512 VNNI (Ice Lake, Sapphire Rapids, Zen 4 and later) vpdpbusd, which does both and the sum in one.
 *
 * No threads here: Java's ParallelExecutor splits the output rows, and each call computes a row range for
 * every activation row. The library itself is compiled without -mavx2 so that kvasir_cpu_supported() runs on
 * any x86-64; only the kernels carry the AVX2 target attribute, and Java calls them only after the check.
 *
 * Layouts (all little-endian):
 *   Q8_0 weights: each row is cols/32 blocks of 34 bytes, an f16 scale d then 32 int8 q; w = d * q.
 *   Quantised activations: row b's quants at xq[b*cols ..], its block scales at xs[b*(cols/32) ..];
 *   x ~= xs[block] * xq[i]. quantize: per block of 32, d = max|x| / 127, q = round-half-even(x / d).
 */
#include <assert.h>
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define KVASIR_ABI_VERSION 2
#define QK 32
#define Q8_0_BLOCK_BYTES 34
/* The row-wise kernel (small batches) dots one weight row at a time with up to TILE_BATCH activation rows. */
#define TILE_BATCH 3
/* The interleaved tile (batches of MIN_INTERLEAVED_BATCH and more): 8 weight rows x 4 activation rows. */
#define GROUP_ROWS 8
#define GROUP_BATCH 4
#define MIN_INTERLEAVED_BATCH 4
/* Bytes of one interleaved block: 8 rows x 32 quants, then 8 float scales. */
#define GROUP_BLOCK_BYTES (GROUP_ROWS * QK + GROUP_ROWS * 4)
/* The AVX-512 VNNI tile: 16 interleaved weight rows (one zmm of int32 lanes) x up to 8 activation rows. */
#define VNNI_ROWS 16
#define VNNI_BATCH 8
/* Bytes of one VNNI-interleaved block: 16 rows x 32 quants, 16 float scales, 16 int32 (128 x row sums). */
#define VNNI_BLOCK_BYTES (VNNI_ROWS * QK + VNNI_ROWS * 4 + VNNI_ROWS * 4)

int kvasir_abi_version(void) {
    return KVASIR_ABI_VERSION;
}

/* 1 when the CPU and the OS support AVX2, FMA and F16C (the kernels below need all three). */
int kvasir_cpu_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

/* 1 when kvasir_cpu_supported() and the CPU and the OS also support AVX-512 F, BW, VL and VNNI
 * (kvasir_q8_0_matmul_vnni needs them). */
int kvasir_cpu_vnni(void) {
    __builtin_cpu_init();
    return kvasir_cpu_supported() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
}

#define KERNEL __attribute__((target("avx2,fma,f16c")))
#define VNNI_KERNEL __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))

/* Quantises numRows rows of cols floats (cols % 32 == 0) into int8 quants and one float scale per block; with
 * offset, each quant is stored plus 128 (unsigned, as the VNNI tile multiplies them). */
static inline __attribute__((always_inline)) KERNEL void quantizeRows(const float *x, int64_t numRows, int64_t cols,
        int8_t *xq, float *xs, const int offset) {
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    const int64_t numBlocks = numRows * (cols / QK);
    for (int64_t blk = 0; blk < numBlocks; blk++) {
        const float *src = x + blk * QK;
        __m256 v0 = _mm256_loadu_ps(src);
        __m256 v1 = _mm256_loadu_ps(src + 8);
        __m256 v2 = _mm256_loadu_ps(src + 16);
        __m256 v3 = _mm256_loadu_ps(src + 24);
        __m256 amax = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(signBit, v0), _mm256_andnot_ps(signBit, v1)),
                                    _mm256_max_ps(_mm256_andnot_ps(signBit, v2), _mm256_andnot_ps(signBit, v3)));
        __m128 m4 = _mm_max_ps(_mm256_extractf128_ps(amax, 1), _mm256_castps256_ps128(amax));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float maxAbs = _mm_cvtss_f32(m4);
        const float d = maxAbs / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        xs[blk] = d;
        const __m256 mul = _mm256_set1_ps(id);
        /* Round to nearest even (the default MXCSR mode); |x * id| <= 127 so no lane saturates. */
        __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, mul));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, mul));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, mul));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, mul));
        /* The packs interleave 128-bit lanes; the permute puts the 32 bytes back in order. */
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        packed = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        if (offset) {
            packed = _mm256_xor_si256(packed, _mm256_set1_epi8((char) 0x80));
        }
        _mm256_storeu_si256((__m256i *) (xq + blk * QK), packed);
    }
}

/* Quantises numRows rows of cols floats (cols % 32 == 0) into int8 quants and one float scale per block (the
 * format kvasir_q8_0_matmul takes). */
KERNEL void kvasir_quantize_q8(const float *x, int64_t numRows, int64_t cols, int8_t *xq, float *xs) {
    quantizeRows(x, numRows, cols, xq, xs, 0);
}

static inline KERNEL float f16ToF32(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, sizeof h);
    return _cvtsh_ss(h);
}

/* The 8 int32 sums of the 32 products of a block's weight quants and activation quants, given |w| and sign(w)x
 * (vpmaddubsw multiplies unsigned by signed bytes, so the weights' signs move onto the activations). AVX2: the
 * pairwise int16 sums of vpmaddubsw (at most 2 * 127 * 128) cannot saturate, vpmaddwd adds the pairs. */
static inline KERNEL __m256i blockSumsAvx2(__m256i absW, __m256i signedX) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(absW, signedX), _mm256_set1_epi16(1));
}

static inline KERNEL float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* DEFINE_ROWWISE(NAME, TARGET, BLOCK_SUMS) defines NAME, the product for batches under MIN_INTERLEAVED_BATCH on
 * TARGET's instructions, BLOCK_SUMS(|w|, sign(w)x) giving a block's int32 sums: one weight row at a time, dotted
 * straight from its blocks with every activation row (each weight block loaded once for all of them). One row at
 * a time reads the weights as one sequential stream, which the hardware prefetchers follow: on a 2-core AVX-512
 * EPYC, a decode's products over two threads streamed 13-23 GB/s with tiles of 2, 4 or 8 rows (one stream per
 * row, with or without software prefetch), 27-34 GB/s one row at a time. Every instance computes the same block
 * sums and float steps in the same order, so all give identical results. */
#define DEFINE_ROWWISE(NAME, TARGET, BLOCK_SUMS) \
static inline __attribute__((always_inline)) TARGET void NAME##Row(const int RN, const uint8_t *row, \
        int64_t numBlocks, const int8_t *xq, const float *xs, int64_t cols, float *out, int64_t outStride) { \
    __m256 acc[TILE_BATCH]; \
    for (int j = 0; j < RN; j++) { \
        acc[j] = _mm256_setzero_ps(); \
    } \
    const int64_t numScales = cols / QK; \
    for (int64_t k = 0; k < numBlocks; k++) { \
        const uint8_t *block = row + k * Q8_0_BLOCK_BYTES; \
        const __m256 wScale = _mm256_set1_ps(f16ToF32(block)); \
        const __m256i wQuant = _mm256_loadu_si256((const __m256i *) (block + 2)); \
        const __m256i absW = _mm256_sign_epi8(wQuant, wQuant); \
        for (int j = 0; j < RN; j++) { \
            const __m256 xScale = _mm256_broadcast_ss(xs + j * numScales + k); \
            const __m256i xQuant = _mm256_loadu_si256((const __m256i *) (xq + j * cols + k * QK)); \
            const __m256i sums = BLOCK_SUMS(absW, _mm256_sign_epi8(xQuant, wQuant)); \
            acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(wScale, xScale), acc[j]); \
        } \
    } \
    for (int j = 0; j < RN; j++) { \
        out[j * outStride] = hsum(acc[j]); \
    } \
} \
static TARGET void NAME(const uint8_t *weights, int64_t rowBytes, int64_t cols, const int8_t *xq, const float *xs, \
        int64_t batch, float *result, int64_t outStride, int64_t r0, int64_t r1) { \
    assert(batch >= 1 && batch <= TILE_BATCH); \
    const int64_t numBlocks = cols / QK; \
    for (int64_t r = r0; r < r1; r++) { \
        const uint8_t *row = weights + r * rowBytes; \
        switch (batch) { \
            case 1: NAME##Row(1, row, numBlocks, xq, xs, cols, result + r, outStride); break; \
            case 2: NAME##Row(2, row, numBlocks, xq, xs, cols, result + r, outStride); break; \
            default: NAME##Row(3, row, numBlocks, xq, xs, cols, result + r, outStride); break; \
        } \
    } \
}

DEFINE_ROWWISE(matmulRowwise, KERNEL, blockSumsAvx2)

/* Block k of weight rows w[0..8) (numRows of them real; the last is repeated to fill the group), transposed:
 * vector j of out holds bytes 4j..4j+3 of row r in its 32-bit lane r, and scales[r] is row r's scale as a
 * float. The 8 x 8 transpose of 32-bit elements costs 24 shuffles per block, repaid over every activation row
 * the group is multiplied with. */
static inline __attribute__((always_inline)) KERNEL void transposeBlock(const uint8_t *w, int64_t rowBytes,
        int64_t k, int numRows, __m256i out[GROUP_ROWS], float *scales) {
    __m256i v[GROUP_ROWS];
    uint16_t halves[GROUP_ROWS];
    for (int r = 0; r < GROUP_ROWS; r++) {
        const uint8_t *block = w + (r < numRows ? r : numRows - 1) * rowBytes + k * Q8_0_BLOCK_BYTES;
        memcpy(&halves[r], block, sizeof halves[r]);
        v[r] = _mm256_loadu_si256((const __m256i *) (block + 2));
    }
    _mm256_storeu_ps(scales, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) halves)));
    __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
    __m256i t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
    __m256i t4 = _mm256_unpacklo_epi32(v[4], v[5]), t5 = _mm256_unpackhi_epi32(v[4], v[5]);
    __m256i t6 = _mm256_unpacklo_epi32(v[6], v[7]), t7 = _mm256_unpackhi_epi32(v[6], v[7]);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    out[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    out[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    out[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    out[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    out[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    out[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    out[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    out[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* Interleaves weight rows w[0..8) (numRows of them real) for the interleaved tile, block after block:
 * quants + k*256 holds block k's transposed vectors (transposeBlock), scales[8k + r] row r's scale. */
static KERNEL void interleaveRows(const uint8_t *w, int64_t rowBytes, int64_t numBlocks, int numRows,
        uint8_t *quants, float *scales) {
    for (int64_t k = 0; k < numBlocks; k++) {
        __m256i t[GROUP_ROWS];
        transposeBlock(w, rowBytes, k, numRows, t, scales + k * GROUP_ROWS);
        __m256i *dst = (__m256i *) (quants + k * GROUP_ROWS * QK);
        for (int j = 0; j < GROUP_ROWS; j++) {
            _mm256_store_si256(dst + j, t[j]);
        }
    }
}

/* 8 interleaved weight rows times NB activation rows. Four bytes of an activation row are broadcast against
 * vector j, so lane r of the int32 sums collects row r's block dot product: no horizontal sums, the 8 row
 * scales are one vector, and the result is 8 consecutive outputs. */
static inline __attribute__((always_inline)) KERNEL void interleavedTile(const int NB, const uint8_t *quants,
        const float *scales, int64_t numBlocks, const int8_t *xq, const float *xs, int64_t cols, float *out,
        int64_t outStride, int numRows) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc[GROUP_BATCH];
    for (int b = 0; b < NB; b++) {
        acc[b] = _mm256_setzero_ps();
    }
    for (int64_t k = 0; k < numBlocks; k++) {
        __m256i sums[GROUP_BATCH];
        for (int b = 0; b < NB; b++) {
            sums[b] = _mm256_setzero_si256();
        }
        const __m256i *wv = (const __m256i *) (quants + k * GROUP_ROWS * QK);
        /* Unrolled fully, gcc reassociates the int32 sums into a tree and spills the partial products. */
        _Pragma("GCC unroll 2") for (int j = 0; j < 8; j++) {
            const __m256i w = _mm256_load_si256(wv + j);
            const __m256i absW = _mm256_sign_epi8(w, w);
            for (int b = 0; b < NB; b++) {
                int32_t four;
                memcpy(&four, xq + b * cols + k * QK + 4 * j, sizeof four);
                const __m256i x = _mm256_set1_epi32(four);
                const __m256i pairs = _mm256_maddubs_epi16(absW, _mm256_sign_epi8(x, w));
                sums[b] = _mm256_add_epi32(sums[b], _mm256_madd_epi16(pairs, ones));
            }
        }
        const __m256 wScales = _mm256_load_ps(scales + k * GROUP_ROWS);
        for (int b = 0; b < NB; b++) {
            const __m256 scale = _mm256_mul_ps(wScales, _mm256_broadcast_ss(xs + b * numBlocks + k));
            acc[b] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[b]), scale, acc[b]);
        }
    }
    for (int b = 0; b < NB; b++) {
        if (numRows == GROUP_ROWS) {
            _mm256_storeu_ps(out + b * outStride, acc[b]);
        } else {
            float lanes[GROUP_ROWS];
            _mm256_storeu_ps(lanes, acc[b]);
            memcpy(out + b * outStride, lanes, numRows * sizeof(float));
        }
    }
}

/* Larger batches: each group of 8 weight rows is interleaved once into scratch, then multiplied with every
 * activation row, GROUP_BATCH at a time. */
static KERNEL void matmulInterleaved(const uint8_t *weights, int64_t rowBytes, int64_t cols, const int8_t *xq,
        const float *xs, int64_t batch, float *result, int64_t outStride, int64_t r0, int64_t r1, uint8_t *scratch) {
    const int64_t numBlocks = cols / QK;
    uint8_t *quants = scratch;
    float *scales = (float *) (scratch + numBlocks * GROUP_ROWS * QK);
    for (int64_t r = r0; r < r1; r += GROUP_ROWS) {
        const int numRows = (int) (r1 - r < GROUP_ROWS ? r1 - r : GROUP_ROWS);
        interleaveRows(weights + r * rowBytes, rowBytes, numBlocks, numRows, quants, scales);
        int64_t b = 0;
        for (; b + GROUP_BATCH <= batch; b += GROUP_BATCH) {
            interleavedTile(GROUP_BATCH, quants, scales, numBlocks, xq + b * cols, xs + b * numBlocks, cols,
                  result + b * outStride + r, outStride, numRows);
        }
        for (; b < batch; b++) {
            interleavedTile(1, quants, scales, numBlocks, xq + b * cols, xs + b * numBlocks, cols,
                  result + b * outStride + r, outStride, numRows);
        }
    }
}

/* vpdpbusd does vpmaddubsw, vpmaddwd and the add in one instruction, without the int16 step. */
static inline VNNI_KERNEL __m256i blockSumsVnni(__m256i absW, __m256i signedX) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), absW, signedX);
}

/* Batches under 4 on AVX-512 VNNI: the row-wise product with vpdpbusd. */
DEFINE_ROWWISE(matmulRowwiseVnni, VNNI_KERNEL, blockSumsVnni)

/* Interleaves weight rows w[0..16) (numRows of them real; the last is repeated to fill the group) for the VNNI
 * tile: vector j of block k (quants + k*512) holds bytes 4j..4j+3 of row r in its 32-bit lane r, scales[16k + r]
 * is row r's scale and rowSums128[16k + r] is 128 times the sum of row r's 32 quants in block k. */
static VNNI_KERNEL void interleaveRowsVnni(const uint8_t *w, int64_t rowBytes, int64_t numBlocks, int numRows,
        uint8_t *quants, float *scales, int32_t *rowSums128) {
    const uint8_t *upper = numRows > GROUP_ROWS ? w + GROUP_ROWS * rowBytes : w + (numRows - 1) * rowBytes;
    const int lowerRows = numRows < GROUP_ROWS ? numRows : GROUP_ROWS;
    const int upperRows = numRows > GROUP_ROWS ? numRows - GROUP_ROWS : 1;
    const __m512i ones = _mm512_set1_epi8(1);
    for (int64_t k = 0; k < numBlocks; k++) {
        __m256i lower[GROUP_ROWS], higher[GROUP_ROWS];
        transposeBlock(w, rowBytes, k, lowerRows, lower, scales + k * VNNI_ROWS);
        transposeBlock(upper, rowBytes, k, upperRows, higher, scales + k * VNNI_ROWS + GROUP_ROWS);
        __m512i *dst = (__m512i *) (quants + k * VNNI_ROWS * QK);
        __m512i sums = _mm512_setzero_si512();
        for (int j = 0; j < GROUP_ROWS; j++) {
            const __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(lower[j]), higher[j], 1);
            _mm512_store_si512(dst + j, v);
            sums = _mm512_dpbusd_epi32(sums, ones, v);
        }
        _mm512_store_si512((__m512i *) (rowSums128 + k * VNNI_ROWS), _mm512_slli_epi32(sums, 7));
    }
}

/* 16 interleaved weight rows times NB activation rows. vpdpbusd multiplies unsigned by signed bytes, so the
 * activations come unsigned (x + 128, from kvasir_quantize_q8_vnni) and the weights stay signed; each block's
 * int32 sums start at -128 x (the row's quant sum), which makes them exactly sum(x * w), as the AVX2 tile's.
 * The float steps are the AVX2 interleaved tile's, in the same order: the two give identical results. At most
 * 32 x 255 x 128 per block, the int32 sums cannot overflow. */
static inline __attribute__((always_inline)) VNNI_KERNEL void interleavedTileVnni(const int NB, const uint8_t *quants,
        const float *scales, const int32_t *rowSums128, int64_t numBlocks, const int8_t *xq, const float *xs,
        int64_t cols, float *out, int64_t outStride, int numRows) {
    __m512 acc[VNNI_BATCH];
    for (int b = 0; b < NB; b++) {
        acc[b] = _mm512_setzero_ps();
    }
    for (int64_t k = 0; k < numBlocks; k++) {
        const __m512i start = _mm512_sub_epi32(_mm512_setzero_si512(),
                                               _mm512_load_si512((const __m512i *) (rowSums128 + k * VNNI_ROWS)));
        __m512i sums[VNNI_BATCH];
        for (int b = 0; b < NB; b++) {
            sums[b] = start;
        }
        const __m512i *wv = (const __m512i *) (quants + k * VNNI_ROWS * QK);
        for (int j = 0; j < GROUP_ROWS; j++) {
            const __m512i w = _mm512_load_si512(wv + j);
            for (int b = 0; b < NB; b++) {
                int32_t four;
                memcpy(&four, xq + b * cols + k * QK + 4 * j, sizeof four);
                sums[b] = _mm512_dpbusd_epi32(sums[b], _mm512_set1_epi32(four), w);
            }
        }
        const __m512 wScales = _mm512_load_ps(scales + k * VNNI_ROWS);
        for (int b = 0; b < NB; b++) {
            const __m512 scale = _mm512_mul_ps(wScales, _mm512_set1_ps(xs[b * numBlocks + k]));
            acc[b] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums[b]), scale, acc[b]);
        }
    }
    const __mmask16 real = (__mmask16) ((1u << numRows) - 1);
    for (int b = 0; b < NB; b++) {
        _mm512_mask_storeu_ps(out + b * outStride, real, acc[b]);
    }
}

#define VNNI_TILE(NB) \
    interleavedTileVnni(NB, quants, scales, rowSums128, numBlocks, xq + b * cols, xs + b * numBlocks, cols, \
                        result + b * outStride + r, outStride, numRows)

/* The VNNI counterpart of matmulInterleaved: groups of 16 weight rows, 8 activation rows at a time. */
static VNNI_KERNEL void matmulInterleavedVnni(const uint8_t *weights, int64_t rowBytes, int64_t cols,
        const int8_t *xq, const float *xs, int64_t batch, float *result, int64_t outStride, int64_t r0, int64_t r1,
        uint8_t *scratch) {
    const int64_t numBlocks = cols / QK;
    uint8_t *quants = scratch;
    float *scales = (float *) (scratch + numBlocks * VNNI_ROWS * QK);
    int32_t *rowSums128 = (int32_t *) (scales + numBlocks * VNNI_ROWS);
    for (int64_t r = r0; r < r1; r += VNNI_ROWS) {
        const int numRows = (int) (r1 - r < VNNI_ROWS ? r1 - r : VNNI_ROWS);
        interleaveRowsVnni(weights + r * rowBytes, rowBytes, numBlocks, numRows, quants, scales, rowSums128);
        int64_t b = 0;
        for (; b + VNNI_BATCH <= batch; b += VNNI_BATCH) {
            VNNI_TILE(VNNI_BATCH);
        }
        if (b + 4 <= batch) {
            VNNI_TILE(4);
            b += 4;
        }
        for (; b < batch; b++) {
            VNNI_TILE(1);
        }
    }
}

/* Scratch bytes kvasir_q8_0_matmul and kvasir_q8_0_matmul_vnni need for cols columns (64-byte aligned). */
int64_t kvasir_q8_0_scratch_bytes(int64_t cols) {
    return cols / QK * (VNNI_BLOCK_BYTES > GROUP_BLOCK_BYTES ? VNNI_BLOCK_BYTES : GROUP_BLOCK_BYTES);
}

/* out[b*outStride + r] = sum_c W[r][c] * x[b][c] for b < batch and r0 <= r < r1, with W in Q8_0 and x quantised
 * by kvasir_quantize_q8 (cols % 32 == 0). scratch: kvasir_q8_0_scratch_bytes(cols) bytes, 64-byte aligned,
 * owned by the calling thread for the call. */
KERNEL void kvasir_q8_0_matmul(const uint8_t *weights, int64_t rowBytes, int64_t cols, const int8_t *xq,
        const float *xs, int64_t batch, float *result, int64_t outStride, int64_t r0, int64_t r1, uint8_t *scratch) {
    if (batch < MIN_INTERLEAVED_BATCH) {
        matmulRowwise(weights, rowBytes, cols, xq, xs, batch, result, outStride, r0, r1);
    } else {
        matmulInterleaved(weights, rowBytes, cols, xq, xs, batch, result, outStride, r0, r1, scratch);
    }
}

/* kvasir_quantize_q8 for kvasir_q8_0_matmul_vnni: batches of MIN_INTERLEAVED_BATCH rows and more get their quants
 * plus 128 (unsigned, for the VNNI tile), smaller ones the signed quants of the AVX2 row-wise tile. */
VNNI_KERNEL void kvasir_quantize_q8_vnni(const float *x, int64_t numRows, int64_t cols, int8_t *xq, float *xs) {
    quantizeRows(x, numRows, cols, xq, xs, numRows >= MIN_INTERLEAVED_BATCH);
}

/* kvasir_q8_0_matmul on AVX-512 VNNI (call only where kvasir_cpu_vnni() is 1), on activations quantised by
 * kvasir_quantize_q8_vnni: the same results, bit for bit; batches of MIN_INTERLEAVED_BATCH and more run the
 * interleaved VNNI tile, smaller ones the row-wise one. */
VNNI_KERNEL void kvasir_q8_0_matmul_vnni(const uint8_t *weights, int64_t rowBytes, int64_t cols, const int8_t *xq,
        const float *xs, int64_t batch, float *result, int64_t outStride, int64_t r0, int64_t r1, uint8_t *scratch) {
    if (batch < MIN_INTERLEAVED_BATCH) {
        matmulRowwiseVnni(weights, rowBytes, cols, xq, xs, batch, result, outStride, r0, r1);
    } else {
        matmulInterleavedVnni(weights, rowBytes, cols, xq, xs, batch, result, outStride, r0, r1, scratch);
    }
}
