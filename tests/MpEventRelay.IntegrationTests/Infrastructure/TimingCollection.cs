namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that assert wall-clock bounds (WeChat answered within the deadline) run alone, after the parallel ones:
/// on a 2-core machine, other tests' child processes and JIT would otherwise be measured too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
