namespace VaeSharp.Cli.Tests;

// Bad input gives exit code 2 and a message naming the problem; nothing is written half-way.
public class BadInputTests
{
    private static string IdxFolder(Action<string> corrupt)
    {
        string dir = CliRunner.TempDir();
        WriteIdx(Path.Combine(dir, "train-images-idx3-ubyte"), 0x08, [10, 28, 28]);
        WriteIdx(Path.Combine(dir, "train-labels-idx1-ubyte"), 0x08, [10]);
        WriteIdx(Path.Combine(dir, "t10k-images-idx3-ubyte"), 0x08, [10, 28, 28]);
        WriteIdx(Path.Combine(dir, "t10k-labels-idx1-ubyte"), 0x08, [10]);
        corrupt(dir);
        return dir;
    }

    private static void WriteIdx(string path, byte type, int[] dims)
    {
        using var s = File.Create(path);
        s.Write([0, 0, type, (byte)dims.Length]);
        foreach (int d in dims) s.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        s.Write(new byte[dims.Aggregate(1, (a, b) => a * b)]);
    }

    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, stderr: {r.Err}");
        foreach (var m in mentions) Assert.Contains(m, r.Err);
    }

    [Fact]
    public void TruncatedIdx_IsRejected_NamingTheFile()
    {
        string dir = IdxFolder(d =>
        {
            var f = Path.Combine(d, "train-images-idx3-ubyte");
            var bytes = File.ReadAllBytes(f);
            File.WriteAllBytes(f, bytes[..^100]);
        });
        AssertBadInput(CliRunner.Run("train", "--data-dir", dir, "--epochs", "1", "--out", Path.Combine(dir, "run")), "train-images-idx3-ubyte");
    }

    [Fact]
    public void WrongMagic_IsRejected_NamingTheFileAndField()
    {
        string dir = IdxFolder(d => WriteIdx(Path.Combine(d, "t10k-labels-idx1-ubyte"), 0x08, [10, 28, 28]));
        AssertBadInput(CliRunner.Run("train", "--data-dir", dir, "--out", Path.Combine(dir, "run")), "t10k-labels-idx1-ubyte", "magic");
    }

    [Fact]
    public void MissingFiles_AreListed()
    {
        string dir = IdxFolder(d => File.Delete(Path.Combine(d, "t10k-images-idx3-ubyte")));
        AssertBadInput(CliRunner.Run("train", "--data-dir", dir, "--out", Path.Combine(dir, "run")), "t10k-images-idx3-ubyte");
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--lr", "-1", "--lr")]
    [InlineData("--hidden", "400,abc", "--hidden")]
    [InlineData("--latent-dim", "0", "--latent-dim")]
    [InlineData("--likelihood", "poisson", "poisson")]
    [InlineData("--binarize", "static", "static")]
    [InlineData("--batch-size", "many", "many")]
    [InlineData("--data", "cifar", "cifar")]
    [InlineData("--threads", "0", "--threads")]
    public void BadOptionValues_ExitWith2(string option, string value, string mention) =>
        AssertBadInput(CliRunner.Run("train", option, value, "--out", Path.Combine(CliRunner.TempDir(), "run")), mention);

    [Fact]
    public void UnwritableOut_IsRejected()
    {
        string file = Path.Combine(CliRunner.TempDir(), "a-file");
        File.WriteAllText(file, "x");
        AssertBadInput(CliRunner.Run("train", "--out", Path.Combine(file, "run")), "a-file");
    }

    [Fact]
    public void MissingRunFolder_IsRejected()
    {
        string dir = CliRunner.TempDir();
        AssertBadInput(CliRunner.Run("sample", Path.Combine(dir, "nope")), "nope");
        AssertBadInput(CliRunner.Run("eval", dir), "config.json");
    }

    [Fact]
    public void CorruptConfig_IsRejected_NamingTheFile()
    {
        string dir = CliRunner.TempDir();
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"model\": {\"latent_dim\": -3}, \"training\": {}}");
        AssertBadInput(CliRunner.Run("sample", dir), "config.json", "latent_dim");
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"model\": {\"latnet_dim\": 3}, \"training\": {}}");
        AssertBadInput(CliRunner.Run("sample", dir), "config.json", "latnet_dim");
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"model\": {\"latent_dim\": 3}}");
        AssertBadInput(CliRunner.Run("sample", dir), "config.json", "training: missing");
    }

    [Fact]
    public void UnknownCommand_ExitsWith2() => AssertBadInput(CliRunner.Run("trian"), "trian");

    [Fact]
    public void Help_ListsTheTrainOptions()
    {
        var (code, output, _) = CliRunner.Run("train", "--help");
        Assert.Equal(0, code);
        foreach (var o in new[] { "--data", "--epochs", "--batch-size", "--lr", "--latent-dim", "--hidden", "--beta", "--likelihood", "--binarize", "--seed", "--threads", "--out" })
            Assert.Contains(o, output);
    }
}
