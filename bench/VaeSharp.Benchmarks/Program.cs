// Benchmark entry point: pick benchmarks with BenchmarkDotNet's switcher, e.g.
//   dotnet run -c Release --project bench/VaeSharp.Benchmarks -- --filter '*Gemm*'
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
