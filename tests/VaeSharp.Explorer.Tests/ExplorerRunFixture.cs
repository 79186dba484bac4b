using VaeSharp.Data;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Explorer.Tests;

// A tiny MNIST VAE (784-64-8, 2 epochs on 1,000 training digits, 300 test digits on the map) trained once for every
// test in the "explorer run" collection, its session, and a server on a free loopback port.
public sealed class ExplorerRunFixture : IAsyncLifetime
{
    public const int TestExamples = 300, LatentDim = 8;

    public string RunPath { get; } = Path.Combine(Path.GetTempPath(), "vaesharp-explorer-" + Guid.NewGuid().ToString("N"), "run");

    public ExplorerSession Session { get; private set; } = null!;

    public ExplorerServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IDataset Test { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (train, test) = DatasetCatalog.Load("mnist");
        Test = test.Take(TestExamples);
        var trainSlice = train.Take(1000);
        var request = new TrainingRequest { Hidden = [64], LatentDim = LatentDim, Epochs = 2, BatchSize = 100 };
        var (config, options) = request.Resolve(trainSlice, "mnist");
        config = config with { TrainLimit = 1000, TestLimit = TestExamples };
        using (var run = TrainingRun.Start(RunPath, config, trainSlice, Test, options)) run.RunToEnd();
        Session = ExplorerSession.Open(RunPath);
        Server = await ExplorerServer.StartAsync(Session, new ExplorerServerOptions { Port = 0 });
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Server.Url };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.StopAsync();
        await Server.DisposeAsync();
        Session.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(RunPath)!, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("explorer run")]
public sealed class ExplorerRunCollection : ICollectionFixture<ExplorerRunFixture>;
