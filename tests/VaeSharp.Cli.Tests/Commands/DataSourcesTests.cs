using System.Globalization;
using VaeSharp.Imaging;

namespace VaeSharp.Cli.Tests;

// vae train --data TABLE.csv | FOLDER | NAME, and sample, reconstruct, eval and embed on those runs; bad data exits 2
// with a message naming the file (and row and column).
public sealed class DataSourcesTests : IDisposable
{
    private readonly string _dir = CliRunner.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Table(int rows = 200)
    {
        var lines = new List<string> { "age,income,smoker,city,plan,id" };
        string[] cities = ["Lyon", "Oslo", "Quito"];
        for (int r = 0; r < rows; r++)
        {
            string age = r % 17 == 3 ? "NA" : (18 + r % 50).ToString(CultureInfo.InvariantCulture);
            string income = r % 23 == 5 ? "" : (1000 + 37.25 * (r % 40)).ToString(CultureInfo.InvariantCulture);
            lines.Add($"{age},{income},{(r % 3 == 0 ? "yes" : "no")},{cities[r % 3]},{(r % 2 == 0 ? "basic" : "premium")},u{r}");
        }
        string path = Path.Combine(_dir, "customers.csv");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private static void Ok((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, $"exit {r.Code}\n{r.Out}\n{r.Err}");

    private static void BadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, stderr: {r.Err}");
        foreach (var m in mentions) Assert.Contains(m, r.Err);
    }

    [Fact]
    public void TableRun_TrainsAndEveryVerbWorksOnIt_WithCsvOut()
    {
        string csv = Table();
        string run = Path.Combine(_dir, "run");
        var train = CliRunner.Run("train", "--data", csv, "--columns", "id:ignore", "--label-column", "plan", "--epochs", "2",
            "--latent-dim", "2", "--hidden", "16", "--batch-size", "32", "--threads", "1", "--out", run);
        Ok(train);
        Assert.Contains($"on {csv}: 160 train / 40 test examples", train.Out);

        var sample = CliRunner.Run("sample", run, "--count", "7", "--threads", "1");
        Ok(sample);
        var rows = File.ReadAllLines(Path.Combine(run, "samples.csv"));
        Assert.Equal("age,income,smoker,city", rows[0]);
        Assert.Equal(8, rows.Length);
        Assert.All(rows[1..], row =>
        {
            var cells = row.Split(',');
            Assert.True(double.TryParse(cells[0], CultureInfo.InvariantCulture, out _), row);
            Assert.Contains(cells[2], new[] { "yes", "no" });
            Assert.Contains(cells[3], new[] { "Lyon", "Oslo", "Quito" });
        });
        BadInput(CliRunner.Run("sample", run, "--out", Path.Combine(_dir, "s.png")), "trained on a table", ".csv");

        var recon = CliRunner.Run("reconstruct", run, "--count", "5", "--threads", "1");
        Ok(recon);
        Assert.Contains("income", recon.Out);
        Assert.Contains("RMSE", recon.Out);
        Assert.Contains("recovered", recon.Out);
        var reconRows = File.ReadAllLines(Path.Combine(run, "reconstruction.csv"));
        Assert.Equal("row,kind,age,income,smoker,city", reconRows[0]);
        Assert.Equal(11, reconRows.Length);
        Assert.EndsWith(",original", string.Join(',', reconRows[1].Split(',')[..2]));

        var eval = CliRunner.Run("eval", run, "--threads", "1");
        Ok(eval);
        Assert.Contains("customers test set, 40 examples", eval.Out);
        Ok(CliRunner.Run("embed", run, "--threads", "1", "--out", Path.Combine(_dir, "embed.png")));
        Assert.True(File.Exists(Path.Combine(_dir, "embed.png")));

        // Resuming keeps the run's data options and its schema.
        Ok(CliRunner.Run("train", "--resume", run, "--threads", "1"));
    }

    [Fact]
    public void TableErrors_ExitTwo_NamingTheFileRowAndColumn()
    {
        string ragged = Path.Combine(_dir, "ragged.csv");
        File.WriteAllText(ragged, "a,b\n1,2\n3\n5,6\n");
        BadInput(CliRunner.Run("train", "--data", ragged, "--epochs", "1", "--out", Path.Combine(_dir, "r1")), ragged, "row 2 (line 3) has 1 cells");
        Assert.False(Directory.Exists(Path.Combine(_dir, "r1")));

        string typo = Path.Combine(_dir, "typo.csv");
        File.WriteAllText(typo, "a,b\n" + string.Join('\n', Enumerable.Range(0, 30).Select(i => i == 20 ? "1,x1" : $"{i},{i * 2}")));
        BadInput(CliRunner.Run("train", "--data", typo, "--epochs", "1", "--out", Path.Combine(_dir, "r2")), typo, "row 21 (line 22), column 2 'b': 'x1' is not a number");

        string dup = Path.Combine(_dir, "dup.csv");
        File.WriteAllText(dup, "a,a\n1,2\n");
        BadInput(CliRunner.Run("train", "--data", dup, "--epochs", "1", "--out", Path.Combine(_dir, "r3")), dup, "column 2 is named 'a' like column 1");

        BadInput(CliRunner.Run("train", "--data", typo, "--columns", "c:numeric", "--out", Path.Combine(_dir, "r4")), "no column 'c'");
        BadInput(CliRunner.Run("train", "--data", Table(), "--columns", "id:ignore", "--likelihood", "bernoulli", "--out", Path.Combine(_dir, "r5")), "is a table");
        BadInput(CliRunner.Run("train", "--data", Path.Combine(_dir, "nope.csv"), "--out", Path.Combine(_dir, "r6")), "nope.csv': not a data set's name");
        BadInput(CliRunner.Run("train", "--data", Table(), "--out", Path.Combine(_dir, "r7")), "column 6 'id' holds 200 distinct text values", "'id:ignore'");
    }

    [Fact]
    public void SkipBad_ListsWhatItLeftOut()
    {
        string typo = Path.Combine(_dir, "typo.csv");
        File.WriteAllText(typo, "a,b\n" + string.Join('\n', Enumerable.Range(0, 30).Select(i => i == 20 ? "1,x1" : i == 4 ? "1,2,3" : $"{i},{i * 2}")));
        var r = CliRunner.Run("train", "--data", typo, "--skip-bad", "--epochs", "1", "--hidden", "8", "--latent-dim", "2", "--threads", "1", "--out", Path.Combine(_dir, "run"));
        Ok(r);
        Assert.Contains("Skipped 2 bad rows (--skip-bad):", r.Err);
        Assert.Contains("row 5 (line 6) has 3 cells", r.Err);
        Assert.Contains("'x1' is not a number", r.Err);
    }

    private string ColourFolder(int perClass = 12)
    {
        string root = Path.Combine(_dir, "tiles");
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < perClass; i++)
            {
                var image = new Image8(12, 10, 3);   // not square: resized and cropped to 8×8
                for (int p = 0; p < 120; p++)
                {
                    image.Pixels[p * 3 + c] = (byte)(150 + i * 5);
                    image.Pixels[p * 3 + 2] = (byte)(p * 2);
                }
                Directory.CreateDirectory(Path.Combine(root, c == 0 ? "red" : "green"));
                ImageCodec.WritePng(Path.Combine(root, c == 0 ? "red" : "green", $"{i:00}.png"), image);
            }
        return root;
    }

