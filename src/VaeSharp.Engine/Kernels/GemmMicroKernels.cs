using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeSharp.Engine.Kernels;

// The 6×16 micro-kernels of the packed GEMM: c (6, 16) = ap·bp, or c += ap·bp when add.
//   ap is a packed A micro-panel (kc, 6):  ap[p*6 + r]  = A(i + r, p0 + p)
//   bp is a packed B micro-panel (kc, 16): bp[p*16 + j] = B(p0 + p, j + j')
//   c points at C(i, j) with row stride ldc; all 6×16 values are read (add) and written.
// Every value of c is a chain of multiply-adds over p = 0..kc-1 in order, started from zero, and
// then added to the old c, so its value does not depend on which thread computed the tile.
// Fma4x16 and Fma2x16 compute only the top rows of a bottom edge panel (M % 6), into a temporary
// tile (never adding), with the same chain per value as Fma6x16.
internal static unsafe class GemmMicroKernels
{
    public const int MR = 6;
    public const int NR = 16;

    /// <summary>AVX2+FMA kernel. Lane layout: accumulator cRH holds row R, columns 8H..8H+7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma6x16(int kc, float* ap, float* bp, float* c, nint ldc, bool add)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;

        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(bp);
            Vector256<float> b1 = Avx.LoadVector256(bp + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(ap);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(ap + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(ap + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(ap + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(ap + 4);
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(ap + 5);
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);
            ap += MR;
            bp += NR;
        }

        if (add)
        {
            c00 = Avx.Add(c00, Avx.LoadVector256(c)); c01 = Avx.Add(c01, Avx.LoadVector256(c + 8)); c += ldc;
            c10 = Avx.Add(c10, Avx.LoadVector256(c)); c11 = Avx.Add(c11, Avx.LoadVector256(c + 8)); c += ldc;
            c20 = Avx.Add(c20, Avx.LoadVector256(c)); c21 = Avx.Add(c21, Avx.LoadVector256(c + 8)); c += ldc;
            c30 = Avx.Add(c30, Avx.LoadVector256(c)); c31 = Avx.Add(c31, Avx.LoadVector256(c + 8)); c += ldc;
            c40 = Avx.Add(c40, Avx.LoadVector256(c)); c41 = Avx.Add(c41, Avx.LoadVector256(c + 8)); c += ldc;
            c50 = Avx.Add(c50, Avx.LoadVector256(c)); c51 = Avx.Add(c51, Avx.LoadVector256(c + 8));
            c -= 5 * ldc;
        }
        Avx.Store(c, c00); Avx.Store(c + 8, c01); c += ldc;
        Avx.Store(c, c10); Avx.Store(c + 8, c11); c += ldc;
        Avx.Store(c, c20); Avx.Store(c + 8, c21); c += ldc;
        Avx.Store(c, c30); Avx.Store(c + 8, c31); c += ldc;
        Avx.Store(c, c40); Avx.Store(c + 8, c41); c += ldc;
        Avx.Store(c, c50); Avx.Store(c + 8, c51);
    }

    /// <summary>
    /// AVX-512 kernel over two adjacent B micro-panels (bp0: columns 0..15, bp1: columns 16..31): the 6×32 tile
    /// of two <see cref="Fma6x16"/> calls, with the same chain of multiply-adds per value, so the same bits.
    /// Twelve 512-bit accumulators: cRH holds row R, columns 16H..16H+15.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma6x32(int kc, float* ap, float* bp0, float* bp1, float* c, nint ldc, bool add)
    {
        Vector512<float> c00 = Vector512<float>.Zero, c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero, c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero, c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero, c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero, c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero, c51 = Vector512<float>.Zero;

        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Avx512F.LoadVector512(bp0);
            Vector512<float> b1 = Avx512F.LoadVector512(bp1);
            Vector512<float> av = Vector512.Create(*ap);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(ap[1]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(ap[2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(ap[3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(ap[4]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(ap[5]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            ap += MR;
            bp0 += NR;
            bp1 += NR;
        }

        if (add)
        {
            c00 = Avx512F.Add(c00, Avx512F.LoadVector512(c)); c01 = Avx512F.Add(c01, Avx512F.LoadVector512(c + 16)); c += ldc;
            c10 = Avx512F.Add(c10, Avx512F.LoadVector512(c)); c11 = Avx512F.Add(c11, Avx512F.LoadVector512(c + 16)); c += ldc;
            c20 = Avx512F.Add(c20, Avx512F.LoadVector512(c)); c21 = Avx512F.Add(c21, Avx512F.LoadVector512(c + 16)); c += ldc;
            c30 = Avx512F.Add(c30, Avx512F.LoadVector512(c)); c31 = Avx512F.Add(c31, Avx512F.LoadVector512(c + 16)); c += ldc;
            c40 = Avx512F.Add(c40, Avx512F.LoadVector512(c)); c41 = Avx512F.Add(c41, Avx512F.LoadVector512(c + 16)); c += ldc;
            c50 = Avx512F.Add(c50, Avx512F.LoadVector512(c)); c51 = Avx512F.Add(c51, Avx512F.LoadVector512(c + 16));
            c -= 5 * ldc;
        }
        Avx512F.Store(c, c00); Avx512F.Store(c + 16, c01); c += ldc;
        Avx512F.Store(c, c10); Avx512F.Store(c + 16, c11); c += ldc;
        Avx512F.Store(c, c20); Avx512F.Store(c + 16, c21); c += ldc;
        Avx512F.Store(c, c30); Avx512F.Store(c + 16, c31); c += ldc;
        Avx512F.Store(c, c40); Avx512F.Store(c + 16, c41); c += ldc;
        Avx512F.Store(c, c50); Avx512F.Store(c + 16, c51);
    }

    /// <summary>Rows 0..3 of <see cref="Fma6x16"/> (same per-value arithmetic), for a bottom edge panel of 3–4 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma4x16(int kc, float* ap, float* bp, float* c, nint ldc)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(bp);
            Vector256<float> b1 = Avx.LoadVector256(bp + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(ap);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(ap + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(ap + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(ap + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            ap += MR;
            bp += NR;
        }
        Avx.Store(c, c00); Avx.Store(c + 8, c01); c += ldc;
        Avx.Store(c, c10); Avx.Store(c + 8, c11); c += ldc;
        Avx.Store(c, c20); Avx.Store(c + 8, c21); c += ldc;
        Avx.Store(c, c30); Avx.Store(c + 8, c31);
    }

    /// <summary>Rows 0..1 of <see cref="Fma6x16"/> (same per-value arithmetic), for a bottom edge panel of 1–2 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma2x16(int kc, float* ap, float* bp, float* c, nint ldc)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(bp);
            Vector256<float> b1 = Avx.LoadVector256(bp + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(ap);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(ap + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            ap += MR;
            bp += NR;
        }
        Avx.Store(c, c00); Avx.Store(c + 8, c01); c += ldc;
        Avx.Store(c, c10); Avx.Store(c + 8, c11);
    }

    /// <summary>
    /// Scalar kernel for machines without AVX2/FMA, on the same packed panels: the tile is done as
    /// twelve 2×4 strips so the eight accumulators stay in registers. Rounds each product (no FMA).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scalar6x16(int kc, float* ap, float* bp, float* c, nint ldc, bool add)
    {
        for (int r = 0; r < MR; r += 2)
        {
            for (int j = 0; j < NR; j += 4)
            {
                float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
                float* a = ap + r;
                float* b = bp + j;
                for (int p = 0; p < kc; p++, a += MR, b += NR)
                {
                    float a0 = a[0], a1 = a[1];
                    float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
                    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                }

                float* row0 = c + r * ldc + j;
                float* row1 = row0 + ldc;
                if (add)
                {
                    row0[0] += c00; row0[1] += c01; row0[2] += c02; row0[3] += c03;
                    row1[0] += c10; row1[1] += c11; row1[2] += c12; row1[3] += c13;
                }
                else
                {
                    row0[0] = c00; row0[1] = c01; row0[2] = c02; row0[3] = c03;
                    row1[0] = c10; row1[1] = c11; row1[2] = c12; row1[3] = c13;
                }
            }
        }
    }
}
