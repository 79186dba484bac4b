using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace VaeSharp.Data;

// The small tables scikit-learn ships (Debian's python3-sklearn: usr/lib/python3/dist-packages/sklearn/datasets/data/),
// turned into plain CSV files with a header row. sklearn's own files start with a line "rows,features,class names..."
// and have no column names; the names below are sklearn's feature_names (sklearn/datasets/_base.py, version 1.2.1).
// The last column, target, holds the class name (breast-cancer: malignant/benign; wine: class_0..2; iris: the species).
// digits: 1,797 8×8 images with grey levels 0–16, stored as p0..p63 (row-major) and target (the digit).
internal static class SklearnData
{
    public const string Package = "python3-sklearn";
    public const string BreastCancer = "breast-cancer";
    public const string Wine = "wine";
    public const string Iris = "iris";
    public const string Digits = "digits";

    public static IReadOnlyList<string> Names { get; } = [BreastCancer, Wine, Iris, Digits];

    public const string LabelColumn = "target";

    public static string FileName(string name) => name + ".csv";

    private static readonly string[] CancerMeasures =
        ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave points", "symmetry", "fractal dimension"];

    private static string[] FeatureNames(string name) => name switch
    {
        BreastCancer => [.. CancerMeasures.Select(m => "mean " + m), .. CancerMeasures.Select(m => m + " error"), .. CancerMeasures.Select(m => "worst " + m)],
        Wine => ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids", "nonflavanoid_phenols",
            "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"],
        Iris => ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"],
        _ => [.. Enumerable.Range(0, 64).Select(i => $"p{i}")],
    };

    private static string SourceFile(string name) => name switch
    {
        BreastCancer => "breast_cancer.csv",
        Wine => "wine_data.csv",
        Iris => "iris.csv",
        _ => "digits.csv.gz",
    };

    /// <summary>Converts sklearn's file for <paramref name="name"/> under <paramref name="unpacked"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="DataFormatException">The file is missing or not as expected.</exception>
    public static void Convert(string name, string unpacked, string destination)
    {
        string? source = Directory.EnumerateFiles(unpacked, SourceFile(name), SearchOption.AllDirectories)
            .FirstOrDefault(p => p.Replace('\\', '/').Contains("sklearn/datasets/data/"));
        if (source is null) throw new DataFormatException(unpacked, $"the package {Package} has no sklearn/datasets/data/{SourceFile(name)}");
        string[] lines;
        using (Stream file = File.OpenRead(source))
        using (var reader = new StreamReader(source.EndsWith(".gz") ? new GZipStream(file, CompressionMode.Decompress) : file))
            lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var features = FeatureNames(name);
        string[] classes;
        int first;
        if (name == Digits)
        {
            classes = [.. Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture))];
            first = 0;
        }
        else
        {
            // "569,30,malignant,benign": rows, features, then the class names by code.
            var head = lines.Length > 0 ? lines[0].Split(',') : [];
            if (head.Length < 3 || !int.TryParse(head[0], out int rows) || head[1] != features.Length.ToString(CultureInfo.InvariantCulture) || rows != lines.Length - 1)
                throw new DataFormatException(source, $"line 1: expected 'rows,{features.Length},class names...' with rows = {lines.Length - 1}");
            classes = head[2..];
            first = 1;
        }
        var csv = new StringBuilder();
        csv.AppendJoin(',', features.Select(Quote)).Append(',').Append(LabelColumn).Append('\n');
        for (int i = first; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != features.Length + 1
                || !int.TryParse(cells[^1].Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) || code < 0 || code >= classes.Length)
                throw new DataFormatException(source, $"line {i + 1}: expected {features.Length} values and a class code from 0 to {classes.Length - 1}");
            csv.AppendJoin(',', cells[..^1]).Append(',').Append(Quote(classes[code])).Append('\n');
        }
        File.WriteAllText(Path.Combine(destination, FileName(name)), csv.ToString());
    }

    private static string Quote(string cell) => cell.Contains(',') || cell.Contains('"') ? $"\"{cell.Replace("\"", "\"\"")}\"" : cell;
}