    [Fact]
    public void FolderRun_TrainsAConvNetInColour_AndSamplesColourPngs()
    {
        string root = ColourFolder();
        string run = Path.Combine(_dir, "run");
        var train = CliRunner.Run("train", "--data", root, "--image-size", "8", "--arch", "conv", "--channels", "8,16", "--hidden", "16",
            "--likelihood", "gaussian", "--latent-dim", "2", "--epochs", "1", "--batch-size", "8", "--threads", "1", "--out", run);
        Ok(train);
        Assert.Contains("19 train / 5 test examples", train.Out);
        Assert.Equal(3, ImageCodec.Read(Path.Combine(run, "sample_1.png")).Channels);
        Ok(CliRunner.Run("sample", run, "--count", "4", "--threads", "1"));
        Assert.Equal(3, ImageCodec.Read(Path.Combine(run, "samples.png")).Channels);
        Ok(CliRunner.Run("reconstruct", run, "--count", "3", "--threads", "1"));
        Ok(CliRunner.Run("eval", run, "--threads", "1"));
    }

    [Fact]
    public void ImageErrors_ExitTwo_NamingTheFile()
    {
        string root = ColourFolder(perClass: 3);
        string empty = Path.Combine(root, "red", "zz.png");
        File.WriteAllBytes(empty, []);
        BadInput(CliRunner.Run("train", "--data", root, "--epochs", "1", "--out", Path.Combine(_dir, "r")), empty, "the file is empty", "--skip-bad");
        var skipped = CliRunner.Run("train", "--data", root, "--skip-bad", "--epochs", "1", "--hidden", "8", "--latent-dim", "2", "--threads", "1", "--out", Path.Combine(_dir, "r"));
        Ok(skipped);
        Assert.Contains("Skipped 1 bad file", skipped.Err);
        Assert.Contains(empty, skipped.Err);

        string none = Path.Combine(_dir, "none");
        Directory.CreateDirectory(none);
        BadInput(CliRunner.Run("train", "--data", none, "--out", Path.Combine(_dir, "r2")), none, "no images");
    }

    [Fact]
    public void Import_Info_AndTrainingOnTheImportedSet_ReportRates()
    {
        string root = ColourFolder();
        string name = "cli-test-" + Guid.NewGuid().ToString("N")[..8];
        var imports = new Data.ImportedImages();
        try
        {
            var import = CliRunner.Run("data", "import", root, "--name", name, "--image-size", "8", "--threads", "1");
            Ok(import);
            Assert.Contains("Imported 24 images of [3, 8, 8] in 2 classes", import.Out);
            Assert.Contains("images/s", import.Out);
            var info = CliRunner.Run("data", "info");
            Ok(info);
            Assert.Contains(name, info.Out);
            Assert.Contains("24 images of [3, 8, 8], 2 classes, split when loaded", info.Out);
            var train = CliRunner.Run("train", "--data", name, "--epochs", "1", "--hidden", "8", "--latent-dim", "2", "--threads", "1", "--out", Path.Combine(_dir, "run"));
            Ok(train);
            Assert.Contains("of training images from the imported file", train.Out);
            BadInput(CliRunner.Run("data", "import", root, "--name", name), "--overwrite");
            BadInput(CliRunner.Run("data", "import", Path.Combine(_dir, "nothing"), "--name", name + "x"), "no such folder");
        }
        finally
        {
            if (File.Exists(imports.FileOf(name))) File.Delete(imports.FileOf(name));
        }
    }
}
