// Benchmark entry point: pick benchmarks with BenchmarkDotNet's switcher, e.g.
//   dotnet run -c Release --project bench/VaeSharp.Benchmarks -- --filter '*Gemm*'
// or the quick side-by-side GEMM table (VaeSharp against OpenBLAS, seconds):
//   OPENBLAS_CORETYPE=SKYLAKEX dotnet run -c Release --project bench/VaeSharp.Benchmarks -- gemm-table
using BenchmarkDotNet.Running;

if (args is ["gemm-table", ..])
{
    VaeSharp.Benchmarks.Kernels.GemmTable.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
