using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeSharp.Engine.Kernels;

// Packing of GEMM operands into micro-panels of `width` lanes (6 for A, 16 for B):
//   dst is (kc, width): dst[p*width + l] = lane l at step p, lanes >= `lanes` are zero-padded.
// Two source layouts cover the four (transA, transB) cases:
//   FromRows:    lane l is a source row, contiguous in p:    value = src[l*ld + p]
//                (A (M, K) not transposed; B given as (N, K), the Linear weight layout)
//   FromColumns: step p is a source row, contiguous in l:    value = src[p*ld + l]
//                (A given as (K, M); B (K, N) not transposed)
// The SIMD versions read the source row by row and transpose 8×8 blocks in registers; they give
// exactly the scalar result (packing only moves values).
internal static unsafe class GemmPacking
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromRows(float* src, nint ld, int lanes, int kc, float* dst, int width, bool simd)
    {
        int p = 0;
        if (simd && lanes == width)
        {
            if (width == 16)
            {
                for (; p + 8 <= kc; p += 8)
                {
                    Transpose8x8Store(src + p, ld, dst + p * 16, 16);
                    Transpose8x8Store(src + 8 * ld + p, ld, dst + p * 16 + 8, 16);
                }
            }
            else if (width == 6)
            {
                for (; p + 8 <= kc; p += 8) Transpose6x8Store(src + p, ld, dst + p * 6);
            }
        }

        for (; p < kc; p++)
        {
            float* d = dst + p * width;
            int l = 0;
            for (; l < lanes; l++) d[l] = src[l * ld + p];
            for (; l < width; l++) d[l] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromColumns(float* src, nint ld, int lanes, int kc, float* dst, int width, bool simd)
    {
        if (simd && lanes == width && width == 16)
        {
            for (int p = 0; p < kc; p++, src += ld, dst += 16)
            {
                Avx.Store(dst, Avx.LoadVector256(src));
                Avx.Store(dst + 8, Avx.LoadVector256(src + 8));
            }
            return;
        }
        if (simd && lanes == width && width == 6)
        {
            // Lanes 0..3 as one Vector128, lanes 4..5 as one 64-bit move.
            for (int p = 0; p < kc; p++, src += ld, dst += 6)
            {
                Sse.Store(dst, Sse.LoadVector128(src));
                *(double*)(dst + 4) = *(double*)(src + 4);
            }
            return;
        }

        for (int p = 0; p < kc; p++, src += ld, dst += width)
        {
            int l = 0;
            for (; l < lanes; l++) dst[l] = src[l];
            for (; l < width; l++) dst[l] = 0f;
        }
    }

    // Reads 8 rows × 8 steps (src + r*ld + q) and writes step q as 8 lanes at dst + q*stride.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8Store(float* src, nint ld, float* dst, nint stride)
    {
        Transpose8x8(
            Avx.LoadVector256(src), Avx.LoadVector256(src + ld),
            Avx.LoadVector256(src + 2 * ld), Avx.LoadVector256(src + 3 * ld),
            Avx.LoadVector256(src + 4 * ld), Avx.LoadVector256(src + 5 * ld),
            Avx.LoadVector256(src + 6 * ld), Avx.LoadVector256(src + 7 * ld),
            out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
        Avx.Store(dst, o0);
        Avx.Store(dst + stride, o1);
        Avx.Store(dst + 2 * stride, o2);
        Avx.Store(dst + 3 * stride, o3);
        Avx.Store(dst + 4 * stride, o4);
        Avx.Store(dst + 5 * stride, o5);
        Avx.Store(dst + 6 * stride, o6);
        Avx.Store(dst + 7 * stride, o7);
    }

    // Six rows (two zero rows complete the 8×8 block); writes lanes 0..5 of each step only, so a
    // panel never writes past its own end (neighbouring panels may be packed by other threads).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose6x8Store(float* src, nint ld, float* dst)
    {
        Vector256<float> zero = Vector256<float>.Zero;
        Transpose8x8(
            Avx.LoadVector256(src), Avx.LoadVector256(src + ld),
            Avx.LoadVector256(src + 2 * ld), Avx.LoadVector256(src + 3 * ld),
            Avx.LoadVector256(src + 4 * ld), Avx.LoadVector256(src + 5 * ld),
            zero, zero,
            out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
        Store6(dst, o0);
        Store6(dst + 6, o1);
        Store6(dst + 12, o2);
        Store6(dst + 18, o3);
        Store6(dst + 24, o4);
        Store6(dst + 30, o5);
        Store6(dst + 36, o6);
        Store6(dst + 42, o7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store6(float* dst, Vector256<float> v)
    {
        Sse.Store(dst, v.GetLower());
        Sse.StoreLow(dst + 4, v.GetUpper()); // lanes 4 and 5 (movlps)
    }

    // Standard AVX 8×8 transpose: o_q = (r0[q], r1[q], ..., r7[q]).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> o0, out Vector256<float> o1, out Vector256<float> o2, out Vector256<float> o3,
        out Vector256<float> o4, out Vector256<float> o5, out Vector256<float> o6, out Vector256<float> o7)
    {
        // t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], ...
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // s0 = r0[0] r1[0] r2[0] r3[0] | r0[4] r1[4] r2[4] r3[4], ...
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        o0 = Avx.Permute2x128(s0, s4, 0x20);
        o1 = Avx.Permute2x128(s1, s5, 0x20);
        o2 = Avx.Permute2x128(s2, s6, 0x20);
        o3 = Avx.Permute2x128(s3, s7, 0x20);
        o4 = Avx.Permute2x128(s0, s4, 0x31);
        o5 = Avx.Permute2x128(s1, s5, 0x31);
        o6 = Avx.Permute2x128(s2, s6, 0x31);
        o7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
