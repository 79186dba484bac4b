namespace VaeSharp.Data;

// Splits n examples into train and test when a source has no split of its own: a seeded shuffle of 0..n−1 (stream
// DataSplit), the first ⌈fraction·n⌉ of it held out, each side then put back in file order so the examples keep the
// order a person sees in the folder or table.
internal static class DataSplit
{
    public static (int[] Train, int[] Test) Indices(int count, double testFraction, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        RngStreams.Create(seed, RngStream.DataSplit).Shuffle(order.AsSpan());
        int testCount = count < 2 ? 0 : Math.Clamp((int)Math.Ceiling(testFraction * count), 1, count - 1);
        var test = order[..testCount];
        var train = order[testCount..];
        Array.Sort(test);
        Array.Sort(train);
        return (train, test);
    }
}
