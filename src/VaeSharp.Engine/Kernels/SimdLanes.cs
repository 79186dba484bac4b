using System.Runtime.Intrinsics;

namespace VaeSharp.Engine.Kernels;

// The vector operations that the element-wise kernels (Adam, the fused BCE) need, for two widths, so
// that a kernel is written once as a generic method over TLanes and the JIT compiles one copy per width
// (a struct type argument gets its own code, with these one-line methods inlined).
//   Lanes256: 8 floats per Vector256<float> (AVX2; software vectors without it)
//   Lanes512: 16 floats per Vector512<float>, used where Vector512.IsHardwareAccelerated (AVX-512)
// Each operation is one IEEE operation per lane, the same at either width, so a value's result does not
// depend on the width that computed it. Where the kernels say "lanes", read TLanes.Count.
internal interface ISimdLanes<TVector> where TVector : struct
{
    static abstract int Count { get; }
    static abstract TVector Create(float value);
    static abstract unsafe TVector Load(float* source);
    static abstract unsafe void Store(TVector value, float* destination);
    static abstract TVector Add(TVector a, TVector b);
    static abstract TVector Subtract(TVector a, TVector b);
    static abstract TVector Multiply(TVector a, TVector b);
    static abstract TVector Divide(TVector a, TVector b);
    static abstract TVector Sqrt(TVector a);
    static abstract TVector Max(TVector a, TVector b);
    static abstract TVector Abs(TVector a);
    /// <summary>a·b + c with one rounding.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector c);
    /// <summary>a ≥ b ? whenTrue : whenFalse, lane by lane.</summary>
    static abstract TVector SelectGreaterOrEqual(TVector a, TVector b, TVector whenTrue, TVector whenFalse);
    /// <summary>a &gt; b ? whenTrue : whenFalse, lane by lane.</summary>
    static abstract TVector SelectGreater(TVector a, TVector b, TVector whenTrue, TVector whenFalse);
    /// <summary>The float whose bits are (bits(a) − bits(b) + 127) &lt;&lt; 23: 2ⁿ when a holds n + b in its low mantissa bits.</summary>
    static abstract TVector PowerOfTwoFromShifted(TVector shifted, TVector magic);
    /// <summary>Lanes [0, count) of a, the others zero.</summary>
    static abstract TVector KeepFirst(TVector a, int count);
    static abstract float Sum(TVector a);
}

internal readonly struct Lanes256 : ISimdLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Create(float value) => Vector256.Create(value);
    public static unsafe Vector256<float> Load(float* source) => Vector256.Load(source);
    public static unsafe void Store(Vector256<float> value, float* destination) => value.Store(destination);
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    public static Vector256<float> Sqrt(Vector256<float> a) => Vector256.Sqrt(a);
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    public static Vector256<float> SelectGreaterOrEqual(Vector256<float> a, Vector256<float> b, Vector256<float> whenTrue, Vector256<float> whenFalse) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a, b), whenTrue, whenFalse);
    public static Vector256<float> SelectGreater(Vector256<float> a, Vector256<float> b, Vector256<float> whenTrue, Vector256<float> whenFalse) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), whenTrue, whenFalse);
    public static Vector256<float> PowerOfTwoFromShifted(Vector256<float> shifted, Vector256<float> magic) =>
        Vector256.ShiftLeft(shifted.AsInt32() - magic.AsInt32() + Vector256.Create(127), 23).AsSingle();
    public static Vector256<float> KeepFirst(Vector256<float> a, int count) =>
        a & Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
    public static float Sum(Vector256<float> a) => Vector256.Sum(a);
}

internal readonly struct Lanes512 : ISimdLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Create(float value) => Vector512.Create(value);
    public static unsafe Vector512<float> Load(float* source) => Vector512.Load(source);
    public static unsafe void Store(Vector512<float> value, float* destination) => value.Store(destination);
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    public static Vector512<float> Sqrt(Vector512<float> a) => Vector512.Sqrt(a);
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    public static Vector512<float> SelectGreaterOrEqual(Vector512<float> a, Vector512<float> b, Vector512<float> whenTrue, Vector512<float> whenFalse) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a, b), whenTrue, whenFalse);
    public static Vector512<float> SelectGreater(Vector512<float> a, Vector512<float> b, Vector512<float> whenTrue, Vector512<float> whenFalse) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), whenTrue, whenFalse);
    public static Vector512<float> PowerOfTwoFromShifted(Vector512<float> shifted, Vector512<float> magic) =>
        Vector512.ShiftLeft(shifted.AsInt32() - magic.AsInt32() + Vector512.Create(127), 23).AsSingle();
    public static Vector512<float> KeepFirst(Vector512<float> a, int count) =>
        a & Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(count)).AsSingle();
    public static float Sum(Vector512<float> a) => Vector512.Sum(a);
}
