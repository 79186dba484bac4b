using VaeSharp.Data;
using VaeSharp.Training;

namespace VaeSharp.Tests.Training;

// RunMetrics reads back what a run wrote to metrics.csv (the same numbers as its epoch reports, to the last bit: the file
// writes them with "R") and refuses a file it cannot read, naming the file, row and column.
public class RunMetricsTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("vaesharp-metrics-").FullName;

    [Fact]
    public void Read_GivesBackTheEpochReportsOfARun_AndTheirTrainingMinutes()
    {
        var data = TestData.TwoPrototypes(64);
        var (config, options) = new TrainingRequest { Epochs = 3, BatchSize = 16 }.Resolve(data, "synthetic");
        string folder = Folder();
        try
        {
            var run = TrainingRun.Start(folder, config, data, data, options);
            var reports = new List<EpochReport>();
            while (!run.Finished) reports.Add(run.RunEpoch()!);
            foreach (string path in new[] { folder, Path.Combine(folder, "metrics.csv") })
            {
                var m = RunMetrics.Read(path);
                Assert.Equal(3, m.Epochs);
                Assert.Equal(Path.Combine(folder, "metrics.csv"), m.Path);
                Assert.Equal(["epoch", "loss", "reconstruction_loss", "kl_loss", "test_loss", "test_reconstruction_loss", "test_kl_loss", "seconds", "examples_per_second"], m.Columns);
                Assert.Equal(reports.Select(r => (double)r.Epoch), m.Column("epoch"));
                Assert.Equal(reports.Select(r => r.Loss), m.Column("loss"));
                Assert.Equal(reports.Select(r => r.TestLoss), m.Column("test_loss"));
                Assert.Equal(reports.Select(r => r["kl"]), m.Column("kl_loss"));
                double sum = 0;
                var minutes = m.CumulativeMinutes();
                for (int i = 0; i < 3; i++)
                {
                    sum += reports[i].Seconds;
                    Assert.Equal(sum / 60, minutes[i], 12);
                }
                Assert.True(m.Has("seconds"));
                Assert.False(m.Has("nll"));
            }
            var missing = Assert.Throws<ArgumentException>(() => RunMetrics.Read(folder).Column("nll"));
            Assert.Contains("no column 'nll'; expected one of epoch, loss,", missing.Message);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Read_AcceptsNaN_AndRefusesWhatIsNotANumber_OrNotAMetricsFile_NamingWhere()
    {
        string folder = Folder();
        try
        {
            string file = Path.Combine(folder, "metrics.csv");
            File.WriteAllText(file, "epoch,loss,test_loss,seconds\n1,200.5,NaN,1.5\n2,150.25,NaN,1.25\n");
            var m = RunMetrics.Read(file);
            Assert.Equal([200.5, 150.25], m.Column("loss"));
            Assert.All(m.Column("test_loss"), v => Assert.True(double.IsNaN(v)));
            Assert.Equal([1.5 / 60, 2.75 / 60], m.CumulativeMinutes());

            File.WriteAllText(file, "epoch,loss,seconds\n1,200.5,1.5\n2,oops,1.25\n");
            var bad = Assert.Throws<DataFormatException>(() => RunMetrics.Read(folder));
            Assert.Contains(file, bad.Message);
            Assert.Contains("row 2 (line 3), column 'loss': 'oops' is not a number", bad.Message);

            File.WriteAllText(file, "epoch,loss\n1,200.5\n");
            Assert.Contains("no 'seconds' column (the file has epoch, loss)", Assert.Throws<DataFormatException>(() => RunMetrics.Read(file)).Message);
            File.WriteAllText(file, "epoch,loss,seconds\n1,200.5\n");
            Assert.Contains("row 1 (line 2) has 2 cells; the header has 3 columns", Assert.Throws<DataFormatException>(() => RunMetrics.Read(file)).Message);

            File.Delete(file);
            var noFile = Assert.Throws<FileNotFoundException>(() => RunMetrics.Read(folder));
            Assert.Contains("metrics.csv: no such file", noFile.Message);
            Assert.Contains("no such run folder or metrics file", Assert.Throws<FileNotFoundException>(() => RunMetrics.Read(Path.Combine(folder, "nowhere"))).Message);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
