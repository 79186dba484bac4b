namespace VaeSharp.Engine.Tests;

// Tests that change process-wide state (EngineSettings.Threads) or measure process-wide counters
// (allocations) join this collection: xunit runs it alone, after the parallel collections.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineSettingsCollection
{
    public const string Name = "EngineSettings (not parallel)";
}
