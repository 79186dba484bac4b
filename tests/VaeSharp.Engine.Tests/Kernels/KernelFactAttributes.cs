using System.Runtime.Intrinsics.X86;
using VaeSharp.Engine.Kernels;

namespace VaeSharp.Engine.Tests.Kernels;

/// <summary>
/// A fact that needs the optional OpenBLAS provider: reported as Skipped, with the reason, where
/// <see cref="OpenBlas.IsAvailable"/> is false (no libopenblas with cblas_sgemm could be loaded).
/// </summary>
public sealed class OpenBlasFactAttribute : FactAttribute
{
    public OpenBlasFactAttribute()
    {
        if (!OpenBlas.IsAvailable) Skip = "OpenBLAS is not installed (no libopenblas.so.0 with cblas_sgemm; apt package libopenblas0).";
    }
}

/// <summary>
/// A fact that compares the AVX-512 kernels with others: reported as Skipped, with the reason, where
/// this process has no AVX-512F (the CPU lacks it, or DOTNET_EnableAVX512F=0), since there is nothing to compare.
/// </summary>
public sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute()
    {
        if (!Avx512F.IsSupported) Skip = "This CPU (or process) has no AVX-512F: there is no AVX-512 kernel to compare with the AVX2 one.";
    }
}
