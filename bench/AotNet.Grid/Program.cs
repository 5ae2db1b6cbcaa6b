using AotNet.Bench.Grid;

// The grid and the FMA peak as a Native AOT binary (x86-64-v3, like the published aotnet), without BenchmarkDotNet:
//   dotnet publish bench/AotNet.Grid -c Release -o artifacts/grid && artifacts/grid/aotnet-grid [options]
if (args is ["--fma"])
{
    Console.WriteLine($"FMA peak, FP32: Vector256 {FmaPeak.Gflops256():F1} GFLOP/s one core, {FmaPeak.Gflops256(threads: 2):F1} two cores; Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? $"{FmaPeak.Gflops512():F1} GFLOP/s one core" : "not hardware-accelerated")}");
    return 0;
}

return GridCommand.Run(args is ["--grid", .. var rest] ? rest : args);
