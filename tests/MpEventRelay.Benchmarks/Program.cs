using BenchmarkDotNet.Running;

// BenchmarkDotNet for the hot path: dotnet run -c Release --project tests/MpEventRelay.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(MpEventRelay.Benchmarks.HotPathBenchmarks).Assembly).Run(args);
